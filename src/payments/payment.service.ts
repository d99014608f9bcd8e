// TEMPORARY stand-in for branch i14-payments' interface (replaced by its file on merge).
import type { Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";

export interface PaymentInput {
  source: "STRIPE" | "WEBHOOK";
  externalId: string;
  customerId: string | null;
  providerCustomerId: string | null;
  amountCents: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  paidAt: Date;
  paymentIntentId?: string | null;
  chargeId?: string | null;
}

export interface RefundInput {
  source: "STRIPE" | "WEBHOOK";
  chargeId: string;
  paymentExternalId?: string | null;
  paymentIntentId?: string | null;
  amountRefundedCents: number;
  currency: string;
  refundedAt: Date;
}

export async function recordPayment(_context: ServiceContext, _input: PaymentInput): Promise<void> {}
export async function recordRefund(_context: ServiceContext, _input: RefundInput): Promise<void> {}
export async function linkProviderPayments(_ex: ServiceContext | Executor, _providerCustomerId: string, _customerId: string): Promise<void> {}
