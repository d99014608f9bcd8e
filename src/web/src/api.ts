// The one way the pages talk to the server: the session cookie travels by itself (HttpOnly, the
// page never sees it); the CSRF token is kept in this module's memory and sent as a header.

export type Role = "ADMIN" | "AFFILIATE";

export interface Session {
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

export const onSignedOut = (listener: () => void) => {
  signedOutListeners.add(listener);
  return () => {
    signedOutListeners.delete(listener);
  };
};

async function readSession(res: Response): Promise<Session> {
  const body = (await res.json()) as Session & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `sign-in failed (${res.status})`);
  csrfToken = body.csrfToken;
  return body;
}

/** The session this browser holds, or null. */
export async function currentSession(): Promise<Session | null> {
  const res = await fetch("/session", { credentials: "same-origin" });
  if (!res.ok) return null;
  return readSession(res);
}

export async function signIn(credential: { key: string } | { magicToken: string }): Promise<Session> {
  const res = await fetch("/session", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(credential) });
  return readSession(res);
}

export async function signOut(): Promise<void> {
  await fetch("/session", { method: "DELETE", credentials: "same-origin", headers: csrfToken ? { "x-csrf-token": csrfToken } : {} });
  csrfToken = null;
  signedOutListeners.forEach((listener) => listener());
}

export async function requestMagicLink(email: string): Promise<void> {
  const res = await fetch("/portal/magic-link", { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
  if (!res.ok) throw new Error(((await res.json()) as { error?: string }).error ?? "could not send the link");
}

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", ...(csrfToken ? { "x-csrf-token": csrfToken } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const code = body.errors[0]!.extensions?.code;
    if (code === "UNAUTHENTICATED") signedOutListeners.forEach((listener) => listener());
    throw new GraphQLRequestError(body.errors.map((e) => e.message).join("; "), code);
  }
  return body.data as T;
}
