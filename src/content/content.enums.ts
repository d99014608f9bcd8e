// Content's enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum ContentKind {
  CASE_STUDY = "CASE_STUDY",
  USE_CASE = "USE_CASE",
  PAIN_POINT = "PAIN_POINT",
}
