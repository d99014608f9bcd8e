// Conversions' enums: declared once, used by services and registerEnumType. Imports nothing.

/** What reporting a conversion did to the customer's attribution (VisitorAttribution's statuses). */
export enum ConversionStatus {
  /** The visitor's visits named an affiliate: the customer is now its referral. */
  ATTRIBUTED = "ATTRIBUTED",
  /** The customer already had a referral, kept as it was (a conversion reported twice). */
  ALREADY_ATTRIBUTED = "ALREADY_ATTRIBUTED",
  /** No visit of this visitor within the attribution window before the conversion. */
  NO_QUALIFYING_VISIT = "NO_QUALIFYING_VISIT",
  /** The rules refuse it (`reason`): the visit's affiliate is the customer itself, or the customer has churned. */
  NOT_ATTRIBUTABLE = "NOT_ATTRIBUTABLE",
}
