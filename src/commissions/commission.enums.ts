// Commissions' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum CommissionStatus {
  PENDING = "PENDING",
  APPROVED = "APPROVED",
  PAID = "PAID",
  VOIDED = "VOIDED",
}
