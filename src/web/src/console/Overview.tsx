import { Bars, BAND_COLORS, COLORS } from "../charts";
import { formatCentsShort, formatInt, formatPercent, formatScore } from "../format";
import { useQuery } from "../hooks";
import { Band, Card, Loading, Stat } from "../ui";
import { OVERVIEW_QUERY } from "../queries";


interface Data {
  customerOverview: {
    customers: number;
    churnedCustomers: number;
    mrrCents: number;
    mrrAtRiskCents: number;
    bands: { band: string; customers: number; mrrCents: number }[];
    churnRisk: { from: number; to: number; customers: number; mrrCents: number }[];
  };
  topCustomers: { id: string; name: string; niche: string | null; healthScore: number; healthBand: string; advocacyScore: number; mrrCents: number }[];
  successPatterns: { attribute: string; value: string; customers: number; successRate: number; lift: number }[];
  churnModel: { version: number; auc: number | null; examples: number; positives: number; trainedAt: string; features: { name: string; weight: number }[] } | null;
}

export function Overview() {
  const { data, error, loading } = useQuery<Data>(OVERVIEW_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  const o = data.customerOverview;
  const model = data.churnModel;
  return (
    <>
      <h1>Overview</h1>
      <div className="stats">
        <Stat testId="customers" label="Customers (not churned)" value={o.customers} shown={formatInt(o.customers)} hint={`${formatInt(o.churnedCustomers)} churned`} />
        <Stat testId="mrr" label="MRR" value={o.mrrCents} shown={formatCentsShort(o.mrrCents)} />
        <Stat testId="mrr-at-risk" label="MRR at risk (90 days)" value={o.mrrAtRiskCents} shown={formatCentsShort(o.mrrAtRiskCents)} hint="Σ MRR × churn risk" />
        <Stat testId="model-auc" label="Churn model AUC" value={model?.auc ?? null} shown={model?.auc == null ? "–" : model.auc.toFixed(3)} hint={model ? `v${model.version}, ${formatInt(model.examples)} customers` : "not trained yet"} />
      </div>
      <div className="grid">
        <Card title="Customers by health band">
          <Bars label="Customers per health band" data={o.bands.map((b) => ({ name: b.band, value: b.customers, color: BAND_COLORS[b.band] }))} />
          <ul className="legend">
            {o.bands.map((b) => (
              <li key={b.band} data-testid={`band-${b.band}`} data-value={b.customers}>
                <Band band={b.band} /> {formatInt(b.customers)} customers, MRR {formatCentsShort(b.mrrCents)}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Churn risk distribution">
          <Bars label="Customers per churn-risk decile" data={o.churnRisk.map((b) => ({ name: `${Math.round(b.from * 100)}%`, value: b.customers, color: b.from >= 0.5 ? COLORS.red : COLORS.primary }))} />
          <p className="muted small" data-testid="risk-high" data-value={o.churnRisk.filter((b) => b.from >= 0.5).reduce((n, b) => n + b.customers, 0)}>
            {formatInt(o.churnRisk.filter((b) => b.from >= 0.5).reduce((n, b) => n + b.customers, 0))} customers at 50% risk or more.
          </p>
        </Card>
        <Card title="Top customers">
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Health</th>
                <th scope="col" className="num">Advocacy</th>
              </tr>
            </thead>
            <tbody>
              {data.topCustomers.map((c) => (
                <tr key={c.id} data-testid="top-customer" data-value={c.advocacyScore}>
                  <td>
                    <a href={`#/customers/${c.id}`}>{c.name}</a>
                  </td>
                  <td>
                    <Band band={c.healthBand} /> {formatScore(c.healthScore)}
                  </td>
                  <td className="num">{formatScore(c.advocacyScore)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Success patterns">
          {data.successPatterns.length === 0 ? (
            <p className="muted">Not enough customers for patterns yet.</p>
          ) : (
            <>
              <Bars label="Lift of each success pattern" data={data.successPatterns.map((p) => ({ name: `${p.value}`, value: Number(p.lift.toFixed(2)) }))} format={(n) => `${n}×`} />
              <ul className="legend">
                {data.successPatterns.map((p) => (
                  <li key={`${p.attribute}=${p.value}`} data-testid="pattern" data-value={p.lift}>
                    {p.attribute} = <strong>{p.value}</strong>: {p.lift.toFixed(2)}× lift, {formatPercent(p.successRate)} of {formatInt(p.customers)} successful
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title="Churn model" wide>
          {model ? (
            <>
              <p className="muted small">
                Version {model.version}, trained {model.trainedAt.slice(0, 10)} on {formatInt(model.examples)} customers ({formatInt(model.positives)} churned). AUC on held-out customers:{" "}
                {model.auc == null ? "too few to hold out" : model.auc.toFixed(3)}.
              </p>
              <Bars label="Weight of each churn-model feature" data={model.features.map((f) => ({ name: f.name, value: Number(f.weight.toFixed(3)), color: f.weight > 0 ? COLORS.red : COLORS.green }))} />
            </>
          ) : (
            <p className="muted">No model trained yet: churn risk uses the documented heuristic.</p>
          )}
        </Card>
      </div>
    </>
  );
}
