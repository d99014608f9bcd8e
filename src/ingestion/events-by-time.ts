import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { byteLines } from "./file-lines.js";

// The events of a file in time order, whatever its size: the import judges each event against
// the customer's state in time order across the whole file, so the outcome never depends on
// where the batches of the ingestion begin and end.

export interface TimedLine {
  /** Milliseconds since the epoch of the event's `at`; -Infinity when it has none (it is refused later). */
  key: number;
  line: number;
  text: string;
}

/** Lines held in memory at once; past it, sorted runs are written to temporary files. */
export const SORT_RUN_LINES = 100_000;

// By time, then by line (ties keep the file's order); -Infinity - -Infinity is NaN, so falsy.
const byTimeThenLine = (a: TimedLine, b: TimedLine) => a.key - b.key || a.line - b.line;

async function writeRun(path: string, run: TimedLine[]): Promise<string> {
  await writeFile(path, run.map((t) => `${t.key}\t${t.line}\t${t.text}\n`).join(""));
  return path;
}

async function* readRun(path: string): AsyncGenerator<TimedLine> {
  for await (const { bytes } of byteLines(createReadStream(path))) {
    const text = bytes.toString("utf8"); // written from valid UTF-8 text by writeRun
    const first = text.indexOf("\t");
    const second = text.indexOf("\t", first + 1);
    yield { key: Number(text.slice(0, first)), line: Number(text.slice(first + 1, second)), text: text.slice(second + 1) };
  }
}

async function* merge(sources: AsyncGenerator<TimedLine>[]): AsyncGenerator<TimedLine> {
  try {
    const heads = await Promise.all(sources.map((s) => s.next()));
    for (;;) {
      let best = -1;
      heads.forEach((head, i) => {
        if (!head.done && (best === -1 || byTimeThenLine(head.value, heads[best]!.value as TimedLine) < 0)) best = i;
      });
      if (best === -1) return;
      yield heads[best]!.value as TimedLine;
      heads[best] = await sources[best]!.next();
    }
  } finally {
    await Promise.all(sources.map((s) => s.return(undefined))); // closes the files of a merge stopped early
  }
}

/**
 * The lines sorted by (key, line), holding at most `runLines` in memory: an external merge sort
 * whose runs live in a temporary directory that is removed when the iteration ends. A file that
 * fits in one run never touches the disk.
 */
export async function* sortedByTime(lines: AsyncIterable<TimedLine>, runLines = SORT_RUN_LINES): AsyncGenerator<TimedLine> {
  let run: TimedLine[] = [];
  let dir: string | undefined;
  const runs: string[] = [];
  const spill = async () => {
    dir ??= mkdtempSync(join(tmpdir(), "advocate-import-sort-"));
    runs.push(await writeRun(join(dir, `run-${runs.length}`), run.sort(byTimeThenLine)));
    run = [];
  };
  try {
    for await (const line of lines) {
      run.push(line);
      if (run.length >= runLines) await spill();
    }
    if (runs.length === 0) return yield* run.sort(byTimeThenLine);
    if (run.length > 0) await spill();
    yield* merge(runs.map(readRun));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
