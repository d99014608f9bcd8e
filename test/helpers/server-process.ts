import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// The real server as a process of its own (`npm start`, restarts, signals), for the tests that
// need one: a free port, the process with its output, and waiting on that output.

export const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

export async function waitFor(predicate: () => boolean, ms: number, describe: () => string = () => "") {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out ${describe().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Arguments and options to run one of the project's scripts with node and tsx, with only PATH
 * and `env` in its environment, in `cwd` (default: the project).
 */
export function tsxProcess(script: string, args: string[], env: Record<string, string>, cwd?: string): [string[], { cwd: string; env: Record<string, string> }] {
  const loader = cwd ? pathToFileURL(resolve("node_modules/tsx/dist/loader.mjs")).href : "tsx";
  return [
    ["--import", loader, resolve(script), ...args],
    { cwd: cwd ?? process.cwd(), env: { PATH: process.env.PATH ?? "", ...(cwd ? { TSX_TSCONFIG_PATH: resolve("tsconfig.json") } : {}), ...env } },
  ];
}

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | string | null>;
  /** Resolves once the server logs that it listens. */
  listening(ms?: number): Promise<void>;
}

/**
 * `src/server/main.ts` with only PATH and `env` in its environment. From another working
 * directory (an embedded database of its own in ./data), tsx is loaded by path and told where the
 * tsconfig is (it decides how decorators compile).
 */
export function startServerProcess(env: Record<string, string>, cwd?: string): ServerProcess {
  const [args, options] = tsxProcess("src/server/main.ts", [], env, cwd);
  const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | string | null>((done) => child.once("exit", (code, signal) => done(code ?? signal)));
  return {
    child,
    output: () => output,
    exited,
    listening: (ms = 60_000) => waitFor(() => output.includes("Advocate is listening"), ms, () => output),
  };
}
