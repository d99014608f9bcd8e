import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "../auth/roles.js";
import { auditAdminMutations } from "./audit.mutations.js";
import { DateTimeScalar } from "../common/scalars.js";
import { AffiliateResolver } from "../affiliates/affiliate.resolver.js";
import { AffiliatePortalResolver } from "../affiliates/affiliate-portal.resolver.js";
import { ContentResolver } from "../content/content.resolver.js";
import { CustomerResolver } from "../customers/customer.resolver.js";
import { AuditResolver } from "../audit/audit.resolver.js";
import { CustomerHistoryResolver } from "../customers/customer-history.resolver.js";
import { CustomerActivityResolver } from "../customers/customer-activity.resolver.js";
import { IntelligenceResolver } from "../intelligence/intelligence.resolver.js";
import { OverviewResolver } from "../intelligence/overview.resolver.js";
import { LandingResolver } from "../landing/landing.resolver.js";
import { ReferralResolver } from "../referrals/referral.resolver.js";
import { SegmentResolver } from "../segments/segment.resolver.js";
import { SegmentPreviewResolver } from "../segments/segment-preview.resolver.js";
import { ServerKeyResolver } from "../server-keys/server-key.resolver.js";
import { ConversionResolver } from "../conversions/conversion.resolver.js";
import { CustomerMilestonesResolver, MilestonesResolver } from "../milestones/milestones.resolver.js";
import { CustomerJourneyResolver, JourneyEnrollmentResolver, JourneyResolver } from "../journeys/journey.resolver.js";
import { AffiliatePaymentsResolver, CustomerPaymentsResolver, PaymentResolver } from "../payments/payment.resolver.js";
import { CustomerStripeResolver } from "../stripe/stripe.resolver.js";
import { CommissionEntryResolver, CommissionLedgerResolver, CommissionResolver } from "../commissions/commission.resolver.js";

export const resolvers = [
  CustomerResolver,
  CustomerHistoryResolver,
  AuditResolver,
  CustomerActivityResolver,
  IntelligenceResolver,
  OverviewResolver,
  AffiliateResolver,
  AffiliatePortalResolver,
  ReferralResolver,
  ContentResolver,
  SegmentResolver,
  SegmentPreviewResolver,
  LandingResolver,
  CommissionResolver,
  CommissionEntryResolver,
  CommissionLedgerResolver,
  MilestonesResolver,
  CustomerMilestonesResolver,
  JourneyResolver,
  JourneyEnrollmentResolver,
  CustomerJourneyResolver,
  ServerKeyResolver,
  ConversionResolver,
  CustomerPaymentsResolver,
  AffiliatePaymentsResolver,
  PaymentResolver,
  CustomerStripeResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every app instance in a process: build it once. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker,
    // Validation is explicit in the services (common/validate.ts), shared with non-GraphQL entry points.
    validate: false,
  }).then(auditAdminMutations);
  return built;
}

/** The SDL committed to schema/schema.graphql: sorted, so a diff shows only real changes. */
export const printSortedSchema = (schema: GraphQLSchema) => printSchema(lexicographicSortSchema(schema)) + "\n";
