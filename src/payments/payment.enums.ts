// Payments' enums: declared once, used by pgEnum (db/schema), services and registerEnumType. Imports nothing.

/** Who reported a payment or refund: the Stripe webhook, or the generic event webhook (POST /webhooks/events). */
export enum PaymentSource {
  STRIPE = "STRIPE",
  WEBHOOK = "WEBHOOK",
}
