import { createJourney, type JourneyInput } from "../journeys/journey.service.js";
import { count, sql } from "drizzle-orm";
import { queryRows, type Database } from "../db/client.js";
import { customers } from "../db/schema/index.js";
import { DatabaseNotEmptyError, loadDataset } from "./load.js";

export const DEMO_SEED = "advocate-demo";
export const DEMO_CUSTOMERS = 200;

/**
 * Loads the small demo dataset (fixed seed, history ending at `now`) into an empty database,
 * so a newcomer's first `npm start` has real answers. Does nothing, and reports 0 customers,
 * when the database already holds any data: it never mixes demo rows with real ones.
 */
/** The journey a new install starts with: what referred customers receive once attributed. */
const DEMO_JOURNEY: JourneyInput = {
  name: "Referred customer onboarding",
  trigger: "REFERRAL_ATTRIBUTED",
  steps: [
    {
      kind: "EMAIL",
      subject: "Welcome, {{customer.name}}",
      body:
        "Hi {{contact.firstName | there}},\n\n{{affiliate.name | A partner of ours}} thought we could help. " +
        "Here is how a team like yours did it: {{caseStudy.title | our customers' stories}} {{caseStudy.url}}\n\nThe Advocate team",
    },
    { kind: "WAIT", waitHours: 72 },
    { kind: "BRANCH", condition: { healthBandIn: ["RED"] }, then: "STOP" },
    {
      kind: "EMAIL",
      subject: "Your next step with Advocate",
      body: "Teams that succeed with us start by {{milestone.next | inviting their teammates}} in their first month.\n\nThe Advocate team",
    },
  ],
};

export async function loadDemoData(db: Database, now = new Date()): Promise<{ customers: number }> {
  try {
    const counts = await loadDataset(db, { customers: DEMO_CUSTOMERS, seed: DEMO_SEED, now });
    await createJourney(db, DEMO_JOURNEY, now);
    return { customers: counts.customers };
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) return { customers: 0 };
    throw error;
  }
}

/**
 * At start-up: the demo data into a database without customers. A database that has some is left
 * alone after one count, without the table locks loadDataset takes to look.
 */
export async function loadDemoDataIfEmpty(db: Database, now = new Date()): Promise<{ customers: number }> {
  const [existing] = await db.select({ n: count() }).from(customers);
  if (existing?.n !== 0) return { customers: 0 };
  return loadDemoData(db, now);
}

/** An affiliate and niche whose landing page shows the most specific content (AFFILIATE_AND_NICHE). */
export interface LandingExample {
  affiliateCode: string;
  niche: string;
}

/**
 * The affiliate and niche a newcomer is shown first (start-up log, GET /, README): of the loaded
 * data, the affiliate with the most live content of its own in one niche (so its page there
 * matches AFFILIATE_AND_NICHE), then the one with the most referrals; null without such content.
 * Taken from the data, so it is whatever the demo dataset (or real data) holds.
 */
export async function findLandingExample(db: Database): Promise<LandingExample | null> {
  const [row] = await queryRows<{ code: string; niche: string }>(
    db,
    sql`select f.code, n.niche
          from content_assets a
          join affiliates f on f.id = a.affiliate_id
          cross join lateral unnest(a.niches) as n(niche)
         where not a.archived
         group by f.id, f.code, n.niche
         order by count(*) desc, (select count(*) from referrals r where r.affiliate_id = f.id) desc, f.code, n.niche
         limit 1`,
  );
  return row ? { affiliateCode: row.code, niche: row.niche } : null;
}
