import DataLoader from "dataloader";

/**
 * A per-request loader of at most one row per key: one batched query, results in key order,
 * undefined where no row matched.
 */
export function rowLoader<K, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R | undefined>(async (keys) => {
    const byKey = new Map<K, R>();
    for (const row of await fetch(keys)) byKey.set(keyOf(row), row);
    return keys.map((key) => byKey.get(key));
  });
}

/** A per-request loader of all rows per key (a one-to-many relation), in key order. */
export function groupLoader<K, R>(fetch: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R[]>(async (keys) => {
    const byKey = new Map<K, R[]>();
    for (const row of await fetch(keys)) {
      const key = keyOf(row);
      const group = byKey.get(key);
      if (group) group.push(row);
      else byKey.set(key, [row]);
    }
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

export interface PageKey {
  ownerId: string;
  first: number;
  afterId: string | null;
}

/**
 * Pages of a nested connection (an affiliate's referrals, a segment's members) for many owners:
 * one fetch per distinct (first, after) in the request, however many owners ask. `fetchPages`
 * returns up to `limit` rows per owner.
 */
export function pageLoader<R>(fetchPages: (ownerIds: string[], afterId: string | null, limit: number) => Promise<Map<string, R[]>>) {
  const keyOf = (k: PageKey) => `${k.ownerId}|${k.first}|${k.afterId ?? ""}`;
  return new DataLoader<PageKey, R[], string>(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const group = `${key.first}|${key.afterId ?? ""}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const pages = new Map<string, R[]>();
      for (const members of groups.values()) {
        const { first, afterId } = members[0]!;
        const result = await fetchPages([...new Set(members.map((k) => k.ownerId))], afterId, first + 1);
        for (const [ownerId, rows] of result) pages.set(keyOf({ ownerId, first, afterId }), rows);
      }
      return keys.map((k) => pages.get(keyOf(k)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}
