import { DEFAULT_SCORING, type ScoringConfig } from "../config/config.js";

let active: ScoringConfig = DEFAULT_SCORING;

/** The configuration in force: set once at start-up from the environment. */
export const scoringConfig = () => active;

export function useScoringConfig(config: ScoringConfig): void {
  active = config;
}
