// Customers' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum CustomerStatus {
  TRIAL = "TRIAL",
  ACTIVE = "ACTIVE",
  CHURNED = "CHURNED",
}

export enum CustomerOrder {
  ID = "ID",
  HEALTH_SCORE_DESC = "HEALTH_SCORE_DESC",
  HEALTH_SCORE_ASC = "HEALTH_SCORE_ASC",
  CHURN_RISK_DESC = "CHURN_RISK_DESC",
  ADVOCACY_SCORE_DESC = "ADVOCACY_SCORE_DESC",
}

export enum StakeholderRole {
  CHAMPION = "CHAMPION",
  DECISION_MAKER = "DECISION_MAKER",
  INFLUENCER = "INFLUENCER",
  USER = "USER",
}

/** What one entry of Customer.history records (the table it comes from). */
export enum CustomerHistoryKind {
  USAGE = "USAGE",
  NPS = "NPS",
  CSAT = "CSAT",
  SUPPORT_TICKET = "SUPPORT_TICKET",
  PLAN_CHANGE = "PLAN_CHANGE",
  PAYMENT = "PAYMENT",
  REFUND = "REFUND",
  CHURN = "CHURN",
  REACTIVATION = "REACTIVATION",
  PRODUCT_ACTIVITY = "PRODUCT_ACTIVITY",
}
