// Journeys' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

export enum JourneyTrigger {
  REFERRAL_ATTRIBUTED = "REFERRAL_ATTRIBUTED",
  MANUAL = "MANUAL",
}

export enum JourneyStatus {
  ACTIVE = "ACTIVE",
  PAUSED = "PAUSED",
}

export enum EnrollmentStatus {
  ACTIVE = "ACTIVE",
  PAUSED = "PAUSED",
  COMPLETED = "COMPLETED",
  STOPPED = "STOPPED",
  OPTED_OUT = "OPTED_OUT",
  FAILED = "FAILED",
}

export enum JourneyStepKind {
  WAIT = "WAIT",
  EMAIL = "EMAIL",
  BRANCH = "BRANCH",
}

export enum BranchAction {
  STOP = "STOP",
  GOTO = "GOTO",
}

export enum JourneyConditionKind {
  HEALTH_BAND_IN = "HEALTH_BAND_IN",
  IN_SEGMENT = "IN_SEGMENT",
  NOT_IN_SEGMENT = "NOT_IN_SEGMENT",
  MILESTONE_REACHED = "MILESTONE_REACHED",
  MILESTONE_NOT_REACHED = "MILESTONE_NOT_REACHED",
}
