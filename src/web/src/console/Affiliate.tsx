import { useState, type FormEvent } from "react";
import { gql } from "../api";
import { Bars, COLORS, Lines } from "../charts";
import { formatCents, formatDate, formatInt, formatMonth, formatPercent, formatScore } from "../format";
import { useQuery } from "../hooks";
import { Card, FormStatus, Loading, Stat } from "../ui";
import { RecommendationView, type AffiliateStats, type Recommendation } from "./Affiliates";
import { AFFILIATE_QUERY } from "../queries";
import { AffiliateStanding, type Standing } from "./AffiliateStanding";


export interface Month {
  month: string;
  visitors: number;
  referredCustomers: number;
  churnedCustomers: number;
  revenueCents: number;
  churnRate: number | null;
}

export interface LedgerEntry {
  id: string;
  customerLabel: string;
  periodStart: string;
  periodEnd: string;
  status: string;
  kind: string;
  revenueCents: number;
  amountCents: number;
}

export interface Balance {
  approvedCents: number;
  pendingCents: number;
  paidCents: number;
  voidedCents: number;
  carriedCents: number;
}

interface Data {
  affiliate: Standing & {
    id: string;
    code: string;
    name: string;
    commissionType: string;
    commissionValue: number;
    commissionMonths: number | null;
    createdAt: string;
    stats: AffiliateStats & { churnedCustomers: number; averageHealthScore: number | null; clicksToCustomer: { visitors: number; referred: number; active: number }; months: Month[] };
    commissionBalance: Balance;
    commissions: LedgerEntry[];
    payouts: { id: string; amountCents: number; paidAt: string; reference: string | null }[];
    recommendedCommission: Recommendation & { currentPlanMeetsTarget: boolean | null };
  } | null;
}

export function MonthlyChart({ months }: { months: Month[] }) {
  return (
    <Lines
      label="Visitors, referred customers and churned customers per month"
      data={months.map((m) => ({ month: formatMonth(m.month), visitors: m.visitors, referred: m.referredCustomers, churned: m.churnedCustomers }))}
      x="month"
      series={[
        { key: "visitors", name: "Visitors", color: COLORS.muted },
        { key: "referred", name: "Referred", color: COLORS.primary },
        { key: "churned", name: "Churned", color: COLORS.red },
      ]}
    />
  );
}

export function Funnel({ funnel }: { funnel: { visitors: number; referred: number; active: number } }) {
  return (
    <>
      <Bars
        label="From visitors to referred customers to customers that stayed"
        data={[
          { name: "Visitors", value: funnel.visitors, color: COLORS.muted },
          { name: "Customers", value: funnel.referred },
          { name: "Still active", value: funnel.active, color: COLORS.green },
        ]}
      />
      <p className="muted small" data-testid="funnel" data-value={`${funnel.visitors}/${funnel.referred}/${funnel.active}`}>
        {formatInt(funnel.visitors)} visitors → {formatInt(funnel.referred)} customers → {formatInt(funnel.active)} still active
      </p>
    </>
  );
}

export function LedgerTable({ entries }: { entries: LedgerEntry[] }) {
  if (entries.length === 0) return <p className="muted">No commission entries yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Commission ledger">
      <table>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Revenue</th>
            <th scope="col" className="num">Commission</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="ledger-entry" data-value={e.amountCents}>
              <td>
                {formatDate(e.periodStart)} – {formatDate(e.periodEnd)}
              </td>
              <td>{e.customerLabel}</td>
              <td>
                {e.status.toLowerCase()}
                {e.kind === "ADJUSTMENT" ? " (adjustment)" : ""}
              </td>
              <td className="num">{formatCents(e.revenueCents)}</td>
              <td className="num">{formatCents(e.amountCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BalanceStats({ balance }: { balance: Balance }) {
  return (
    <div className="stats">
      <Stat testId="balance-approved" label="Payable now" value={balance.approvedCents} shown={formatCents(balance.approvedCents)} />
      <Stat testId="balance-pending" label="Pending" value={balance.pendingCents} shown={formatCents(balance.pendingCents)} />
      <Stat testId="balance-paid" label="Paid" value={balance.paidCents} shown={formatCents(balance.paidCents)} />
    </div>
  );
}

function RecordPayout({ affiliateId, payable, onSaved }: { affiliateId: string; payable: number; onSaved: () => void }) {
  const [message, setMessage] = useState<string>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amountCents = Math.round(Number(form.get("amount")) * 100);
    const reference = String(form.get("reference") ?? "").trim() || null;
    try {
      await gql(`mutation($id: ID!, $amount: Int!, $ref: String) { recordPayout(affiliateId: $id, amountCents: $amount, reference: $ref) { id } }`, { id: affiliateId, amount: amountCents, ref: reference });
      setMessage(`Payout of ${formatCents(amountCents)} recorded.`);
      onSaved();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Record a payout">
      <label>
        Amount
        <input name="amount" type="number" min={0.01} step={0.01} max={payable / 100} required inputMode="decimal" />
      </label>
      <label>
        Reference
        <input name="reference" maxLength={200} />
      </label>
      <button className="button small" type="submit" disabled={payable <= 0}>
        Record payout
      </button>
      <FormStatus message={message} />
    </form>
  );
}

export function AffiliatePage({ code }: { code: string }) {
  const { data, error, loading, reload } = useQuery<Data>(AFFILIATE_QUERY, { code });
  if (!data) return <Loading error={error} loading={loading} />;
  const a = data.affiliate;
  if (!a) return <p className="error">No affiliate with this code.</p>;
  const s = a.stats;
  return (
    <>
      <p className="crumbs">
        <a href="#/affiliates">Affiliates</a> /
      </p>
      <h1>{a.name}</h1>
      <p className="muted">
        {a.code} · {a.commissionType === "PERCENT" ? `${a.commissionValue}% of revenue${a.commissionMonths ? ` for ${a.commissionMonths} months` : ""}` : `${formatCents(a.commissionValue)} per customer`} · since {formatDate(a.createdAt)}
      </p>
      <div className="stats">
        <Stat testId="quality" label="Quality score" value={s.qualityScore} shown={formatScore(s.qualityScore)} />
        <Stat testId="referred" label="Referred customers" value={s.referredCustomers} shown={formatInt(s.referredCustomers)} hint={`${formatInt(s.activeCustomers)} active, ${formatInt(s.churnedCustomers)} churned`} />
        <Stat testId="revenue" label="Referred revenue" value={s.revenueCents} shown={formatCents(s.revenueCents)} hint={`ROI ${s.roi == null ? "–" : `${s.roi.toFixed(1)}×`}`} />
        <Stat testId="churn" label="Monthly churn" value={s.monthlyChurnRate} shown={formatPercent(s.monthlyChurnRate)} hint={`conversion ${formatPercent(s.conversionRate)}`} />
      </div>
      <div className="grid">
        <Card title="Monthly series">
          <MonthlyChart months={s.months} />
        </Card>
        <Card title="Funnel">
          <Funnel funnel={s.clicksToCustomer} />
        </Card>
        <Card title="Balance and payouts">
          <BalanceStats balance={a.commissionBalance} />
          <RecordPayout affiliateId={a.id} payable={a.commissionBalance.approvedCents} onSaved={reload} />
          <ul className="legend">
            {a.payouts.map((p) => (
              <li key={p.id} data-testid="payout" data-value={p.amountCents}>
                {formatDate(p.paidAt)}: {formatCents(p.amountCents)} {p.reference ? `(${p.reference})` : ""}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Standing">
          <AffiliateStanding affiliate={a} onSaved={reload} />
        </Card>
        <Card title="Recommended commission">
          <RecommendationView r={a.recommendedCommission} testId="recommendation" />
          <p className="small">{a.recommendedCommission.currentPlanMeetsTarget === false ? "The current plan pays more than the target ROI allows." : a.recommendedCommission.currentPlanMeetsTarget ? "The current plan meets the target ROI." : ""}</p>
        </Card>
        <Card title="Ledger" wide>
          <LedgerTable entries={a.commissions} />
        </Card>
      </div>
    </>
  );
}
