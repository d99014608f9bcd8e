// Reading import files strictly: lines as bytes (so invalid UTF-8 is caught, not turned into
// U+FFFD), and CSV records parsed one at a time, so a malformed record is refused on its own and
// the records after it are still read. csv-parse's skip_records_with_error (7.0.3) was tried and
// lost the valid rows that followed a malformed quote; RFC 4180 is small enough to read here.

/** Longest line (and longest multi-line CSV record) read; past it the line is refused. */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface ByteLine {
  /** 1-based. */
  line: number;
  /** Without its \n or \r\n; a UTF-8 byte order mark at the start of the file is dropped. */
  bytes: Buffer;
  /** The line was longer than MAX_LINE_BYTES: `bytes` is empty. */
  tooLong?: true;
}

const trimCr = (b: Buffer) => (b.length > 0 && b[b.length - 1] === 0x0d ? b.subarray(0, -1) : b);

/** A stream's lines as bytes, memory bounded by MAX_LINE_BYTES whatever the input. */
export async function* byteLines(input: AsyncIterable<Buffer>): AsyncGenerator<ByteLine> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  let overflow = false;
  const emit = (bytes: Buffer): ByteLine => {
    line++;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    return overflow ? { line, bytes: Buffer.alloc(0), tooLong: true } : { line, bytes: trimCr(bytes) };
  };
  for await (const chunk of input) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      yield emit(data.subarray(start, nl));
      overflow = false;
      start = nl + 1;
    }
    rest = data.subarray(start);
    if (rest.length > MAX_LINE_BYTES) [overflow, rest] = [true, Buffer.alloc(0)];
  }
  if (rest.length > 0 || overflow) yield emit(rest);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes as text, or null when they are not valid UTF-8 (nothing is replaced). */
export function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** One CSV record: its fields as bytes (unquoted, ASCII blanks trimmed), or why it is refused. */
export type CsvRecord =
  | { line: number; fields: Buffer[] }
  /** `field`: the 0-based index of the field at fault, null for the record as a whole. */
  | { line: number; field: number | null; reason: string };

/**
 * Whether a record is still inside a quoted field after `text`, which starts inside one when
 * `inQuotes`. A quote opens a field only at its start (after blanks), as parseRecord reads it.
 */
function endsInQuotes(text: string, inQuotes: boolean): boolean {
  let fieldStart = !inQuotes;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') inQuotes = fieldStart = false;
    } else if (c === '"' && fieldStart) inQuotes = true;
    else if (c === ",") fieldStart = true;
    else if (c !== " " && c !== "\t") fieldStart = false;
  }
  return inQuotes;
}

/** RFC 4180 on one record (text holding one byte per character), quotes closed (endsInQuotes). */
function parseRecord(text: string): { fields: string[] } | { field: number; reason: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === " " || text[i] === "\t") i++;
    let value = "";
    if (text[i] === '"') {
      for (let j = i + 1; ; ) {
        const quote = text.indexOf('"', j);
        if (quote === -1) return { field: fields.length, reason: "a quoted field is not closed" }; // not reached after endsInQuotes
        value += text.slice(j, quote);
        if (text[quote + 1] !== '"') {
          i = quote + 1;
          break;
        }
        value += '"';
        j = quote + 2;
      }
      while (text[i] === " " || text[i] === "\t") i++;
      if (i < text.length && text[i] !== ",") return { field: fields.length, reason: 'text after the closing quote (a quote inside a quoted field is written twice: "")' };
    } else {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? text.length : comma;
      value = text.slice(i, end).replace(/[ \t]+$/, "");
      if (value.includes('"')) return { field: fields.length, reason: 'a quote inside an unquoted field (quote the whole field and write the inner quote twice: "")' };
      i = end;
    }
    fields.push(value);
    if (i >= text.length) return { fields };
    i++;
  }
}

/**
 * The CSV records of a file, each numbered by its first line. Blank lines are skipped. A quoted
 * field may span lines: the record goes on until the quote closes. One that grows past
 * MAX_LINE_BYTES is refused whole (its lines are still read, not kept, up to the closing quote);
 * a quote that never closes refuses the lines up to the end of the file. A refused record that
 * spans lines says which.
 */
export async function* csvRecords(lines: AsyncIterable<ByteLine>): AsyncGenerator<CsvRecord> {
  // The record being read while a quoted field is open; text null: past MAX_LINE_BYTES, dropped.
  let open: { line: number; text: string | null } | null = null;
  const spanning = (first: number, last: number, reason: string) => (last > first ? `${reason} (in the record of lines ${first}-${last})` : reason);
  const tooLongRecord = `a quoted field runs past ${MAX_LINE_BYTES} bytes (a quote not closed?)`;
  let last = 0;
  for await (const { line, bytes, tooLong } of lines) {
    last = line;
    if (tooLong) {
      yield open ? { line: open.line, field: null, reason: spanning(open.line, line, tooLongRecord) } : { line, field: null, reason: `the line is longer than ${MAX_LINE_BYTES} bytes` };
      open = null;
      continue;
    }
    const text = bytes.toString("latin1"); // one character per byte: nothing decoded, nothing lost
    if (!open && /^[ \t]*$/.test(text)) continue;
    const first: number = open?.line ?? line;
    const joined: string | null = !open ? text : open.text === null ? null : `${open.text}\n${text}`;
    const record: string | null = joined !== null && joined.length <= MAX_LINE_BYTES ? joined : null;
    if (endsInQuotes(text, open !== null)) {
      open = { line: first, text: record };
      continue;
    }
    open = null;
    if (record === null) {
      yield { line: first, field: null, reason: spanning(first, line, tooLongRecord) };
      continue;
    }
    const parsed = parseRecord(record);
    if ("reason" in parsed) yield { line: first, field: parsed.field, reason: spanning(first, line, parsed.reason) };
    else yield { line: first, fields: parsed.fields.map((f) => Buffer.from(f, "latin1")) };
  }
  if (open) yield { line: open.line, field: null, reason: spanning(open.line, last, "a quoted field is not closed before the end of the file") };
}
