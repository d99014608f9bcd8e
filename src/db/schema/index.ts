export * from "./customers.js";
export * from "./cs-history.js";
export * from "./stakeholders.js";
export * from "./affiliates.js";
export * from "./referrals.js";
export * from "./content.js";
export * from "./segments.js";
export * from "./scores.js";
