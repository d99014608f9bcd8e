import { gql } from "../api";
import { formatDate, formatInt } from "../format";
import { useQuery } from "../hooks";
import { Card, Loading } from "../ui";
import { JOURNEYS_QUERY } from "../queries";


interface Journey {
  id: string;
  name: string;
  status: string;
  trigger: string;
  counts: Record<string, number>;
  steps: { index: number; kind: string; subject: string | null; waitHours: number | null; gotoStep: number | null }[];
  enrollments: { totalCount: number; edges: { node: { id: string; status: string; stepIndex: number; enrolledAt: string; nextRunAt: string; customer: { id: string; name: string } } }[] };
}

function step(s: Journey["steps"][number]) {
  if (s.kind === "EMAIL") return `Email “${s.subject ?? ""}”`;
  if (s.kind === "WAIT") return `Wait ${s.waitHours ?? 0} h`;
  return `${s.kind.toLowerCase()}${s.gotoStep != null ? ` → step ${s.gotoStep + 1}` : ""}`;
}

export function Journeys() {
  const { data, error, loading, reload } = useQuery<{ journeys: Journey[] }>(JOURNEYS_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  const toggle = async (j: Journey) => {
    await gql(`mutation($id: ID!) { ${j.status === "PAUSED" ? "resumeJourney" : "pauseJourney"}(id: $id) { id } }`, { id: j.id });
    reload();
  };
  return (
    <>
      <h1>Journeys</h1>
      {data.journeys.length === 0 ? <p className="muted">No journeys yet (createJourney).</p> : null}
      <div className="grid">
        {data.journeys.map((j) => (
          <Card
            key={j.id}
            title={j.name}
            actions={
              <button type="button" className="button small ghost" onClick={() => void toggle(j)}>
                {j.status === "PAUSED" ? "Resume" : "Pause"}
              </button>
            }
          >
            <p className="muted small" data-testid="journey" data-id={j.id} data-active={j.counts.active}>
              {j.status.toLowerCase()} · trigger {j.trigger.toLowerCase().replace("_", " ")} · {formatInt(j.counts.active)} active, {formatInt(j.counts.completed)} completed, {formatInt(j.counts.emailsSent)} emails sent
            </p>
            <ol className="steps">
              {j.steps.map((s) => (
                <li key={s.index}>{step(s)}</li>
              ))}
            </ol>
            <h3>Enrollments ({formatInt(j.enrollments.totalCount)})</h3>
            <ul className="legend">
              {j.enrollments.edges.map(({ node: e }) => (
                <li key={e.id}>
                  <a href={`#/customers/${e.customer.id}`}>{e.customer.name}</a>: {e.status.toLowerCase()}, step {e.stepIndex + 1} of {j.steps.length}, since {formatDate(e.enrolledAt)}
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
