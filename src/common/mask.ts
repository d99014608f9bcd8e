/**
 * A customer's name as an affiliate may see it: each word's initial, the rest hidden
 * ("Acme Analytics" → "A*** A***"). Affiliates see how their referrals do, never who they are.
 */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "***";
  return words
    .slice(0, 3)
    .map((word) => `${[...word][0]!.toUpperCase()}***`)
    .join(" ");
}
