import { useState, type FormEvent } from "react";
import { formatCents, formatInt, formatPercent, formatScore } from "../format";
import { useQuery } from "../hooks";
import { Band, Card, Loading } from "../ui";
import { CUSTOMERS_QUERY } from "../queries";


interface Row {
  id: string;
  name: string;
  niche: string | null;
  status: string;
  plan: string | null;
  mrrCents: number;
  healthScore: number;
  healthBand: string;
  churnRisk: number;
  advocacyScore: number;
}

interface Data {
  customers: { totalCount: number; pageInfo: { endCursor: string | null; hasNextPage: boolean }; edges: { node: Row }[] };
  segments: { id: string; name: string }[];
}

const PAGE_SIZE = 25;

/** Columns that sort on the server (a stored score's index), and the order each header asks for. */
const SORTS: Record<string, { label: string; order: string }> = {
  ID: { label: "default", order: "ID" },
  HEALTH_SCORE_DESC: { label: "health, best first", order: "HEALTH_SCORE_DESC" },
  HEALTH_SCORE_ASC: { label: "health, worst first", order: "HEALTH_SCORE_ASC" },
  CHURN_RISK_DESC: { label: "churn risk, highest first", order: "CHURN_RISK_DESC" },
  ADVOCACY_SCORE_DESC: { label: "advocacy, best first", order: "ADVOCACY_SCORE_DESC" },
};

type Filter = Record<string, string | number>;

function filterFrom(form: HTMLFormElement): Filter {
  const data = new FormData(form);
  const filter: Filter = {};
  for (const key of ["segmentId", "niche", "healthBand", "status"]) {
    const value = String(data.get(key) ?? "").trim();
    if (value) filter[key] = value;
  }
  for (const key of ["minHealthScore", "maxHealthScore"]) {
    const value = String(data.get(key) ?? "").trim();
    if (value) filter[key] = Number(value);
  }
  for (const key of ["minChurnRisk", "maxChurnRisk"]) {
    const value = String(data.get(key) ?? "").trim();
    if (value) filter[key] = Number(value) / 100;
  }
  return filter;
}

export function Customers() {
  const [filter, setFilter] = useState<Filter>({});
  const [orderBy, setOrderBy] = useState("ID");
  // Cursors of the pages before this one, for "Previous".
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const { data, error, loading } = useQuery<Data>(CUSTOMERS_QUERY, { first: PAGE_SIZE, after, filter, orderBy });

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilter(filterFrom(event.currentTarget));
    setCursors([null]);
  };
  const sortBy = (order: string) => {
    setOrderBy(order);
    setCursors([null]);
  };
  const header = (label: string, desc: string, asc?: string) => {
    const active = orderBy === desc || orderBy === asc;
    const next = orderBy === desc && asc ? asc : desc;
    return (
      <th scope="col" className="num" aria-sort={orderBy === desc ? "descending" : orderBy === asc ? "ascending" : "none"}>
        <button type="button" className="sort" onClick={() => sortBy(next)}>
          {label} {active ? (orderBy === asc ? "▲" : "▼") : ""}
        </button>
      </th>
    );
  };
  const exportQuery = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)])).toString();
  return (
    <>
      <h1>Customers</h1>
      <Card title="Filter" wide>
        <form className="filters" onSubmit={apply} aria-label="Filter customers">
          <label>
            Segment
            <select name="segmentId" defaultValue="">
              <option value="">Any</option>
              {data?.segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Niche
            <input name="niche" placeholder="fintech" />
          </label>
          <label>
            Health band
            <select name="healthBand" defaultValue="">
              <option value="">Any</option>
              <option value="GREEN">Green</option>
              <option value="YELLOW">Yellow</option>
              <option value="RED">Red</option>
            </select>
          </label>
          <label>
            Status
            <select name="status" defaultValue="">
              <option value="">Any</option>
              <option value="TRIAL">Trial</option>
              <option value="ACTIVE">Active</option>
              <option value="CHURNED">Churned</option>
            </select>
          </label>
          <label>
            Health from
            <input name="minHealthScore" type="number" min={0} max={100} step="any" inputMode="decimal" />
          </label>
          <label>
            Health to
            <input name="maxHealthScore" type="number" min={0} max={100} step="any" inputMode="decimal" />
          </label>
          <label>
            Churn risk from (%)
            <input name="minChurnRisk" type="number" min={0} max={100} step="any" inputMode="decimal" />
          </label>
          <label>
            Churn risk to (%)
            <input name="maxChurnRisk" type="number" min={0} max={100} step="any" inputMode="decimal" />
          </label>
          <div className="filter-actions">
            <button className="button" type="submit">
              Apply
            </button>
            <a className="button ghost" href={`/exports/customers.csv${exportQuery ? `?${exportQuery}` : ""}`} download>
              Export CSV
            </a>
          </div>
        </form>
      </Card>
      <Card
        title="Customers"
        wide
        actions={
          <label className="inline">
            Sort by{" "}
            <select value={orderBy} onChange={(e) => sortBy(e.target.value)}>
              {Object.entries(SORTS).map(([key, s]) => (
                <option key={key} value={s.order}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <Loading error={error} loading={loading && !data} />
        {data ? (
          <>
            <p className="muted small" data-testid="customers-total" data-value={data.customers.totalCount}>
              {formatInt(data.customers.totalCount)} customers match; page {cursors.length}.
            </p>
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Customers table">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Niche</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      MRR
                    </th>
                    {header("Health", "HEALTH_SCORE_DESC", "HEALTH_SCORE_ASC")}
                    {header("Churn risk", "CHURN_RISK_DESC")}
                    {header("Advocacy", "ADVOCACY_SCORE_DESC")}
                  </tr>
                </thead>
                <tbody>
                  {data.customers.edges.map(({ node: c }) => (
                    <tr key={c.id} data-testid="customer-row" data-id={c.id} data-health={c.healthScore} data-risk={c.churnRisk}>
                      <td>
                        <a href={`#/customers/${c.id}`}>{c.name}</a>
                      </td>
                      <td>{c.niche ?? "–"}</td>
                      <td>{c.status.toLowerCase()}</td>
                      <td className="num">{formatCents(c.mrrCents)}</td>
                      <td className="num">
                        <Band band={c.healthBand} /> {formatScore(c.healthScore)}
                      </td>
                      <td className="num">{formatPercent(c.churnRisk)}</td>
                      <td className="num">{formatScore(c.advocacyScore)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <button type="button" className="button ghost" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </button>
              <button
                type="button"
                className="button ghost"
                disabled={!data.customers.pageInfo.hasNextPage}
                onClick={() => setCursors((c) => [...c, data.customers.pageInfo.endCursor])}
              >
                Next
              </button>
            </div>
          </>
        ) : null}
      </Card>
    </>
  );
}
