// The scores' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum HealthBand {
  RED = "RED",
  YELLOW = "YELLOW",
  GREEN = "GREEN",
}
