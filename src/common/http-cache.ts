// Conditional and compressed answers for the static files the server bundles (the snippet, the IDE).

/** Whether If-None-Match names `etag` (or is `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((tag) => tag.trim() === etag);
}

/** Whether Accept-Encoding takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    return coding === "gzip" && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** The versioned URL names one content: it never changes. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
