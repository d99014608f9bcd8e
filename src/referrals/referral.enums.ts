// Referrals' enums: declared once, used by config parsing, services and registerEnumType. Imports nothing.

/**
 * Which of a visitor's visits within the attribution window names the affiliate of a conversion:
 * the latest (LAST_TOUCH, the default) or the earliest (FIRST_TOUCH).
 */
export enum AttributionModel {
  LAST_TOUCH = "LAST_TOUCH",
  FIRST_TOUCH = "FIRST_TOUCH",
}
