import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import type { HealthBandName, JourneyCondition, JourneyStep } from "../db/schema/journeys.js";

// A journey's steps (stored as db/schema/journeys.ts types them, run by journey.runner.ts). Everything
// a step could get wrong (an unknown template variable, a branch to nowhere) is refused here,
// when the journey is saved, never when a customer reaches the step.

/** What a template may say, e.g. `Hi {{contact.firstName | there}}`. */
export const TEMPLATE_VARIABLES = {
  "customer.name": "the customer's (company) name",
  "customer.niche": "the customer's niche",
  "customer.plan": "the customer's plan",
  "contact.name": "the recipient: the customer's champion, else its first stakeholder",
  "contact.firstName": "the recipient's first name",
  "affiliate.name": "the affiliate that referred the customer",
  "affiliate.code": "that affiliate's code",
  "caseStudy.title": "the case study that fits the customer's niche (and affiliate)",
  "caseStudy.summary": "its first paragraph",
  "caseStudy.url": "its link",
  "milestone.next": "the next success milestone the customer has not reached (e.g. connected integration)",
  unsubscribeUrl: "the customer's unsubscribe link (added at the end when a body has none)",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string | null>>;

/** {{ name }} or {{ name | fallback }}: the fallback is used when the value is missing. */
const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const STRAY_BRACES = /\{\{|\}\}/;

export const MAX_STEPS = 50;
const MAX_WAIT_HOURS = 24 * 366;
const MAX_SUBJECT = 200;

/** The variables a template uses, or BAD_USER_INPUT naming the field and the unknown one. */
export function templateVariables(field: string, template: string): TemplateVariable[] {
  const used: TemplateVariable[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!(name in TEMPLATE_VARIABLES)) {
      throw badInput(field, `unknown template variable {{${name}}}; known: ${Object.keys(TEMPLATE_VARIABLES).join(", ")}`);
    }
    used.push(name as TemplateVariable);
  }
  if (STRAY_BRACES.test(template.replace(PLACEHOLDER, ""))) throw badInput(field, "has an unclosed or malformed {{ }} placeholder");
  return used;
}

export function renderTemplate(template: string, values: TemplateValues, escape: (text: string) => string = (t) => t): string {
  return template.replace(PLACEHOLDER, (_all, name: TemplateVariable, fallback: string | undefined) => {
    const value = values[name];
    return escape(value === null || value === undefined || value === "" ? (fallback ?? "") : value);
  });
}

/** The raw step as GraphQL (or a test) sends it: one flat shape, checked per kind. */
export interface JourneyStepInput {
  kind: JourneyStep["kind"];
  waitHours?: number | null;
  subject?: string | null;
  body?: string | null;
  condition?: JourneyConditionInput | null;
  then?: "STOP" | "GOTO" | null;
  gotoStep?: number | null;
}

export interface JourneyConditionInput {
  healthBandIn?: HealthBandName[] | null;
  inSegmentId?: string | null;
  notInSegmentId?: string | null;
  milestoneReached?: string | null;
  milestoneNotReached?: string | null;
  anyMilestoneNotReached?: boolean | null;
}

function unexpected(field: string, kind: string, input: object, allowed: string[]) {
  for (const [key, value] of Object.entries(input)) {
    if (key !== "kind" && value !== null && value !== undefined && !allowed.includes(key)) {
      throw badInput(`${field}.${key}`, `is not used by a ${kind} step`);
    }
  }
}

function validateCondition(field: string, input: JourneyConditionInput | null | undefined): JourneyCondition {
  if (!input) throw badInput(field, "a BRANCH step needs a condition");
  const given = Object.entries(input).filter(([, value]) => value !== null && value !== undefined && value !== false);
  if (given.length !== 1) throw badInput(field, "set exactly one of healthBandIn, inSegmentId, notInSegmentId, milestoneReached, milestoneNotReached, anyMilestoneNotReached");
  const [key] = given[0]!;
  switch (key) {
    case "healthBandIn": {
      const bands = [...new Set(input.healthBandIn!)];
      if (bands.length === 0) throw badInput(`${field}.healthBandIn`, "must name at least one band");
      return { kind: "HEALTH_BAND_IN", bands };
    }
    case "inSegmentId":
      return { kind: "IN_SEGMENT", segmentId: v.id(`${field}.inSegmentId`, input.inSegmentId!) };
    case "notInSegmentId":
      return { kind: "NOT_IN_SEGMENT", segmentId: v.id(`${field}.notInSegmentId`, input.notInSegmentId!) };
    case "milestoneReached":
      return { kind: "MILESTONE_REACHED", action: v.requiredText(`${field}.milestoneReached`, input.milestoneReached!, v.LIMITS.shortText) };
    case "milestoneNotReached":
      return { kind: "MILESTONE_NOT_REACHED", action: v.requiredText(`${field}.milestoneNotReached`, input.milestoneNotReached!, v.LIMITS.shortText) };
    default:
      return { kind: "MILESTONE_NOT_REACHED", action: null };
  }
}

function validateStep(field: string, input: JourneyStepInput, index: number, count: number): JourneyStep {
  switch (input.kind) {
    case "WAIT": {
      unexpected(field, "WAIT", input, ["waitHours"]);
      const hours = input.waitHours;
      if (hours === null || hours === undefined || !Number.isFinite(hours) || hours <= 0 || hours > MAX_WAIT_HOURS) {
        throw badInput(`${field}.waitHours`, `a WAIT step needs waitHours above 0 and at most ${MAX_WAIT_HOURS}`);
      }
      return { kind: "WAIT", hours };
    }
    case "EMAIL": {
      unexpected(field, "EMAIL", input, ["subject", "body"]);
      const subject = v.requiredText(`${field}.subject`, input.subject ?? "", MAX_SUBJECT);
      const body = v.requiredText(`${field}.body`, input.body ?? "", v.LIMITS.body);
      if (templateVariables(`${field}.subject`, subject).includes("unsubscribeUrl")) {
        throw badInput(`${field}.subject`, "{{unsubscribeUrl}} belongs in the body");
      }
      templateVariables(`${field}.body`, body);
      return { kind: "EMAIL", subject, body };
    }
    case "BRANCH": {
      unexpected(field, "BRANCH", input, ["condition", "then", "gotoStep"]);
      const condition = validateCondition(`${field}.condition`, input.condition);
      if (input.then !== "STOP" && input.then !== "GOTO") throw badInput(`${field}.then`, "a BRANCH step needs then: STOP or GOTO");
      if (input.then === "STOP") {
        if (input.gotoStep != null) throw badInput(`${field}.gotoStep`, "only with then: GOTO");
        return { kind: "BRANCH", condition, then: "STOP", gotoStep: null };
      }
      // Forward only: every step runs at most once per enrollment, which is what makes
      // (enrollment, step) an idempotency key, and no journey can loop forever.
      const target = input.gotoStep;
      if (target === null || target === undefined || !Number.isInteger(target) || target <= index || target >= count) {
        throw badInput(`${field}.gotoStep`, `must be a later step's index (${index + 1} to ${count - 1})`);
      }
      return { kind: "BRANCH", condition, then: "GOTO", gotoStep: target };
    }
    default:
      throw badInput(`${field}.kind`, "must be WAIT, EMAIL or BRANCH");
  }
}

/** Validates a journey's steps; BAD_USER_INPUT names the step (`steps[2].body`) and the problem. */
export function validateSteps(inputs: readonly JourneyStepInput[]): JourneyStep[] {
  if (inputs.length === 0) throw badInput("steps", "a journey needs at least one step");
  if (inputs.length > MAX_STEPS) throw badInput("steps", `at most ${MAX_STEPS} steps`);
  const steps = inputs.map((input, i) => validateStep(`steps[${i}]`, input, i, inputs.length));
  if (!steps.some((s) => s.kind === "EMAIL")) throw badInput("steps", "a journey needs at least one EMAIL step");
  return steps;
}

/** The segments a journey's conditions name (they must exist when it is saved). */
export function referencedSegments(steps: readonly JourneyStep[]): string[] {
  const ids = steps.flatMap((s) =>
    s.kind === "BRANCH" && (s.condition.kind === "IN_SEGMENT" || s.condition.kind === "NOT_IN_SEGMENT") ? [s.condition.segmentId] : [],
  );
  return [...new Set(ids)];
}
