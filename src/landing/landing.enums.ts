// Landing pages' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum LandingMatch {
  AFFILIATE_AND_NICHE = "AFFILIATE_AND_NICHE",
  NICHE = "NICHE",
  AFFILIATE = "AFFILIATE",
  DEFAULT = "DEFAULT",
}
