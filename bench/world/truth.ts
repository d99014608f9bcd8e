import type { Random } from "../../src/seed/random.js";
import { midTermChurnProbability, nextRenewal, renewalChurnProbability, stepValue, type Account, type ChurnParameters } from "./model.js";

/**
 * What the world itself knows: the chance that a customer, in its hidden state on day `fromDay`
 * (value today, long-run value, term, next renewal), churns (at a renewal, or between them) within `horizonDays`, by Monte Carlo
 * over its future value paths under the same rules the simulation follows. No model that sees
 * only what the customer did can rank churners better than this, except by luck.
 */
export function trueChurnProbability(a: Account, fromDay: number, horizonDays: number, churn: ChurnParameters, paths: number, rng: Random): number {
  let churned = 0;
  for (let p = 0; p < paths; p++) {
    let v = a.v;
    let renewal = a.renewalDay;
    for (let d = fromDay; d < fromDay + horizonDays; d++) {
      v = stepValue({ v, mu: a.mu }, rng);
      const renews = d === renewal;
      if (renews) renewal = nextRenewal(a.signupDay, a.termMonths, d);
      if (rng.next() < (renews ? renewalChurnProbability(a.termMonths, v, churn) : midTermChurnProbability(v, churn))) {
        churned++;
        break;
      }
    }
  }
  return churned / paths;
}
