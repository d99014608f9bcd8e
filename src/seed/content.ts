import { NICHES, type NicheSpec } from "./catalog.js";
import type { ContentAssetRow, SegmentRow } from "./dataset.js";
import type { AffiliateDraft, CustomerLife, Population } from "./population.types.js";
import { Random, sigmoid } from "./random.js";
import { DAY_MS, MONTH_MS, slugify } from "./time.js";

const SITE = "https://www.example.com";
/** A case study needs a customer who has been around long enough to have a story. */
const CASE_STUDY_MIN_TENURE_MS = 180 * DAY_MS;
const ARCHIVED_SHARE = 0.08;
const MAX_AFFILIATE_OWN_STORIES = 10;

/**
 * The content a landing page is built from, at every level it falls back through: assets
 * for an affiliate and a niche, for a niche, for an affiliate, and for everyone (no niche).
 * Case studies are about the best customers of each niche, which is what the analytics will
 * also find; some are tied to the affiliate the customer became.
 */
type SubjectColumn = "subjectName" | "subjectNiche" | "subjectLive" | "subjectSuccessful" | "subjectAdvocacy" | "subjectHealth";
const NO_SUBJECT: Pick<ContentAssetRow, SubjectColumn> = {
  subjectName: null,
  subjectNiche: null,
  subjectLive: false,
  subjectSuccessful: false,
  subjectAdvocacy: null,
  subjectHealth: null,
};

export function contentAssetsOf(seed: string, population: Population, now: number): ContentAssetRow[] {
  const rng = new Random(`${seed}:content`);
  const assets: ContentAssetRow[] = [];
  const add = (asset: Omit<ContentAssetRow, "id" | "archived" | "createdAt" | "updatedAt" | SubjectColumn>, archived = rng.chance(ARCHIVED_SHARE)) => {
    const createdAt = new Date(Math.round(now - rng.float(7, 365) * DAY_MS));
    // The subject_* copies are written when the loaded customers are scored (refreshScores).
    assets.push({ id: rng.uuid(), ...asset, ...NO_SUBJECT, archived, createdAt, updatedAt: createdAt });
  };

  const storyCandidates = population.lives
    .filter((life) => life.row.status === "ACTIVE" && now - life.row.signedUpAt.getTime() >= CASE_STUDY_MIN_TENURE_MS)
    .sort((a, b) => b.propensity - a.propensity || a.index - b.index);
  const told = new Set<CustomerLife>();
  const affiliateOf = new Map<CustomerLife, AffiliateDraft>();
  for (const affiliate of population.affiliates) if (affiliate.linkedCustomer) affiliateOf.set(affiliate.linkedCustomer, affiliate);
  const caseStudy = (life: CustomerLife, niches: string[], affiliate: AffiliateDraft | undefined) => {
    told.add(life);
    add({ kind: "CASE_STUDY", ...caseStudyText(life, rng, now), niches, customerId: life.row.id, affiliateId: affiliate?.id ?? null });
  };

  const perNiche = population.lives.length >= 1_000 ? 4 : 2;
  for (const niche of NICHES) {
    const best = storyCandidates.filter((life) => life.niche === niche).slice(0, perNiche * 3);
    for (const life of shuffled(rng, best).slice(0, perNiche)) {
      const ownAffiliate = affiliateOf.get(life);
      const nicheAffiliate = ownAffiliate ?? (rng.chance(0.25) ? affiliateFocusedOn(rng, population.affiliates, niche) : undefined);
      caseStudy(life, [niche.name], nicheAffiliate);
    }
    niche.useCases.forEach(([title, body], i) =>
      add({ kind: "USE_CASE", title, body, url: `${SITE}/use-cases/${slugify(niche.name)}/${i + 1}`, niches: [niche.name], customerId: null, affiliateId: null }),
    );
    niche.painPoints.forEach(([title, body]) =>
      add({ kind: "PAIN_POINT", title, body, url: null, niches: [niche.name], customerId: null, affiliateId: null }),
    );
  }

  // Some customers who became affiliates get their own story, shown on their referral page.
  const ownStories = [...affiliateOf].filter(([life]) => !told.has(life) && now - life.row.signedUpAt.getTime() >= CASE_STUDY_MIN_TENURE_MS);
  for (const [life, affiliate] of ownStories.slice(0, MAX_AFFILIATE_OWN_STORIES)) caseStudy(life, [life.niche.name], affiliate);

  const topAffiliates = [...population.affiliates].sort((a, b) => b.referred.length - a.referred.length || a.index - b.index).slice(0, 3);
  for (const affiliate of topAffiliates) {
    const name = affiliate.linkedCustomer?.row.name ?? affiliate.ownName;
    add(
      {
        kind: "USE_CASE",
        title: `Why ${name} recommends us`,
        body: `${name} has sent ${affiliate.referred.length} customers our way. Here is what they tell their audience about getting started.`,
        url: null,
        niches: [],
        customerId: null,
        affiliateId: affiliate.id,
      },
      false,
    );
  }

  const best = storyCandidates.find((life) => !told.has(life));
  if (best) caseStudy(best, [], undefined);
  const general = { url: null, niches: [], customerId: null, affiliateId: null };
  add({ ...general, kind: "USE_CASE", title: "See every customer's health at a glance", body: "Usage, surveys and tickets in one score, so your team knows whom to call today." }, false);
  add({ ...general, kind: "USE_CASE", title: "Grow through the customers who love you", body: "Invite your happiest customers to refer their peers, and reward them for it." }, false);
  add({ ...general, kind: "PAIN_POINT", title: "Churn you only notice when it is too late", body: "By the time a customer cancels, the warning signs were there for months." }, false);
  add({ ...general, kind: "PAIN_POINT", title: "Marketing spend that brings the wrong customers", body: "Cheap leads that churn in three months cost more than they bring." }, false);
  add({ ...general, kind: "USE_CASE", title: "Onboarding checklist (2023 edition)", body: "Replaced by the new onboarding guide." }, true);
  return assets;
}

/** A case study's words; the improvement it reports is drawn from rng (one draw). */
function caseStudyText(life: CustomerLife, rng: Random, now: number): Pick<ContentAssetRow, "title" | "body" | "url"> {
  const niche = life.niche;
  const months = Math.floor((now - life.row.signedUpAt.getTime()) / MONTH_MS);
  const improvement = Math.round(12 + 30 * sigmoid(life.propensity) + rng.int(0, 9));
  return {
    title: `How ${life.row.name} ${niche.metricDirection} ${niche.metric} by ${improvement}%`,
    body:
      `${life.row.name} has been a customer for ${months} months, on the ${life.row.plan} plan. ` +
      `Like many ${niche.audience}, the team struggled with ${niche.painPoints[0]![0].toLowerCase()}. ` +
      `Within a few months most of its seats were active every week, and it ${niche.metricDirection} ${niche.metric} by ${improvement}%.`,
    url: `${SITE}/customers/${slugify(life.row.name)}-${life.row.externalId}`,
  };
}

/**
 * `count` more assets in the mix a large content library has: case studies of established
 * active customers, use cases tied to customers who use them (so use-case popularity has rows to
 * count), pain points; mostly for one niche, some for two or for every niche, some made for one
 * affiliate's audience, a few archived. For benchmarks at catalogue scale: drawn from their own
 * stream, so the catalogue set above is the same with or without them.
 */
export function extraContentAssetsOf(seed: string, population: Population, now: number, count: number): ContentAssetRow[] {
  const rng = new Random(`${seed}:content:extra`);
  const customersOf = new Map<NicheSpec, CustomerLife[]>(NICHES.map((niche) => [niche, []]));
  const storiesOf = new Map<NicheSpec, CustomerLife[]>(NICHES.map((niche) => [niche, []]));
  for (const life of population.lives) {
    customersOf.get(life.niche)!.push(life);
    if (life.row.status === "ACTIVE" && now - life.row.signedUpAt.getTime() >= CASE_STUDY_MIN_TENURE_MS) storiesOf.get(life.niche)!.push(life);
  }
  const nicheWeights = NICHES.map((niche) => [niche, niche.weight] as const);
  const assets: ContentAssetRow[] = [];
  for (let i = 0; i < count; i++) {
    const niche = rng.weighted(nicheWeights);
    const scope = rng.next();
    const niches = scope < 0.1 ? [] : scope < 0.15 ? [...new Set([niche.name, rng.pick(NICHES).name])] : [niche.name];
    const affiliate = population.affiliates.length > 0 && rng.chance(0.15) ? rng.pick(population.affiliates) : undefined;
    const stories = storiesOf.get(niche)!;
    const kind = rng.weighted([["CASE_STUDY", 0.4], ["USE_CASE", 0.35], ["PAIN_POINT", 0.25]] as const);
    const common = { id: rng.uuid(), niches, affiliateId: affiliate?.id ?? null, archived: rng.chance(ARCHIVED_SHARE), ...NO_SUBJECT };
    const createdAt = new Date(Math.round(now - rng.float(1, 3 * 365) * DAY_MS));
    const dates = { createdAt, updatedAt: createdAt };
    if (kind === "CASE_STUDY" && stories.length > 0) {
      const life = rng.pick(stories);
      assets.push({ ...common, ...caseStudyText(life, rng, now), ...dates, kind, customerId: life.row.id });
    } else if (kind === "PAIN_POINT") {
      const [title, body] = rng.pick(niche.painPoints);
      assets.push({ ...common, ...dates, kind, title, body, url: null, customerId: null });
    } else {
      const useCase = rng.int(0, niche.useCases.length - 1);
      const [title, body] = niche.useCases[useCase]!;
      const customers = customersOf.get(niche)!;
      const user = customers.length > 0 && rng.chance(0.5) ? rng.pick(customers) : undefined;
      const url = `${SITE}/use-cases/${slugify(niche.name)}/${useCase + 1}`;
      assets.push({ ...common, ...dates, kind: "USE_CASE", title, body, url, customerId: user?.row.id ?? null });
    }
  }
  return assets;
}

function affiliateFocusedOn(rng: Random, affiliates: readonly AffiliateDraft[], niche: NicheSpec): AffiliateDraft | undefined {
  const focused = affiliates.filter((a) => a.focusNiche === niche);
  return focused.length > 0 ? rng.pick(focused) : undefined;
}

function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A few saved segments, in the stored rule form (field and op as the GraphQL enum names). */
export function segmentsOf(seed: string, now: number): SegmentRow[] {
  const rng = new Random(`${seed}:segments`);
  const createdAt = new Date(now - 30 * DAY_MS);
  const segment = (name: string, rules: SegmentRow["rules"]): SegmentRow => ({ id: rng.uuid(), name, rules, createdAt, updatedAt: createdAt });
  return [
    segment("Healthy SaaS customers", [
      { field: "NICHE", op: "EQ", values: ["saas"] },
      { field: "HEALTH_SCORE", op: "GTE", values: ["70"] },
    ]),
    segment("Enterprise accounts at risk", [
      { field: "PLAN", op: "EQ", values: ["enterprise"] },
      { field: "CHURN_RISK", op: "GTE", values: ["0.5"] },
    ]),
    segment("Active promoters", [
      { field: "STATUS", op: "EQ", values: ["ACTIVE"] },
      { field: "NPS", op: "GTE", values: ["9"] },
    ]),
    segment("Referred by affiliates", [
      { field: "ACQUISITION_CHANNEL", op: "EQ", values: ["affiliate"] },
    ]),
  ];
}
