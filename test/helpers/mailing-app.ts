import { createMailer } from "../../src/email/mailer.js";
import { startTestApp, type TestApp } from "./app.js";
import { startTestSmtp, type ManualClock, type TestSmtp } from "./smtp.js";

export const MAIL_FROM = "Advocate <hello@advocate.test>";

/** The app on a hand-moved clock, sending its emails to a real SMTP server in this process. */
export async function startMailingApp(clock: ManualClock, overrides: Parameters<typeof startTestApp>[0] = {}): Promise<{ t: TestApp; smtp: TestSmtp }> {
  const smtp = await startTestSmtp();
  const t = await startTestApp({ email: { from: MAIL_FROM, publicUrl: "http://advocate.test" }, ...overrides }, { clock, mailer: createMailer({ smtpUrl: smtp.url, from: MAIL_FROM }) });
  return { t, smtp };
}
