import { Field, ObjectType } from "type-graphql";
import { badInput } from "./errors.js";
import { isUuid } from "./validate.js";

export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface PageArgs {
  first: number;
  /** The id after which the page starts (decoded from the cursor), or null for the first page. */
  afterId: string | null;
}

// Cursors are opaque to clients: base64url of the row id (every list is in id order, which is
// stable under inserts and cheap to seek with the primary key).
export const encodeCursor = (id: string) => Buffer.from(`id:${id}`).toString("base64url");

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString();
  const id = decoded.startsWith("id:") ? decoded.slice(3) : "";
  if (!isUuid(id)) throw badInput("after", "is not a cursor from this API");
  return id;
}

export function pageArgs(first: number | null | undefined, after: string | null | undefined): PageArgs {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput("first", `must be from 0 to ${MAX_PAGE_SIZE}`);
  }
  return { first: size, afterId: after ? decodeCursor(after) : null };
}

/** A position in a list sorted by a number (a score), ties broken by id. */
export interface SortCursor {
  value: number;
  id: string;
}

export const encodeSortCursor = ({ value, id }: SortCursor) => Buffer.from(`k:${value}|${id}`).toString("base64url");

export function decodeSortCursor(cursor: string): SortCursor {
  const match = /^k:(-?[0-9.e+-]+)\|(.+)$/.exec(Buffer.from(cursor, "base64url").toString());
  const value = Number(match?.[1]);
  if (!match || !Number.isFinite(value) || !isUuid(match[2]!)) throw badInput("after", "is not a cursor from this API for this order");
  return { value, id: match[2]! };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** A getter: the count query runs only when a client selects totalCount. */
  readonly totalCount: Promise<number>;
}

/** Builds a connection from rows fetched with `limit first + 1` (the extra row tells hasNextPage). */
export function toConnection<T extends { id: string }>(
  rows: T[],
  first: number,
  count: () => Promise<number>,
  cursorOf: (row: T) => string = (row) => encodeCursor(row.id),
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return count();
    },
  };
}
