import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describeError, log } from "../common/log.js";
import { ChangeChannel, readChange, SHARED_CHANGE_KINDS, widestChange, type ChangeKind } from "../common/changes.js";
import type { ServiceContext } from "../common/service-context.js";
import { DEFAULT_PROGRAM_CURRENCY, type ScoringConfig } from "../config/config.js";
import type { Database, DatabaseHandle } from "./client.js";

/** The NOTIFY channel of one kind of change (advocate_landing carries the landing changes). */
export const notifyChannelOf = (kind: ChangeKind) => `advocate_${kind}`;

export interface ChangeForwarder {
  /** Resolves once every NOTIFY sent so far was answered (a CLI waits for it before closing the database). */
  settled(): Promise<void>;
  close(): void;
}

/**
 * Sends the channel's changes of `kinds` made here to every other instance on the database, as
 * NOTIFY `{from, ...change}`. Not awaited: a mutation's answer does not wait on it. A CLI
 * (import, recompute) uses this alone: it has no cache of its own, the servers have.
 */
export function forwardChanges(db: Database, channel: ChangeChannel, kinds: readonly ChangeKind[], origin: string = randomUUID()): ChangeForwarder {
  const pending = new Set<Promise<void>>();
  const unsubscribe = kinds.map((kind) =>
    channel.subscribe(kind, (change, from) => {
      if (from !== "here") return;
      const sent = db.execute(sql`select pg_notify(${notifyChannelOf(kind)}, ${JSON.stringify({ from: origin, ...change })})`).then(
        () => undefined,
        (error: unknown) => log.warn("could not notify other instances of a change", { kind, ...describeError(error) }),
      );
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    }),
  );
  return {
    settled: async () => void (await Promise.all(pending)),
    close: () => unsubscribe.forEach((stop) => stop()),
  };
}

/**
 * Keeps this instance's channel in step with the others on the database (a server's landing cache
 * with every instance's writes): changes of `kinds` made here go out by NOTIFY, theirs come in by
 * LISTEN and are delivered as "elsewhere". This instance's own notifications are skipped when
 * they come back. After a reconnection what was missed is unknown: the widest change of each kind.
 */
export async function shareChanges(database: DatabaseHandle, channel: ChangeChannel, kinds: readonly ChangeKind[]): Promise<{ close(): Promise<void> }> {
  const origin = randomUUID();
  const forwarder = forwardChanges(database.db, channel, kinds, origin);
  const unlisten = await Promise.all(
    kinds.map((kind) =>
      database.listen(
        notifyChannelOf(kind),
        (payload) => {
          let message: unknown;
          try {
            message = JSON.parse(payload);
          } catch {
            // Unknown format: readChange falls back to the widest change.
          }
          if ((message as { from?: unknown } | undefined)?.from === origin) return;
          channel.receive(readChange(kind, message));
        },
        () => channel.receive(widestChange(kind)),
      ),
    ),
  );
  return {
    close: async () => {
      forwarder.close();
      await Promise.all(unlisten.map((stop) => stop().catch(() => undefined)));
    },
  };
}

/**
 * What code running without a server (a CLI, start-up work before createApp) gives services: its
 * changes reach the running servers by NOTIFY. Await settled() before closing the database.
 */
export function serviceContextWithoutServer(
  db: Database,
  scoring: ScoringConfig,
  programCurrency = DEFAULT_PROGRAM_CURRENCY,
): ServiceContext & { settled(): Promise<void> } {
  const changes = new ChangeChannel();
  const forwarder = forwardChanges(db, changes, SHARED_CHANGE_KINDS);
  return { db, changes, scoring, programCurrency, settled: () => forwarder.settled() };
}
