import { useState } from "react";
import { gql } from "../api";
import { formatInt } from "../format";
import { useQuery } from "../hooks";
import { Card, Loading } from "../ui";
import { SEGMENTS_QUERY } from "../queries";

const FIELDS = ["NICHE", "PLAN", "STATUS", "ACQUISITION_CHANNEL", "HEALTH_SCORE", "CHURN_RISK", "ADVOCACY_SCORE", "NPS", "CSAT", "MRR_CENTS", "LIFETIME_VALUE_CENTS", "SUPPORT_TICKETS_90D", "REFERRED_BY_AFFILIATE_CODE"];
const OPS = ["EQ", "NEQ", "IN", "GT", "GTE", "LT", "LTE"];

interface Rule {
  field: string;
  op: string;
  values: string[];
}

interface Segment {
  id: string;
  name: string;
  customerCount: number;
  rules: Rule[];
}

function RulesEditor({ onCreated }: { onCreated: () => void }) {
  const [rules, setRules] = useState<Rule[]>([{ field: "NICHE", op: "EQ", values: [""] }]);
  const [count, setCount] = useState<number | null>(null);
  const [message, setMessage] = useState<string>();
  const complete = rules.filter((r) => r.values.every((v) => v.trim() !== ""));
  const preview = async (next: Rule[]) => {
    const ready = next.filter((r) => r.values.every((v) => v.trim() !== ""));
    try {
      const { segmentPreview } = await gql<{ segmentPreview: number }>(`query($rules: [SegmentRuleInput!]!) { segmentPreview(rules: $rules) }`, { rules: ready });
      setCount(segmentPreview);
      setMessage(undefined);
    } catch (e) {
      setCount(null);
      setMessage((e as Error).message);
    }
  };
  const update = (i: number, patch: Partial<Rule>) => {
    const next = rules.map((r, j) => (j === i ? { ...r, ...patch } : r));
    setRules(next);
    void preview(next);
  };
  return (
    <form
      className="rules"
      aria-label="New segment"
      onSubmit={async (event) => {
        event.preventDefault();
        const name = String(new FormData(event.currentTarget).get("name") ?? "");
        try {
          await gql(`mutation($input: SegmentInput!) { createSegment(input: $input) { id } }`, { input: { name, rules: complete } });
          setMessage(`Segment “${name}” saved.`);
          onCreated();
        } catch (e) {
          setMessage((e as Error).message);
        }
      }}
    >
      <label>
        Name
        <input name="name" required maxLength={100} />
      </label>
      {rules.map((r, i) => (
        <fieldset key={i} className="rule">
          <legend>Rule {i + 1}</legend>
          <label>
            Field
            <select value={r.field} onChange={(e) => update(i, { field: e.target.value })}>
              {FIELDS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <label>
            Operator
            <select value={r.op} onChange={(e) => update(i, { op: e.target.value })}>
              {OPS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </label>
          <label>
            Value{r.op === "IN" ? "s (comma-separated)" : ""}
            <input value={r.values.join(",")} onChange={(e) => update(i, { values: r.op === "IN" ? e.target.value.split(",") : [e.target.value] })} />
          </label>
        </fieldset>
      ))}
      <div className="filter-actions">
        <button type="button" className="button ghost" onClick={() => setRules([...rules, { field: "HEALTH_SCORE", op: "GTE", values: [""] }])}>
          Add rule
        </button>
        <button type="submit" className="button">
          Save segment
        </button>
        <span role="status" data-testid="live-count" data-value={count ?? ""}>
          {count == null ? "" : `${formatInt(count)} customers match now`}
        </span>
      </div>
      {message ? <p className="muted small">{message}</p> : null}
    </form>
  );
}

export function Segments() {
  const { data, error, loading, reload } = useQuery<{ segments: Segment[] }>(SEGMENTS_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  return (
    <>
      <h1>Segments</h1>
      <div className="grid">
        <Card title="New segment">
          <RulesEditor onCreated={reload} />
        </Card>
        <Card title="Segments">
          <ul className="legend">
            {data.segments.map((s) => (
              <li key={s.id} data-testid="segment" data-id={s.id} data-value={s.customerCount}>
                <a href="#/customers">{s.name}</a>: {formatInt(s.customerCount)} customers · {s.rules.map((r) => `${r.field} ${r.op} ${r.values.join("|")}`).join(" and ")}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
