/**
 * Servers and load generators in processes of their own (child_process.fork), so that a
 * benchmark's harness never shares the event loop it measures: what a server answers is the
 * server's work alone, as on a real machine where the sender is elsewhere.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ServerMessage, ServerSpec, ServerStats } from "./landing-server.js";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const children = new Set<ChildProcess>();

/** Forks a bench script; killChildren() ends every one still running (a bench that fails half-way). */
export function spawnChild(script: string, execArgv: string[]): ChildProcess {
  const child = fork(here(script), [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export function killChildren(): void {
  for (const child of children) child.kill();
}

/** The child's next IPC message that `accept` takes; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, accept: (message: any) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: any) => {
      if (!accept(message)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child ${child.pid} exited (${code}) before answering`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export interface RunningServer {
  url: string;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** bench/landing-server.ts in its own process; `execArgv` adds Node options (e.g. --cpu-prof). */
export async function startServer(spec: ServerSpec, execArgv: string[] = []): Promise<RunningServer> {
  const child = spawnChild("./landing-server.ts", [...execArgv, "--import", "tsx"]);
  const listening = nextMessage<ServerMessage & { type: "listening" }>(child, (m) => m.type === "listening");
  child.send(spec);
  const { url } = await listening;
  return {
    url,
    stats: async () => {
      const answer = nextMessage<ServerStats>(child, (m) => m.type === "stats");
      child.send({ type: "stats" });
      return answer;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "stop" });
      await exited;
    },
  };
}
