/** Child processes running `fixtures/event-worker.mjs` against a test event store. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EventStoreDatabase } from "./event-store.js";

const WORKER = fileURLToPath(new URL("../fixtures/event-worker.mjs", import.meta.url));

export interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit signal or code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** Starts a worker process (`fixtures/event-worker.mjs` unless `script` names another) and waits until its event system runs. */
export async function startWorker(
  store: EventStoreDatabase,
  env: Record<string, string> = {},
  script: string = WORKER,
): Promise<Worker> {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      EVENTS_DB_URL: store.url,
      EVENTS_LISTEN_URL: store.dialect === "postgres" ? store.url : "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? code)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve();
    });
    void exited.then((how) => reject(new Error(`worker exited (${String(how)}) before ready: ${stderr}`)));
  });
  return { child, pid: child.pid!, exited };
}

/** SIGKILLs a worker and waits until it is gone. */
export async function killWorker(worker: Worker, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  worker.child.kill(signal);
  await worker.exited;
}
