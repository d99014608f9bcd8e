// Segments' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum SegmentField {
  NICHE = "NICHE",
  PLAN = "PLAN",
  ACQUISITION_CHANNEL = "ACQUISITION_CHANNEL",
  STATUS = "STATUS",
  HEALTH_SCORE = "HEALTH_SCORE",
  ADVOCACY_SCORE = "ADVOCACY_SCORE",
  CHURN_RISK = "CHURN_RISK",
  MRR_CENTS = "MRR_CENTS",
  NPS = "NPS",
  CSAT = "CSAT",
  SUPPORT_TICKETS_90D = "SUPPORT_TICKETS_90D",
  LIFETIME_VALUE_CENTS = "LIFETIME_VALUE_CENTS",
  REFERRED_BY_AFFILIATE_CODE = "REFERRED_BY_AFFILIATE_CODE",
}

export enum RuleOp {
  EQ = "EQ",
  NEQ = "NEQ",
  GT = "GT",
  GTE = "GTE",
  LT = "LT",
  LTE = "LTE",
  IN = "IN",
}
