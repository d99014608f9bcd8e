import { useState } from "react";
import { gql } from "../api";
import { formatInt, formatPercent } from "../format";
import { useQuery } from "../hooks";
import { Card, Loading } from "../ui";
import { CONTENT_QUERY } from "../queries";


interface Row {
  asset: { id: string; title: string; kind: string; niches: string[]; archived: boolean; url: string | null };
  impressions: number;
  visits: number;
  referredCustomers: number;
  referredFromVisits: number;
  retainedCustomers: number;
  retentionRate: number | null;
}

function EditTitle({ row, onSaved }: { row: Row; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();
  if (!editing)
    return (
      <button type="button" className="button small ghost" onClick={() => setEditing(true)} aria-label={`Edit “${row.asset.title}”`}>
        Edit
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const title = String(new FormData(event.currentTarget).get("title") ?? "");
        try {
          await gql(`mutation($id: ID!, $title: String) { updateContentAsset(id: $id, input: {title: $title}) { id } }`, { id: row.asset.id, title });
          setEditing(false);
          onSaved();
        } catch (e) {
          setError((e as Error).message);
        }
      }}
    >
      <label className="sr-only" htmlFor={`title-${row.asset.id}`}>
        Title
      </label>
      <input id={`title-${row.asset.id}`} name="title" defaultValue={row.asset.title} required maxLength={200} />
      <button className="button small" type="submit">
        Save
      </button>
      {error ? <span role="alert" className="error small">{error}</span> : null}
    </form>
  );
}

export function Content() {
  const { data, error, loading, reload } = useQuery<{ contentPerformance: Row[]; contentAssets: Row["asset"][] }>(CONTENT_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  // Performance lists the assets that were shown; every other asset is there with zeros.
  const shown = new Set(data.contentPerformance.map((p) => p.asset.id));
  const rows: Row[] = [
    ...data.contentPerformance,
    ...data.contentAssets.filter((a) => !shown.has(a.id)).map((asset) => ({ asset, impressions: 0, visits: 0, referredCustomers: 0, referredFromVisits: 0, retainedCustomers: 0, retentionRate: null })),
  ];
  const archive = async (id: string) => {
    await gql(`mutation($id: ID!) { archiveContentAsset(id: $id) { id } }`, { id });
    reload();
  };
  return (
    <>
      <h1>Content</h1>
      <Card title="Performance per asset (last 90 days)" wide>
        <p className="muted small">From impressions on landing pages to visits through materials-kit links, referred customers, and those still active.</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Content performance">
          <table>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">Impressions</th>
                <th scope="col" className="num">Visits</th>
                <th scope="col" className="num">Referred</th>
                <th scope="col" className="num">Retained</th>
                <th scope="col" className="num">Retention</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.asset.id} data-testid="content-row" data-id={row.asset.id} data-impressions={row.impressions} data-referred={row.referredCustomers}>
                  <td>
                    {row.asset.title} {row.asset.archived ? <span className="muted small">(archived)</span> : null}
                    <div className="muted small">{row.asset.niches.join(", ") || "all niches"}</div>
                  </td>
                  <td>{row.asset.kind.toLowerCase().replace("_", " ")}</td>
                  <td className="num">{formatInt(row.impressions)}</td>
                  <td className="num">{formatInt(row.visits)}</td>
                  <td className="num">{formatInt(row.referredCustomers)}</td>
                  <td className="num">{formatInt(row.retainedCustomers)}</td>
                  <td className="num">{formatPercent(row.retentionRate)}</td>
                  <td>
                    <div className="actions">
                      <EditTitle row={row} onSaved={reload} />
                      {row.asset.archived ? null : (
                        <button type="button" className="button small ghost" onClick={() => void archive(row.asset.id)} aria-label={`Archive “${row.asset.title}”`}>
                          Archive
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </>
  );
}
