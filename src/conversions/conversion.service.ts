import type { ServiceContext } from "../common/service-context.js";
import { badInput, toAppError } from "../common/errors.js";
import * as v from "../common/validate.js";
import { CustomerStatus, StakeholderRole } from "../customers/customer.enums.js";
import { addStakeholderIfNew, findCustomerByExternalId, type CustomerRow } from "../customers/customer.repository.js";
import { announceCustomerWrite, rescoreCustomer, storeCustomer, validateCustomerInput } from "../customers/customer.service.js";
import { announceReferral } from "../referrals/referral.service.js";
import { attributeVisitorInTransaction, validateVisitorAttribution, type AttributionRule, type VisitorAttribution } from "../referrals/visitor-attribution.js";
import { ConversionStatus } from "./conversion.enums.js";
import type { ConversionCustomerInput, ConversionInput } from "./conversion.inputs.js";

export interface Conversion {
  customerId: string;
  created: boolean;
  status: ConversionStatus;
  affiliateCode: string | null;
  reason: string | null;
}

const STATUS: Record<VisitorAttribution["status"], ConversionStatus> = {
  ATTRIBUTED: ConversionStatus.ATTRIBUTED,
  ALREADY_ATTRIBUTED: ConversionStatus.ALREADY_ATTRIBUTED,
  NO_QUALIFYING_VISIT: ConversionStatus.NO_QUALIFYING_VISIT,
  NOT_ATTRIBUTABLE: ConversionStatus.NOT_ATTRIBUTABLE,
};

/**
 * "Visitor V became customer X", from the company's server: creates X by its external id or
 * updates it (fields left out keep their values), keeps the signup's email as a stakeholder, and
 * attributes X to the affiliate V's visits name under `rule` (visitor-attribution.ts). One
 * transaction: bad input (BAD_USER_INPUT) leaves nothing written; an outcome that attributes
 * nothing is an answer. Reporting the same conversion again changes no attribution.
 */
export async function reportConversion({ db, changes, scoring }: ServiceContext, input: ConversionInput, rule: AttributionRule, now = new Date()): Promise<Conversion> {
  const attribution = validateVisitorAttribution(input, now);
  const given = input.customer;
  // Checked here too, so bad input is refused before any lookup.
  const externalId = v.requiredText("customer.externalId", given.externalId, v.LIMITS.externalId);
  const contact = signupContact(given);
  if (given.status === CustomerStatus.CHURNED) throw badInput("customer.status", "a conversion is a current customer: TRIAL or ACTIVE");
  const { conversion, featured, affiliateCode } = await db.transaction(async (tx) => {
    const existing = await findCustomerByExternalId(tx, externalId);
    const values = customerValues(given, externalId, existing, now);
    const { customer, created } = await storeCustomer(tx, values, now);
    if (contact) await addStakeholderIfNew(tx, { customerId: customer.id, name: contact.name ?? customer.name, email: contact.email, role: StakeholderRole.USER });
    const result = await attributeVisitorInTransaction(tx, customer, attribution, rule, now);
    const conversion: Conversion = {
      customerId: customer.id,
      created,
      status: STATUS[result.status],
      affiliateCode: "affiliateCode" in result ? result.affiliateCode : null,
      reason: result.status === "NOT_ATTRIBUTABLE" ? result.reason : null,
    };
    return { conversion, featured: await rescoreCustomer(tx, customer.id, now, scoring), affiliateCode: result.status === "ATTRIBUTED" ? result.affiliateCode : null };
  });
  announceCustomerWrite(changes, featured);
  if (affiliateCode) announceReferral(changes, affiliateCode);
  return conversion;
}

function signupContact(given: ConversionCustomerInput): { email: string; name: string | null } | null {
  if (given.email == null || given.email.trim() === "") {
    if (given.contactName != null && given.contactName.trim() !== "") throw badInput("customer.contactName", "needs customer.email");
    return null;
  }
  return { email: v.email("customer.email", given.email), name: v.optionalText("customer.contactName", given.contactName, v.LIMITS.name) };
}

/** The customer's full values: what the report gives, else what the customer has (an update), else the defaults (a creation). */
function customerValues(given: ConversionCustomerInput, externalId: string, existing: CustomerRow | undefined, now: Date) {
  const input = {
    externalId,
    name: given.name,
    niche: given.niche ?? existing?.niche,
    plan: given.plan ?? existing?.plan,
    mrrCents: given.mrrCents ?? existing?.mrrCents ?? 0,
    acquisitionChannel: existing?.acquisitionChannel,
    signedUpAt: given.signedUpAt,
    status: given.status,
  };
  try {
    return validateCustomerInput(input, now);
  } catch (error) {
    // The fields are the input's `customer.…`, as the client wrote them.
    const refused = toAppError(error);
    if (refused?.field) throw badInput(`customer.${refused.field}`, refused.message.slice(refused.field.length + 2));
    throw error;
  }
}
