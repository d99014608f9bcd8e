import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../src/jobs/job.runner.js";

/** A real SMTP server in the test process: journeys send to it through nodemailer, tests read what arrived. */
export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Messages to one address. */
  to(address: string): ParsedMail[];
  /** Answers the next `n` messages with a 451 (a temporary failure the sender retries). */
  failNext(n: number): void;
  /** Holds the next message's DATA answer until release() (a send that is in flight). */
  holdNext(): { arrived: Promise<void>; release(answer: "accept" | "drop"): void };
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  let failures = 0;
  let hold: { arrived: () => void; decided: Promise<"accept" | "drop"> } | undefined;
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (failures > 0) {
          failures--;
          const error = Object.assign(new Error("try again later"), { responseCode: 451 });
          return callback(error);
        }
        const held = hold;
        hold = undefined;
        if (held) {
          held.arrived();
          if ((await held.decided) === "drop") {
            // The sender never hears back: as if its process died mid-send.
            const connections = (server as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> }).connections;
            for (const connection of connections) if (connection.session === session) connection._socket.destroy();
            return;
          }
        }
        messages.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.value.some((v) => v.address === address))),
    failNext: (n) => (failures = n),
    holdNext() {
      let arrived!: () => void;
      let release!: (answer: "accept" | "drop") => void;
      const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
      hold = { arrived, decided: new Promise((resolve) => (release = resolve)) };
      return { arrived: arrivedPromise, release };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The real time plus an offset the test moves by hand: journey waits and retry backoff pass in
 * no time, and what requests write "now" is never ahead of it.
 */
export class ManualClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceHours(hours: number): void {
    this.offsetMs += hours * 3_600_000;
  }
  advanceMs(ms: number): void {
    this.offsetMs += ms;
  }
}
