import { describe, expect, it } from "vitest";
import { contactToApproach } from "../../src/customers/contact-to-approach.js";

type Role = "CHAMPION" | "DECISION_MAKER" | "INFLUENCER" | "USER";
const people = (...roles: Role[]) => roles.map((role, i) => ({ name: `p${i}`, role }));

describe("contactToApproach", () => {
  it.each([
    [people("USER", "DECISION_MAKER", "CHAMPION"), "p2"],
    [people("CHAMPION", "CHAMPION"), "p0"],
    [people("INFLUENCER", "DECISION_MAKER", "DECISION_MAKER"), "p1"],
    [people("USER", "INFLUENCER"), null],
    [people(), null],
  ])("%j → %s", (stakeholders, expected) => {
    expect(contactToApproach(stakeholders)?.name ?? null).toBe(expected);
  });
});
