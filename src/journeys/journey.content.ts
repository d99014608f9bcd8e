import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { computeLandingPage, normalizeLandingInput } from "../landing/landing.service.js";
import { unsubscribeToken } from "../email/preferences.js";
import { firstActions } from "../milestones/milestones.repository.js";
import { templateVariables, type TemplateValues } from "./journey.steps.js";

export interface Recipient {
  customerId: string;
  email: string | null;
  values: TemplateValues;
}

interface CustomerFacts {
  name: string;
  niche: string | null;
  plan: string | null;
  contact_name: string | null;
  contact_email: string | null;
  affiliate_name: string | null;
  affiliate_code: string | null;
}

const firstParagraph = (text: string) => text.split(/\n\s*\n/)[0]!.trim().slice(0, 500);
const humanize = (action: string) => action.replace(/[_-]+/g, " ").trim();

/**
 * Who an email goes to and what its variables say. The recipient is the customer's champion,
 * else a decision maker, influencer or user (oldest first). The case study is the one the
 * customer's landing page would show for its affiliate and niche; the next milestone is the
 * first success milestone it has not reached. Each is only looked up when the template uses it.
 */
export async function recipientFor(
  ex: Executor,
  customerId: string,
  template: string,
  options: { publicUrl: string; milestones: () => Promise<string[]> },
): Promise<Recipient> {
  const used = new Set(templateVariables("template", template));
  const [facts] = await queryRows<CustomerFacts>(
    ex,
    sql`select c.name, c.niche, c.plan, s.name as contact_name, s.email as contact_email, a.name as affiliate_name, a.code as affiliate_code
        from customers c
        left join referrals r on r.customer_id = c.id
        left join affiliates a on a.id = r.affiliate_id
        left join lateral (
          select name, email from stakeholders where customer_id = c.id
          order by case role when 'CHAMPION' then 0 when 'DECISION_MAKER' then 1 when 'INFLUENCER' then 2 else 3 end, created_at
          limit 1) s on true
        where c.id = ${customerId}`,
  );
  if (!facts) return { customerId, email: null, values: {} };
  const values: TemplateValues = {
    "customer.name": facts.name,
    "customer.niche": facts.niche,
    "customer.plan": facts.plan,
    "contact.name": facts.contact_name,
    "contact.firstName": facts.contact_name?.trim().split(/\s+/)[0] ?? null,
    "affiliate.name": facts.affiliate_name,
    "affiliate.code": facts.affiliate_code,
  };
  if ([...used].some((name) => name.startsWith("caseStudy."))) {
    const page = await computeLandingPage(ex, normalizeLandingInput({ affiliateCode: facts.affiliate_code, niche: facts.niche, limit: 1 }));
    const study = page.caseStudies[0];
    if (study) {
      values["caseStudy.title"] = study.title;
      values["caseStudy.summary"] = firstParagraph(study.body);
      values["caseStudy.url"] = study.url;
    }
  }
  if (used.has("milestone.next")) {
    const next = await nextMilestone(ex, customerId, await options.milestones());
    values["milestone.next"] = next === null ? null : humanize(next);
  }
  values.unsubscribeUrl = `${options.publicUrl.replace(/\/+$/, "")}/unsubscribe?token=${await unsubscribeToken(ex, customerId)}`;
  return { customerId, email: facts.contact_email, values };
}

/** The first of `milestones` (best first) the customer has not taken; null when none is left. */
export async function nextMilestone(ex: Executor, customerId: string, milestones: readonly string[]): Promise<string | null> {
  if (milestones.length === 0) return null;
  const taken = await reachedActions(ex, customerId, milestones);
  return milestones.find((m) => !taken.has(m)) ?? null;
}

export async function reachedActions(ex: Executor, customerId: string, actions: readonly string[]): Promise<Set<string>> {
  return new Set((await firstActions(ex, [customerId], actions)).map((f) => f.action));
}
