import type { Database } from "../db/client.js";
import type { Schedule } from "../jobs/schedules.js";
import { runCommissionLedger } from "./commission.service.js";

/** The commission ledger run (accrue closed periods, end holds, claw back), as a durable job: periods close and holds end with time alone. */
export function commissionLedgerSchedule(db: Database, hours: number, holdDays: number, programCurrency: string | null = null): Schedule {
  return { name: "commissions.ledger", everyHours: hours, run: (now) => runCommissionLedger(db, now, holdDays, null, programCurrency) };
}
