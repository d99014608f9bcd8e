import { StrictMode, useEffect, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { currentSession, gql, onSignedOut, requestMagicLink, signIn, type Session } from "../api";
import { formatDate, formatInt, formatPercent, formatScore, formatCents } from "../format";
import { useQuery } from "../hooks";
import { Band, Card, CopyButton, KeySignIn, Loading, Shell, Stat } from "../ui";
import { BalanceStats, Funnel, LedgerTable, MonthlyChart, type Balance, type LedgerEntry, type Month } from "../console/Affiliate";
import "../styles.css";
import { PORTAL_QUERY } from "../queries";

// What an affiliate sees of its own program: exactly what myAffiliate answers to its key.

interface Item {
  id: string;
  title: string;
  trackingLink: string;
}

interface Data {
  myAffiliate: {
    id: string;
    code: string;
    name: string;
    commissionType: string;
    commissionValue: number;
    commissionMonths: number | null;
    stats: {
      qualityScore: number;
      referredCustomers: number;
      activeCustomers: number;
      churnedCustomers: number;
      revenueCents: number;
      commissionsCents: number;
      conversionRate: number;
      monthlyChurnRate: number;
      visits: number;
      clicksToCustomer: { visitors: number; referred: number; active: number };
      months: Month[];
    };
    maskedReferrals: { id: string; customerLabel: string; status: string; healthBand: string | null; referredAt: string }[];
    commissionBalance: Balance;
    commissions: LedgerEntry[];
    payouts: { id: string; amountCents: number; paidAt: string; reference: string | null }[];
    materialsKit: { niche: string | null; matchedOn: string; caseStudies: Item[]; useCases: Item[]; painPoints: Item[] }[];
  };
}

function RotateKey() {
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  return (
    <>
      <p className="muted small">A new key replaces every key you have now: the old ones stop working at once. Your session here stays signed in.</p>
      <button
        type="button"
        className="button ghost"
        onClick={async () => {
          if (!window.confirm("Replace your API key? Integrations using the old one stop working.")) return;
          try {
            setSecret((await gql<{ rotateMyApiKey: string }>(`mutation { rotateMyApiKey }`)).rotateMyApiKey);
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Rotate my key
      </button>
      {secret ? (
        <div className="secret" role="status">
          <p className="small">Your new key, shown once:</p>
          <code data-testid="new-key">{secret}</code> <CopyButton text={secret} label="Copy the new key" />
        </div>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </>
  );
}

function Kit({ sections }: { sections: Data["myAffiliate"]["materialsKit"] }) {
  const items = sections.flatMap((s) => [...s.caseStudies, ...s.useCases, ...s.painPoints].map((item) => ({ ...item, niche: s.niche })));
  if (items.length === 0) return <p className="muted">No materials for your audience yet.</p>;
  return (
    <div>
      {items.map((item) => (
        <div className="kit-item" key={`${item.niche}-${item.id}`} data-testid="kit-item">
          <div>
            <strong>{item.title}</strong> <span className="muted small">{item.niche ?? "all niches"}</span>
            <div>
              <code>{item.trackingLink}</code>
            </div>
          </div>
          <CopyButton text={item.trackingLink} label={`Copy the tracking link of “${item.title}”`} />
        </div>
      ))}
    </div>
  );
}

function Portal() {
  const { data, error, loading } = useQuery<Data>(PORTAL_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  const a = data.myAffiliate;
  const s = a.stats;
  return (
    <>
      <h1>Welcome, {a.name}</h1>
      <p className="muted">
        Partner code <code>{a.code}</code> · you earn {a.commissionType === "PERCENT" ? `${a.commissionValue}% of revenue${a.commissionMonths ? ` for ${a.commissionMonths} months` : ""}` : `${formatCents(a.commissionValue)} per customer`}
      </p>
      <div className="stats">
        <Stat testId="referred" label="Customers referred" value={s.referredCustomers} shown={formatInt(s.referredCustomers)} hint={`${formatInt(s.activeCustomers)} active`} />
        <Stat testId="visits" label="Visits" value={s.visits} shown={formatInt(s.visits)} hint={`conversion ${formatPercent(s.conversionRate)}`} />
        <Stat testId="commissions" label="Commissions earned" value={s.commissionsCents} shown={formatCents(s.commissionsCents)} />
        <Stat testId="quality" label="Quality score" value={s.qualityScore} shown={formatScore(s.qualityScore)} />
      </div>
      <div className="grid">
        <Card title="Month by month">
          <MonthlyChart months={s.months} />
        </Card>
        <Card title="Funnel">
          <Funnel funnel={s.clicksToCustomer} />
        </Card>
        <Card title="Balance">
          <BalanceStats balance={a.commissionBalance} />
          <ul className="legend">
            {a.payouts.map((p) => (
              <li key={p.id} data-testid="payout" data-value={p.amountCents}>
                Paid {formatDate(p.paidAt)}: {formatCents(p.amountCents)}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Your referrals">
          {a.maskedReferrals.length === 0 ? <p className="muted">No referred customers yet.</p> : null}
          <ul className="legend">
            {a.maskedReferrals.map((r) => (
              <li key={r.id} data-testid="referral">
                {r.customerLabel} · {r.status.toLowerCase()} <Band band={r.healthBand} /> · since {formatDate(r.referredAt)}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Materials kit" wide>
          <Kit sections={a.materialsKit} />
        </Card>
        <Card title="Ledger" wide>
          <LedgerTable entries={a.commissions} />
        </Card>
        <Card title="API key">
          <RotateKey />
        </Card>
      </div>
    </>
  );
}

function MagicLinkForm() {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await requestMagicLink(String(new FormData(event.currentTarget).get("email") ?? ""));
      setSent(true);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  return (
    <>
      <p className="divider">or get a sign-in link by email</p>
      <form onSubmit={submit}>
        <label htmlFor="email">Your contact email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <button className="button ghost" type="submit">
          Email me a link
        </button>
        {sent ? <p role="status">If this address belongs to a partner, a link is on its way. It works once, for 15 minutes.</p> : null}
        {error ? <p className="error" role="alert">{error}</p> : null}
      </form>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [linkError, setLinkError] = useState<string>();
  useEffect(() => {
    // A mailed link: #magic=<token>, in the fragment so it never reaches a server log.
    const start = () => {
      const magic = /^#magic=([\w-]+)/.exec(window.location.hash)?.[1];
      const session = magic
        ? signIn({ magicToken: magic }).catch((e: Error) => {
            setLinkError(e.message);
            return null;
          })
        : currentSession();
      if (magic) history.replaceState(null, "", window.location.pathname);
      void session.then((s) => setSession(s?.role === "AFFILIATE" ? s : null));
    };
    start();
    const followed = () => window.location.hash.startsWith("#magic=") && start();
    window.addEventListener("hashchange", followed);
    const stop = onSignedOut(() => setSession(null));
    return () => {
      window.removeEventListener("hashchange", followed);
      stop();
    };
  }, []);
  if (session === undefined) return <Loading loading />;
  if (session === null)
    return (
      <KeySignIn title="Sign in to your partner portal" role="AFFILIATE" onSignedIn={setSession} hint="Your affiliate key (adv_aff_…). It is exchanged once for a session cookie and not kept in the page.">
        {linkError ? <p className="error">That sign-in link was used or has expired: ask for a new one.</p> : null}
        <MagicLinkForm />
      </KeySignIn>
    );
  return (
    <Shell product="partner portal" who="Partner" nav={[{ href: "#/", label: "My program", active: true }]}>
      <Portal />
    </Shell>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
