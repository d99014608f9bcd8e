import type { Database } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import { runCommissionLedger } from "./commission.service.js";

/**
 * Runs the commission ledger every `hours` (and once shortly after start): periods close and
 * holds end with time alone. Returns a stop function.
 */
export function scheduleCommissionLedger(db: Database, hours: number, holdDays: number): () => void {
  if (hours <= 0) return () => undefined;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const result = await runCommissionLedger(db, new Date(), holdDays);
      if (result.accrued + result.voided + result.approved > 0) log.info("commission ledger run", { ...result });
    } catch (error) {
      log.error("commission ledger run failed", describeError(error));
    } finally {
      running = false;
    }
  };
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, hours * 3_600_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
