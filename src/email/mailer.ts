import { createTransport } from "nodemailer";
import { log } from "../common/log.js";
import type { EmailOptions } from "../config/config.js";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per (enrollment, step): a resend carries the same id, so receivers can drop a duplicate. */
  messageId: string;
  /** The customer's unsubscribe link: List-Unsubscribe with RFC 8058 one-click; none for a sign-in link. */
  unsubscribeUrl?: string;
}

export interface Mailer {
  /** "smtp" delivers through SMTP_URL; "log" (no SMTP_URL) writes each message to the log instead. */
  readonly transport: "smtp" | "log";
  /** Resolves once the SMTP server accepted the message; rejects otherwise (the job retries). */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export type MailerOptions = Pick<EmailOptions, "smtpUrl" | "from">;

/** nodemailer over a small connection pool, with timeouts short enough for a job's lease. */
export function createMailer({ smtpUrl, from }: MailerOptions): Mailer {
  const transporter = smtpUrl
    ? createTransport({ url: smtpUrl, pool: true, maxConnections: 3, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }, { from })
    : createTransport({ jsonTransport: true }, { from });
  return {
    transport: smtpUrl ? "smtp" : "log",
    async send(email) {
      const info = await transporter.sendMail({
        // An address object, never a string nodemailer would parse (a list, a display name).
        to: { name: "", address: email.to },
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        ...(email.unsubscribeUrl
          ? { list: { unsubscribe: { url: email.unsubscribeUrl, comment: "Unsubscribe" } }, headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } }
          : {}),
      });
      // Logs carry no personal data: the Message-ID names the enrollment and step, not the recipient.
      if (!smtpUrl) log.info("email not delivered (SMTP_URL is unset)", { messageId: email.messageId });
      const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
      if (rejected.length > 0) throw new Error("the SMTP server rejected the recipient");
    },
    close: () => transporter.close(),
  };
}
