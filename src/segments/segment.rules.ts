import { badInput } from "../common/errors.js";
import { normalizeCode, normalizeNiche } from "../common/normalize.js";
import { LIMITS } from "../common/validate.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import type { SegmentRule } from "./segment.type.js";
import { RuleOp, SegmentField } from "./segment.enums.js";

export const MAX_RULES = 20;
export const MAX_VALUES = 100;

type FieldSpec =
  | { kind: "number"; min: number; max: number; integer: boolean }
  | { kind: "text"; normalize: (raw: string) => string; allowed?: readonly string[] };

/** What each field holds, so a rule that can never mean anything is refused when it is saved. */
export const FIELD_SPECS: Record<SegmentField, FieldSpec> = {
  [SegmentField.NICHE]: { kind: "text", normalize: normalizeNiche },
  [SegmentField.PLAN]: { kind: "text", normalize: (s) => s.trim() },
  [SegmentField.ACQUISITION_CHANNEL]: { kind: "text", normalize: (s) => s.trim().toLowerCase() },
  [SegmentField.STATUS]: { kind: "text", normalize: (s) => s.trim().toUpperCase(), allowed: Object.values(CustomerStatus) },
  [SegmentField.REFERRED_BY_AFFILIATE_CODE]: { kind: "text", normalize: normalizeCode },
  [SegmentField.HEALTH_SCORE]: { kind: "number", min: 0, max: 100, integer: false },
  [SegmentField.ADVOCACY_SCORE]: { kind: "number", min: 0, max: 100, integer: false },
  [SegmentField.CHURN_RISK]: { kind: "number", min: 0, max: 1, integer: false },
  [SegmentField.MRR_CENTS]: { kind: "number", min: 0, max: LIMITS.cents, integer: true },
  [SegmentField.NPS]: { kind: "number", min: 0, max: 10, integer: false },
  [SegmentField.CSAT]: { kind: "number", min: 1, max: 5, integer: false },
  [SegmentField.SUPPORT_TICKETS_90D]: { kind: "number", min: 0, max: 1_000_000, integer: true },
  [SegmentField.LIFETIME_VALUE_CENTS]: { kind: "number", min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
};

const ORDERING_OPS = new Set([RuleOp.GT, RuleOp.GTE, RuleOp.LT, RuleOp.LTE]);

/** Validates and normalizes a segment's rules; the message names the rule at fault. */
export function validateSegmentRules(rules: readonly SegmentRule[]): SegmentRule[] {
  if (rules.length > MAX_RULES) throw badInput("rules", `at most ${MAX_RULES} rules`);
  return rules.map((rule, i) => {
    const field = `rules[${i}].values`;
    const spec = FIELD_SPECS[rule.field];
    if (rule.values.length === 0) throw badInput(field, "needs at least one value");
    if (rule.op === RuleOp.IN ? rule.values.length > MAX_VALUES : rule.values.length !== 1) {
      throw badInput(field, rule.op === RuleOp.IN ? `at most ${MAX_VALUES} values` : `${rule.op} takes exactly one value`);
    }
    if (spec.kind === "text") {
      if (ORDERING_OPS.has(rule.op)) throw badInput(`rules[${i}].op`, `${rule.field} can only be compared with EQ, NEQ or IN`);
      const values = rule.values.map((raw) => {
        const value = spec.normalize(raw);
        if (value === "" || value.length > LIMITS.shortText) throw badInput(field, `each value must be 1 to ${LIMITS.shortText} characters`);
        if (spec.allowed && !spec.allowed.includes(value)) throw badInput(field, `must be one of ${spec.allowed.join(", ")}`);
        return value;
      });
      return { field: rule.field, op: rule.op, values };
    }
    const values = rule.values.map((raw) => {
      const value = Number(raw.trim());
      if (raw.trim() === "" || !Number.isFinite(value)) throw badInput(field, `"${raw}" is not a number`);
      if (value < spec.min || value > spec.max) throw badInput(field, `${rule.field} values must be from ${spec.min} to ${spec.max}`);
      if (spec.integer && !Number.isInteger(value)) throw badInput(field, `${rule.field} values must be integers`);
      return String(value);
    });
    return { field: rule.field, op: rule.op, values };
  });
}
