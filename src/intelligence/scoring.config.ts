/**
 * The customer-success model's tunable parts, in one place. Defaults are documented in README
 * ("Customer-success scores"); each can be overridden through the environment, parsed once at
 * start-up: HEALTH_WEIGHTS (e.g. "usage=0.4,nps=0.2"), HEALTH_BANDS ("40,70"),
 * SUCCESS_MIN_HEALTH, SUCCESS_MIN_TENURE_DAYS.
 */
export type HealthFactorName = "usage" | "nps" | "csat" | "support" | "upsell" | "tenure" | "lifetimeValue";

export interface ScoringConfig {
  /** Relative weights; factors without data are left out and the rest re-weighted. */
  healthWeights: Record<HealthFactorName, number>;
  /** RED below `yellow`, YELLOW below `green`, GREEN from `green` up. */
  bands: { yellow: number; green: number };
  /** "Successful", the one definition every ranking and pattern uses. */
  success: { minHealth: number; minTenureDays: number };
}

export const DEFAULT_SCORING: ScoringConfig = {
  healthWeights: { usage: 0.3, nps: 0.2, csat: 0.1, support: 0.15, upsell: 0.1, tenure: 0.075, lifetimeValue: 0.075 },
  bands: { yellow: 40, green: 70 },
  success: { minHealth: 70, minTenureDays: 90 },
};

export class ScoringConfigError extends Error {}

function number(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new ScoringConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseScoringConfig(env: NodeJS.ProcessEnv): ScoringConfig {
  const config: ScoringConfig = structuredClone(DEFAULT_SCORING);
  if (env.HEALTH_WEIGHTS) {
    for (const pair of env.HEALTH_WEIGHTS.split(",")) {
      const [name, value] = pair.split("=").map((s) => s.trim());
      if (!name || value === undefined || !(name in config.healthWeights)) {
        throw new ScoringConfigError(`HEALTH_WEIGHTS: "${pair}" is not factor=weight with a factor of ${Object.keys(config.healthWeights).join(", ")}`);
      }
      config.healthWeights[name as HealthFactorName] = number(`HEALTH_WEIGHTS ${name}`, value, 0, 100);
    }
    if (Object.values(config.healthWeights).every((w) => w === 0)) throw new ScoringConfigError("HEALTH_WEIGHTS: at least one weight must be above 0");
  }
  if (env.HEALTH_BANDS) {
    const [yellow, green] = env.HEALTH_BANDS.split(",");
    config.bands = { yellow: number("HEALTH_BANDS yellow", yellow ?? "", 0, 100), green: number("HEALTH_BANDS green", green ?? "", 0, 100) };
    if (config.bands.yellow > config.bands.green) throw new ScoringConfigError("HEALTH_BANDS: the YELLOW threshold must not exceed the GREEN one");
  }
  if (env.SUCCESS_MIN_HEALTH) config.success.minHealth = number("SUCCESS_MIN_HEALTH", env.SUCCESS_MIN_HEALTH, 0, 100);
  if (env.SUCCESS_MIN_TENURE_DAYS) config.success.minTenureDays = number("SUCCESS_MIN_TENURE_DAYS", env.SUCCESS_MIN_TENURE_DAYS, 0, 3650);
  return config;
}

let active: ScoringConfig = DEFAULT_SCORING;

/** The configuration in force: set once at start-up from the environment. */
export const scoringConfig = () => active;

export function useScoringConfig(config: ScoringConfig): void {
  active = config;
}
