// Affiliates' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum CommissionType {
  PERCENT = "PERCENT",
  FLAT = "FLAT",
}

export enum AffiliateStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
}
