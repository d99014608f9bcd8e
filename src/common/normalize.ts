/** How niches are stored and compared: trimmed, lower-case, inner white space collapsed. */
export function normalizeNiche(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, " ");
}

/** Affiliate codes appear in links, which people retype: compared lower-case, without spaces. */
export function normalizeCode(raw: string): string {
  return raw.trim().toLowerCase();
}
