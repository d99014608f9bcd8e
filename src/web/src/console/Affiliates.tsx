import { Scatterplot } from "../charts";
import { formatCents, formatInt, formatPercent, formatScore } from "../format";
import { useQuery } from "../hooks";
import { Card, Loading, Stat } from "../ui";
import { AFFILIATES_QUERY } from "../queries";


export interface AffiliateStats {
  qualityScore: number;
  monthlyChurnRate: number;
  referredCustomers: number;
  activeCustomers: number;
  revenueCents: number;
  commissionsCents: number;
  conversionRate: number;
  roi: number | null;
  visits: number;
}

interface Data {
  affiliates: {
    totalCount: number;
    edges: { node: { id: string; code: string; name: string; commissionType: string; commissionValue: number; stats: AffiliateStats; commissionBalance: { approvedCents: number; pendingCents: number; paidCents: number } } }[];
  };
  recommendedCommission: Recommendation;
  affiliateCandidates: { id: string; name: string; niche: string | null; advocacyScore: number; healthScore: number; contactToApproach: { name: string; email: string } | null }[];
}

export interface Recommendation {
  recommendedPercent: number;
  recommendedFlatCents: number;
  averageMrrCents: number;
  monthlyChurnRate: number;
  expectedLifetimeMonths: number;
  expectedLifetimeValueCents: number;
  maxCommissionPerCustomerCents: number;
  targetRoi: number;
  referredCustomers: number;
  basis: string;
}

export function RecommendationView({ r, testId }: { r: Recommendation; testId: string }) {
  return (
    <>
      <div className="stats">
        <Stat testId={`${testId}-percent`} label="Recommended percent" value={r.recommendedPercent} shown={`${r.recommendedPercent.toFixed(2)}%`} />
        <Stat testId={`${testId}-flat`} label="or flat per customer" value={r.recommendedFlatCents} shown={formatCents(r.recommendedFlatCents)} />
      </div>
      <p className="muted small">
        From {formatInt(r.referredCustomers)} referred customers ({r.basis.toLowerCase()}): average MRR {formatCents(r.averageMrrCents)}, monthly churn {formatPercent(r.monthlyChurnRate)}, expected lifetime{" "}
        {r.expectedLifetimeMonths.toFixed(1)} months, LTV {formatCents(r.expectedLifetimeValueCents)}; at most {formatCents(r.maxCommissionPerCustomerCents)} per customer for a {r.targetRoi}× ROI.
      </p>
    </>
  );
}

export function Affiliates() {
  const { data, error, loading } = useQuery<Data>(AFFILIATES_QUERY);
  if (!data) return <Loading error={error} loading={loading} />;
  const affiliates = data.affiliates.edges.map((e) => e.node);
  return (
    <>
      <h1>Affiliates</h1>
      <div className="grid">
        <Card title="Quality against referred churn">
          <Scatterplot
            label="Each affiliate's quality score against the monthly churn rate of the customers it referred"
            data={affiliates.map((a) => ({ name: a.name, x: a.stats.qualityScore, y: Number((a.stats.monthlyChurnRate * 100).toFixed(2)), size: a.stats.referredCustomers }))}
            xName="Quality score"
            yName="Monthly churn %"
            yFormat={(n) => `${n}%`}
          />
        </Card>
        <Card title="Recommended commission">
          <RecommendationView r={data.recommendedCommission} testId="program-recommendation" />
        </Card>
        <Card title={`All affiliates (${formatInt(data.affiliates.totalCount)})`} wide>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Affiliates table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Affiliate</th>
                  <th scope="col">Plan</th>
                  <th scope="col" className="num">Quality</th>
                  <th scope="col" className="num">Referred</th>
                  <th scope="col" className="num">Active</th>
                  <th scope="col" className="num">Churn / month</th>
                  <th scope="col" className="num">Revenue</th>
                  <th scope="col" className="num">Commissions</th>
                  <th scope="col" className="num">Payable</th>
                </tr>
              </thead>
              <tbody>
                {affiliates.map((a) => (
                  <tr key={a.id} data-testid="affiliate-row" data-id={a.id} data-quality={a.stats.qualityScore} data-referred={a.stats.referredCustomers} data-revenue={a.stats.revenueCents}>
                    <td>
                      <a href={`#/affiliates/${encodeURIComponent(a.code)}`}>{a.name}</a> <span className="muted small">{a.code}</span>
                    </td>
                    <td>{a.commissionType === "PERCENT" ? `${a.commissionValue}%` : formatCents(a.commissionValue)}</td>
                    <td className="num">{formatScore(a.stats.qualityScore)}</td>
                    <td className="num">{formatInt(a.stats.referredCustomers)}</td>
                    <td className="num">{formatInt(a.stats.activeCustomers)}</td>
                    <td className="num">{formatPercent(a.stats.monthlyChurnRate)}</td>
                    <td className="num">{formatCents(a.stats.revenueCents)}</td>
                    <td className="num">{formatCents(a.stats.commissionsCents)}</td>
                    <td className="num">{formatCents(a.commissionBalance.approvedCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Candidates to recruit" wide>
          <p className="muted small">Successful customers that are not affiliates yet, best advocates first.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Niche</th>
                <th scope="col" className="num">Advocacy</th>
                <th scope="col">Contact to approach</th>
              </tr>
            </thead>
            <tbody>
              {data.affiliateCandidates.map((c) => (
                <tr key={c.id} data-testid="candidate" data-id={c.id}>
                  <td>
                    <a href={`#/customers/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{c.niche ?? "–"}</td>
                  <td className="num">{formatScore(c.advocacyScore)}</td>
                  <td>{c.contactToApproach ? `${c.contactToApproach.name} <${c.contactToApproach.email}>` : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
    </>
  );
}
