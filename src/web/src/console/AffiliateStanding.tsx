import { useState, type FormEvent } from "react";
import { gql } from "../api";
import { FormStatus } from "../ui";
import { formatDate } from "../format";

export interface Standing {
  id: string;
  status: string;
  suspendedAt: string | null;
  suspensionReason: string | null;
}

/**
 * Suspend (with a reason) or re-activate an affiliate. Suspended, its links still work for
 * visitors, but no commission period closing meanwhile accrues and its keys are refused.
 */
export function AffiliateStanding({ affiliate, onSaved }: { affiliate: Standing; onSaved: () => void }) {
  const [message, setMessage] = useState<string>();
  const suspended = affiliate.status === "SUSPENDED";
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    try {
      if (suspended) await gql(`mutation($id: ID!) { reactivateAffiliate(id: $id) { id } }`, { id: affiliate.id });
      else await gql(`mutation($id: ID!, $reason: String!) { suspendAffiliate(id: $id, reason: $reason) { id } }`, { id: affiliate.id, reason });
      setMessage(suspended ? "Re-activated." : "Suspended.");
      onSaved();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }
  return (
    <>
      <p data-testid="standing" data-value={affiliate.status}>
        {suspended ? (
          <>
            <strong>Suspended</strong> since {formatDate(affiliate.suspendedAt!)}: {affiliate.suspensionReason}. Its links still work; it accrues nothing and its keys are refused.
          </>
        ) : (
          <>
            <strong>Active</strong>: accrues commissions; its keys and portal work.
          </>
        )}
      </p>
      <form className="inline-form" onSubmit={submit} aria-label={suspended ? "Re-activate the affiliate" : "Suspend the affiliate"}>
        {suspended ? null : (
          <label>
            Reason
            <input name="reason" maxLength={500} required />
          </label>
        )}
        <button className="button small" type="submit">
          {suspended ? "Re-activate" : "Suspend"}
        </button>
        <FormStatus message={message} />
      </form>
    </>
  );
}
