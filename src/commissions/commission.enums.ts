// Commissions' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum CommissionStatus {
  PENDING = "PENDING",
  APPROVED = "APPROVED",
  PAID = "PAID",
  VOIDED = "VOIDED",
}

/** ACCRUAL: a period's commission, once; ADJUSTMENT: a later correction of it (late billing history), any number. */
export enum CommissionEntryKind {
  ACCRUAL = "ACCRUAL",
  ADJUSTMENT = "ADJUSTMENT",
}
