import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { decodeSortCursor, encodeSortCursor, pageArgs, toConnection } from "../common/pagination.js";
import * as v from "../common/validate.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { Customer, CustomerConnection, Stakeholder } from "./customer.type.js";
import { CustomerOrder } from "./customer.enums.js";
import { customerListFilter } from "./customer.filter.js";
import { CustomerFilter, CustomerInput, StakeholderInput, UsageInput } from "./customer.inputs.js";
import {
  countCustomers,
  findCustomerById,
  listCustomers,
  listCustomersByScore,
} from "./customer.repository.js";
import * as customersService from "./customer.service.js";
import { eraseCustomer } from "./customer-erasure.service.js";

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true })
  @Allow(Role.ADMIN)
  async customer(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return v.isUuid(id) ? ((await findCustomerById(db, id.toLowerCase())) ?? null) : null;
  }

  @Query(() => CustomerConnection)
  @Allow(Role.ADMIN)
  async customers(
    @Ctx() { db }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("filter", () => CustomerFilter, { nullable: true }) filter?: CustomerFilter | null,
    @Arg("orderBy", () => CustomerOrder, { nullable: true, defaultValue: CustomerOrder.ID, description: "ID: stable, the default; or by a stored score." })
    orderBy?: CustomerOrder | null,
  ) {
    const where = await customerListFilter(db, filter);
    const count = () => countCustomers(db, where);
    if (orderBy && orderBy !== CustomerOrder.ID) {
      const page = pageArgs(first, null);
      const rows = await listCustomersByScore(db, where, orderBy, after ? decodeSortCursor(after) : null, page.first + 1);
      return toConnection(rows, page.first, count, (row) => encodeSortCursor({ value: row.sortValue, id: row.id }));
    }
    const page = pageArgs(first, after);
    return toConnection(await listCustomers(db, where, page.afterId, page.first + 1), page.first, count);
  }

  @Mutation(() => Customer, { description: "Creates or updates by externalId (the CRM's id)." })
  @Allow(Role.ADMIN)
  upsertCustomer(@Arg("input", () => CustomerInput) input: CustomerInput, @Ctx() ctx: Context) {
    return customersService.upsertCustomer(ctx, input);
  }

  @Mutation(() => Customer)
  @Allow(Role.ADMIN)
  recordUsage(@Arg("input", () => UsageInput) input: UsageInput, @Ctx() ctx: Context) {
    return customersService.recordUsage(ctx, input);
  }

  @Mutation(() => Customer, { description: "score 0-10" })
  @Allow(Role.ADMIN)
  recordNpsResponse(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("score", () => Int) score: number,
    @Ctx() ctx: Context,
    @Arg("at", () => Date, { nullable: true }) at?: Date | null,
  ) {
    return customersService.recordNpsResponse(ctx, customerId, score, at);
  }

  @Mutation(() => Customer, { description: "score 1-5" })
  @Allow(Role.ADMIN)
  recordCsatResponse(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("score", () => Int) score: number,
    @Ctx() ctx: Context,
    @Arg("at", () => Date, { nullable: true }) at?: Date | null,
  ) {
    return customersService.recordCsatResponse(ctx, customerId, score, at);
  }

  @Mutation(() => Customer)
  @Allow(Role.ADMIN)
  recordSupportTicket(
    @Arg("customerId", () => ID) customerId: string,
    @Ctx() ctx: Context,
    @Arg("openedAt", () => Date, { nullable: true }) openedAt?: Date | null,
  ) {
    return customersService.recordSupportTicket(ctx, customerId, openedAt);
  }

  @Mutation(() => Customer, { description: "An upgrade (higher MRR) counts as an upsell." })
  @Allow(Role.ADMIN)
  recordPlanChange(
    @Arg("customerId", () => ID) customerId: string,
    @Arg("plan", () => String) plan: string,
    @Arg("mrrCents", () => Int) mrrCents: number,
    @Ctx() ctx: Context,
    @Arg("at", () => Date, { nullable: true }) at?: Date | null,
    @Arg("termMonths", () => Int, { nullable: true, description: "The contract term this change signs: 1, 3, 6, 12, 24 or 36 months; absent: the term in force goes on." })
    termMonths?: number | null,
  ) {
    return customersService.recordPlanChange(ctx, customerId, plan, mrrCents, at, termMonths);
  }

  @Mutation(() => Customer)
  @Allow(Role.ADMIN)
  markChurned(
    @Arg("customerId", () => ID) customerId: string,
    @Ctx() ctx: Context,
    @Arg("at", () => Date, { nullable: true }) at?: Date | null,
    @Arg("reason", () => String, { nullable: true }) reason?: string | null,
  ) {
    return customersService.markChurned(ctx, customerId, at, reason);
  }

  @Mutation(() => Stakeholder, { description: "Creates or updates a CRM stakeholder, keyed by (customerId, email)." })
  @Allow(Role.ADMIN)
  upsertStakeholder(@Arg("input", () => StakeholderInput) input: StakeholderInput, @Ctx() { db }: Context) {
    return customersService.upsertStakeholder(db, input);
  }

  @Mutation(() => Customer, {
    description:
      "GDPR erasure, irreversible: removes the customer's name, external id, stakeholders, CS history, journeys' emails and billing contacts; keeps an anonymized tombstone (erasedAt) whose referral, payments and commissions the ledger still sums (README, \"Erasure\"). A second erasure is FAILED_PRECONDITION; the former externalId is free for a new customer.",
  })
  @Allow(Role.ADMIN)
  eraseCustomer(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return eraseCustomer(ctx, id);
  }

  @FieldResolver(() => Affiliate, { nullable: true })
  async referredBy(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.referringAffiliateByCustomerId.load(customer.id)) ?? null;
  }

  @FieldResolver(() => Affiliate, { nullable: true, description: "Set when this customer is also an affiliate." })
  async affiliate(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.affiliateByCustomerId.load(customer.id)) ?? null;
  }

  @FieldResolver(() => [Stakeholder])
  stakeholders(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return loaders.stakeholdersByCustomerId.load(customer.id);
  }

  @FieldResolver(() => Int, { description: "Revenue received to date." })
  async lifetimeValueCents(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.scoresByCustomerId.load(customer.id))?.lifetimeValueCents ?? 0;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Latest NPS answer, 0-10." })
  async nps(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.scoresByCustomerId.load(customer.id))?.nps ?? null;
  }

  @FieldResolver(() => Float, { nullable: true, description: "Mean CSAT answer, 1-5." })
  async csat(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.scoresByCustomerId.load(customer.id))?.csat ?? null;
  }

  @FieldResolver(() => Int)
  async supportTickets90d(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.scoresByCustomerId.load(customer.id))?.supportTickets90d ?? 0;
  }

  @FieldResolver(() => Int, { nullable: true, description: "The contract term in force, in months (its latest plan change that signed one); null: none, or churned." })
  async termMonths(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.contractTermByCustomerId.load(customer.id))?.termMonths ?? null;
  }

  @FieldResolver(() => Date, { nullable: true, description: "The next renewal of its contract term: every termMonths months from the term's start; null without a term." })
  async renewsAt(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.contractTermByCustomerId.load(customer.id))?.renewsAt ?? null;
  }

  @FieldResolver(() => Int)
  async upsellCount(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return (await loaders.scoresByCustomerId.load(customer.id))?.upsellCount ?? 0;
  }
}
