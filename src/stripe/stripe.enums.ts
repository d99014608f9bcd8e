// Stripe's enums: declared once, used by the service, the metrics and the tests. Imports nothing.

/** What became of a Stripe event (stripe_events.outcome, and the metrics' outcome label). */
export enum StripeEventOutcome {
  /** Its facts were written. */
  APPLIED = "applied",
  /** A type Advocate does not use, or an event of the other mode (STRIPE_LIVEMODE). */
  IGNORED = "ignored",
  /** Older than the state already applied to its object: nothing changed. */
  STALE = "stale",
  /** Permanently unusable (a negative amount, an unknown currency, a refusal of the billing rules): recorded with its reason. */
  REJECTED = "rejected",
  /** A redelivery of an event already received (not stored again; only counted). */
  DUPLICATE = "duplicate",
}
