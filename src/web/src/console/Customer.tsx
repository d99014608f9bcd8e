import { useState, type FormEvent } from "react";
import { gql } from "../api";
import { Bars, COLORS, Lines } from "../charts";
import { formatCents, formatDate, formatPercent, formatScore } from "../format";
import { useQuery } from "../hooks";
import { Band, Card, FormStatus, Loading, Stat } from "../ui";
import { CUSTOMER_HISTORY_QUERY, CUSTOMER_QUERY } from "../queries";


interface Data {
  customer: {
    id: string;
    name: string;
    externalId: string;
    niche: string | null;
    plan: string | null;
    status: string;
    mrrCents: number;
    signedUpAt: string;
    churnedAt: string | null;
    churnReason: string | null;
    lifetimeValueCents: number;
    healthScore: number;
    healthBand: string;
    healthTrend: number | null;
    churnRisk: number;
    advocacyScore: number;
    advocacyReasons: string[];
    successful: boolean;
    nps: number | null;
    csat: number | null;
    supportTickets90d: number;
    upsellCount: number;
    healthBreakdown: { name: string; score: number; weight: number }[];
    healthHistory: { at: string; score: number; band: string }[];
    stakeholders: { id: string; name: string; email: string; role: string }[];
    contactToApproach: { id: string; name: string; email: string; role: string } | null;
    referredBy: { id: string; code: string; name: string } | null;
    history: HistoryPage;
    milestoneProgress: { action: string; reached: boolean; reachedAt: string | null }[];
    journeyEnrollments: { id: string; status: string; enrolledAt: string; finishedAt: string | null; journey: { name: string } }[];
  } | null;
  churnModel: { version: number; features: { name: string; weight: number }[] } | null;
}

interface HistoryEntry {
  id: string;
  kind: string;
  at: string;
  summary: string;
}
interface HistoryPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: HistoryEntry }[];
}

interface TimelineItem {
  key: string;
  at: string;
  text: string;
  kind: string;
}

/**
 * What happened to the customer, newest first: its CS history as the API keeps it
 * (Customer.history: usage, NPS, CSAT, tickets, plan changes, payments, churns, activity), with
 * the milestones it reached and its journeys, as far back as the history pages loaded go.
 */
function timeline(c: NonNullable<Data["customer"]>, history: HistoryEntry[], complete: boolean): TimelineItem[] {
  const items: TimelineItem[] = history.map((h) => ({ key: `${h.kind}:${h.id}`, at: h.at, text: h.summary, kind: h.kind }));
  const oldest = history.at(-1)?.at ?? "";
  const others: TimelineItem[] = [{ key: "signup", at: c.signedUpAt, text: "Signed up", kind: "SIGNUP" }];
  for (const m of c.milestoneProgress) if (m.reachedAt) others.push({ key: `m:${m.action}`, at: m.reachedAt, text: `Reached milestone “${m.action}”`, kind: "MILESTONE" });
  for (const e of c.journeyEnrollments) {
    others.push({ key: `j:${e.id}`, at: e.enrolledAt, text: `Enrolled in journey “${e.journey.name}”`, kind: "JOURNEY" });
    if (e.finishedAt) others.push({ key: `jf:${e.id}`, at: e.finishedAt, text: `Journey “${e.journey.name}” ${e.status.toLowerCase()}`, kind: "JOURNEY" });
  }
  // Older than the pages loaded so far: they appear with the page that reaches them.
  items.push(...others.filter((o) => complete || o.at >= oldest));
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

function History({ c }: { c: NonNullable<Data["customer"]> }) {
  const [pages, setPages] = useState<HistoryPage[]>([c.history]);
  const [error, setError] = useState<string>();
  const last = pages.at(-1)!;
  async function older() {
    try {
      const data = await gql<{ customer: { history: HistoryPage } | null }>(CUSTOMER_HISTORY_QUERY, { id: c.id, after: last.pageInfo.endCursor });
      if (data.customer) setPages([...pages, data.customer.history]);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  const entries = pages.flatMap((p) => p.edges.map((e) => e.node));
  return (
    <Card title="History" wide>
      <ol className="timeline">
        {timeline(c, entries, !last.pageInfo.hasNextPage).map((item) => (
          <li key={item.key} data-testid="history-item" data-kind={item.kind}>
            <time dateTime={item.at}>{formatDate(item.at)}</time> {item.text}
          </li>
        ))}
      </ol>
      {last.pageInfo.hasNextPage ? (
        <button className="button small ghost" type="button" onClick={older}>
          Show older
        </button>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </Card>
  );
}

function RecordNps({ customerId, onSaved }: { customerId: string; onSaved: () => void }) {
  const [message, setMessage] = useState<string>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const score = Number(new FormData(event.currentTarget).get("score"));
    try {
      await gql(`mutation($id: ID!, $score: Int!) { recordNpsResponse(customerId: $id, score: $score) { id } }`, { id: customerId, score });
      setMessage(`NPS ${score} recorded.`);
      onSaved();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Record an NPS answer">
      <label>
        NPS answer (0-10)
        <input name="score" type="number" min={0} max={10} required />
      </label>
      <button className="button small" type="submit">
        Record
      </button>
      <FormStatus message={message} />
    </form>
  );
}

export function CustomerPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useQuery<Data>(CUSTOMER_QUERY, { id });
  if (!data) return <Loading error={error} loading={loading} />;
  const c = data.customer;
  if (!c) return <p className="error">No customer with this id.</p>;
  const drivers = [...(data.churnModel?.features ?? [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 6);
  return (
    <>
      <p className="crumbs">
        <a href="#/customers">Customers</a> /
      </p>
      <h1>{c.name}</h1>
      <p className="muted">
        {c.externalId} · {c.niche ?? "no niche"} · {c.plan ?? "no plan"} · {c.status.toLowerCase()} · since {formatDate(c.signedUpAt)}
        {c.referredBy ? (
          <>
            {" "}
            · referred by <a href={`#/affiliates/${encodeURIComponent(c.referredBy.code)}`}>{c.referredBy.name}</a>
          </>
        ) : null}
      </p>
      <div className="stats">
        <Stat testId="health" label="Health" value={c.healthScore} shown={formatScore(c.healthScore)} hint={c.healthTrend == null ? c.healthBand : `${c.healthBand}, ${c.healthTrend >= 0 ? "+" : ""}${c.healthTrend.toFixed(1)} in 30 days`} />
        <Stat testId="churn-risk" label="Churn risk (90 days)" value={c.churnRisk} shown={formatPercent(c.churnRisk)} />
        <Stat testId="advocacy" label="Advocacy" value={c.advocacyScore} shown={formatScore(c.advocacyScore)} hint={c.successful ? "successful" : "not successful yet"} />
        <Stat testId="mrr" label="MRR" value={c.mrrCents} shown={formatCents(c.mrrCents)} hint={`LTV ${formatCents(c.lifetimeValueCents)}`} />
      </div>
      <div className="grid">
        <Card title="Health breakdown">
          <Bars label="Score of each health factor" data={c.healthBreakdown.map((f) => ({ name: f.name, value: Number(f.score.toFixed(1)) }))} />
          <table>
            <thead>
              <tr>
                <th scope="col">Factor</th>
                <th scope="col" className="num">Score</th>
                <th scope="col" className="num">Weight</th>
              </tr>
            </thead>
            <tbody>
              {c.healthBreakdown.map((f) => (
                <tr key={f.name} data-testid="factor" data-name={f.name} data-value={f.score}>
                  <td>{f.name}</td>
                  <td className="num">{formatScore(f.score)}</td>
                  <td className="num">{formatPercent(f.weight, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Health trend">
          <Lines label="Health score over the last 12 weeks" data={c.healthHistory.map((p) => ({ week: formatDate(p.at).slice(5), score: p.score }))} x="week" series={[{ key: "score", name: "Health", color: COLORS.primary }]} domain={[0, 100]} />
          <p className="muted small">
            NPS {c.nps ?? "–"} · CSAT {c.csat?.toFixed(1) ?? "–"} · {c.supportTickets90d} tickets in 90 days · {c.upsellCount} upsells
          </p>
          <RecordNps customerId={c.id} onSaved={reload} />
        </Card>
        <Card title="Churn risk">
          <p>
            <Band band={c.healthBand} /> {formatPercent(c.churnRisk)} chance of churning in the next 90 days.
          </p>
          {drivers.length ? (
            <>
              <p className="muted small">What drives churn risk in the model in use (v{data.churnModel!.version}): positive weights raise it.</p>
              <ul className="legend">
                {drivers.map((f) => (
                  <li key={f.name} data-testid="driver">
                    {f.name}: <strong style={{ color: f.weight > 0 ? COLORS.red : COLORS.green }}>{f.weight > 0 ? "+" : ""}{f.weight.toFixed(2)}</strong>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted small">No churn model trained yet: the risk follows the health score.</p>
          )}
        </Card>
        <Card title="Stakeholders">
          {c.contactToApproach ? (
            <p data-testid="contact" data-value={c.contactToApproach.email}>
              Contact to approach: <strong>{c.contactToApproach.name}</strong> ({c.contactToApproach.role.toLowerCase().replace("_", " ")}), {c.contactToApproach.email}
            </p>
          ) : (
            <p className="muted">No champion or decision maker on record.</p>
          )}
          <ul className="legend">
            {c.stakeholders.map((s) => (
              <li key={s.id} data-testid="stakeholder">
                {s.name} · {s.role.toLowerCase().replace("_", " ")} · {s.email}
              </li>
            ))}
          </ul>
          {c.advocacyReasons.length ? (
            <>
              <h3>Why an advocate</h3>
              <ul className="legend">
                {c.advocacyReasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : null}
        </Card>
        {/* A new first entry (an answer recorded here) starts the pages again. */}
        <History key={`${c.id}:${c.history.edges[0]?.node.id ?? ""}`} c={c} />
      </div>
    </>
  );
}
