import { createJourney, type JourneyInput } from "../journeys/journey.service.js";
import { count } from "drizzle-orm";
import type { Database } from "../db/client.js";
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
