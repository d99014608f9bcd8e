import { useState, type FormEvent, type ReactNode } from "react";
import { signIn, signOut, type Role, type Session } from "./api";

export function Card({ title, children, wide = false, actions }: { title: string; children: ReactNode; wide?: boolean; actions?: ReactNode }) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section className={wide ? "card wide" : "card"} aria-labelledby={id}>
      <header className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** A headline figure; `value` (the raw number) is in data-value for tests and tools. */
export function Stat({ label, shown, value, testId, hint }: { label: string; shown: string; value: number | string | null; testId: string; hint?: string }) {
  return (
    <div className="stat" data-testid={testId} data-value={value ?? ""}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{shown}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

export function Band({ band }: { band: string | null | undefined }) {
  if (!band) return <span className="band">–</span>;
  return <span className={`band band-${band.toLowerCase()}`}>{band.charAt(0) + band.slice(1).toLowerCase()}</span>;
}

/** What a form's last submit did, announced to screen readers. */
export function FormStatus({ message }: { message: string | undefined }) {
  return message ? (
    <span role="status" className="muted small">
      {message}
    </span>
  ) : null;
}

export function Loading({ error, loading }: { error?: string; loading: boolean }) {
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  return loading ? (
    <p className="muted" aria-live="polite">
      Loading…
    </p>
  ) : null;
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button small"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

export interface NavItem {
  href: string;
  label: string;
  active: boolean;
}

/** The frame of every page: brand, navigation (a list of links), sign-out, and the page. */
export function Shell({ product, nav, children, who }: { product: string; nav: NavItem[]; children: ReactNode; who: string }) {
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            A
          </span>
          Advocate <span className="product">{product}</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.active ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="muted">{who}</span>
          <button type="button" className="button ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** Sign-in with a key: exchanged once for the session cookie, then forgotten. */
export function KeySignIn({ title, role, hint, onSignedIn, children }: { title: string; role: Role; hint: ReactNode; onSignedIn: (s: Session) => void; children?: ReactNode }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem("key") as HTMLInputElement;
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn({ key: input.value });
      input.value = "";
      if (session.role !== role) {
        await signOut();
        throw new Error(role === "ADMIN" ? "this is not the admin key" : "this is not an affiliate key");
      }
      onSignedIn(session);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            A
          </span>
          Advocate
        </div>
        <h1>{title}</h1>
        <form onSubmit={submit}>
          <label htmlFor="key">{role === "ADMIN" ? "Admin key" : "Affiliate key"}</label>
          <input id="key" name="key" type="password" autoComplete="off" required spellCheck={false} />
          <p className="muted small">{hint}</p>
          {error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}
          <button className="button" type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
        {children}
      </div>
    </main>
  );
}
