import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

// PGlite is PostgreSQL inside one process: a second process that opens the same directory works
// on its own copy of the database and its writes are lost (a bulk import run beside `npm start`
// reported "1 created" and the row was gone after a restart). So a process takes the directory
// for itself: `advocate.lock` in it holds the pid, created atomically (link(2) fails if it
// exists, and the file never exists without its pid), removed on close or when the process
// exits, and taken over when the process it names is dead (a crash, a SIGKILL).

export const LOCK_FILE = "advocate.lock";

/** Another live process, or this one, has the directory open. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    const lock = join(dir, LOCK_FILE);
    super(
      pid === process.pid
        ? `the embedded database in ${dir} is already open in this process (pid ${pid})`
        : `the embedded database in ${dir} is in use by another Advocate process (pid ${pid}): the embedded database serves one process at a time, ` +
            `and a second one would lose its writes. Stop that process first (e.g. the running npm start), or set DATABASE_URL to a PostgreSQL ` +
            `server to run several processes on one database. (If pid ${pid} is not Advocate, remove ${lock}.)`,
    );
    this.name = "DataDirectoryInUseError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, another user's
  }
}

function holderOf(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Takes `dataDir` (created if missing) for this process, or throws DataDirectoryInUseError naming
 * the live process that has it. Returns the release, which removes the lock if it is still ours.
 */
export function lockDataDirectory(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = holderOf(lock);
      if (holder !== null && holder > 0 && alive(holder)) throw new DataDirectoryInUseError(dir, holder);
      // Its process is gone (or the file names none): a stale lock, taken over.
      try {
        unlinkSync(lock);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  } finally {
    unlinkSync(mine);
  }
  const release = () => {
    try {
      if (holderOf(lock) === process.pid) unlinkSync(lock);
    } catch {
      // the directory is gone: nothing is held any more
    }
  };
  process.on("exit", release);
  return () => {
    process.off("exit", release);
    release();
  };
}
