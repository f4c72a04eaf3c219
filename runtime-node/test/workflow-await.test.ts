/**
 * Workflow steps that wait for a durable service call (`awaitService`), with real processes and a
 * real HTTP server standing in for the outside service (it fails a number of times, then answers).
 * The worker processes run `fixtures/await-worker.mjs` (workflow `Ask`: step `ask` waits for the
 * service `Check`, step `after` follows); this process emits the triggers and inspects the store.
 * One case runs the event system in this process (several calls in one step).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createEventSystem } from "../src/events/durable.js";
import type { EventSystem, RunHistory } from "../src/events/types.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";
import { killWorker, startWorker, type Worker } from "./support/event-workers.js";

const open = useEventStoreDatabases();
const SCRIPT = fileURLToPath(new URL("./fixtures/await-worker.mjs", import.meta.url));
const TENANT = "t1";

/** How the stand-in service treats one text: `failures` answers of `status` first, then its answer. */
interface Plan {
  failures: number;
  status: number;
  allowed: boolean;
  /** The request (1-based, of this text) that gets no answer at all: the caller is killed meanwhile. */
  hangOn?: number;
}

interface Received {
  readonly text: string;
  readonly headers: IncomingHttpHeaders;
}

/** The outside service: answers by plan, remembers every request. */
async function startService(): Promise<{
  url: string;
  plans: Map<string, Plan>;
  received: Received[];
  server: Server;
}> {
  const plans = new Map<string, Plan>();
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const text = (JSON.parse(body) as { text: string }).text;
      received.push({ text, headers: request.headers });
      const plan = plans.get(text) ?? { failures: 0, status: 503, allowed: true };
      if (plan.hangOn === received.filter((r) => r.text === text).length) return;
      response.setHeader("content-type", "application/json");
      if (plan.failures > 0) {
        plan.failures -= 1;
        response.statusCode = plan.status;
        response.end(JSON.stringify({ error: `planned ${plan.status}` }));
        return;
      }
      response.end(JSON.stringify({ allowed: plan.allowed }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/check`, plans, received, server };
}

async function logCount(store: EventStoreDatabase, key: string): Promise<number> {
  const [row] = await store.admin.withTenant(TENANT, (tx) =>
    tx.query<{ n: number | string }>("SELECT count(*) AS n FROM effect_log WHERE key = $1", [key]),
  );
  return Number(row!.n);
}

describe.each(testDialects)("steps waiting for a service on %s", (dialect) => {
  let store: EventStoreDatabase | null = null;
  let emitter: EventSystem | null = null;
  let service: Awaited<ReturnType<typeof startService>> | null = null;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) if (worker.child.exitCode === null) await killWorker(worker);
    await emitter?.stop();
    await store?.close();
    service?.server.closeAllConnections();
    await new Promise((resolve) => service?.server.close(resolve));
  });

  async function setUp(): Promise<{ store: EventStoreDatabase; emitter: EventSystem; url: string }> {
    store = await open(dialect);
    service = await startService();
    // Only emits and reads (never started): the parent plays the request side and the admin.
    emitter = createEventSystem({ db: store.db, registry: { events: [], handlers: {} }, onError: () => undefined });
    return { store, emitter, url: service.url };
  }

  async function spawnWorker(url: string, env: Record<string, string> = {}): Promise<Worker> {
    const worker = await startWorker(store!, { AWAIT_SERVICE_URL: url, EVENTS_LEASE_MS: "1000", ...env }, SCRIPT);
    workers.push(worker);
    return worker;
  }

  async function ask(text: string): Promise<{ runId: string; correlationId: string }> {
    const { id, correlationId } = await emitter!.transaction(store!.db, { tenantId: TENANT }, (_tx, emit) =>
      emit({ name: "AskStart", payload: { text } }),
    );
    return { runId: `Ask:${id}`, correlationId };
  }

  /** The run once it is no longer running (or once it has `status`). */
  async function finished(runId: string, status?: RunHistory["status"]): Promise<RunHistory> {
    let run: RunHistory | null = null;
    await eventually(async () => {
      run = await emitter!.admin.getRun(TENANT, runId);
      return run !== null && (status === undefined ? run.status !== "running" : run.status === status);
    }, 30_000);
    return run!;
  }

  it("shows the step as waiting, retries the service with its @retry and resumes once with the answer", async () => {
    const { url } = await setUp();
    service!.plans.set("flaky", { failures: 3, status: 503, allowed: true });
    await spawnWorker(url, { AWAIT_DELAY_MS: "250" });
    const { runId, correlationId } = await ask("flaky");
    await eventually(async () => (await emitter!.admin.getRun(TENANT, runId))?.steps[0]?.status === "waiting");
    const run = await finished(runId);
    expect(run.status).toBe("completed");
    expect(run.steps.map((step) => [step.name, step.status])).toEqual([
      ["ask", "done"],
      ["after", "done"],
    ]);
    expect(run.steps[0]!.output).toEqual({ allowed: true });
    expect(service!.received.filter((r) => r.text === "flaky")).toHaveLength(4);
    // The correlation id flows from the trigger through the call (header) to the resumed step.
    for (const request of service!.received) expect(request.headers["x-correlation-id"]).toBe(correlationId);
    const call = run.events.find((event) => event.name === "hamlet.service.Check")!;
    expect(call.attempts).toBe(4);
    expect(call.status).toBe("done");
    expect(await logCount(store!, `${runId}/ask`)).toBe(1);
    expect(await logCount(store!, `${runId}/after`)).toBe(1);
    // One step event to start, one resume: the step ran twice, the service answered once.
    expect(run.events.filter((event) => event.name === "hamlet.workflow")).toHaveLength(3);
  });

  it("keeps waiting across a SIGKILL in the middle of a call's attempt and one between its retries", async () => {
    const { url } = await setUp();
    // Requests 1, 3, 4 and 5 fail with 503, request 2 never gets an answer, request 6 is answered.
    service!.plans.set("through crashes", { failures: 4, status: 503, allowed: false, hangOn: 2 });
    const first = await spawnWorker(url, { AWAIT_DELAY_MS: "300" });
    const { runId } = await ask("through crashes");
    // Killed while its second attempt is in flight (the server holds the request): the step waits.
    await eventually(() => service!.received.length >= 2);
    expect((await emitter!.admin.getRun(TENANT, runId))?.steps[0]?.status).toBe("waiting");
    await killWorker(first);
    // The next process takes the call over once the dead one's lease expired; killed between retries.
    const second = await spawnWorker(url, { AWAIT_DELAY_MS: "300" });
    await eventually(() => service!.received.length >= 4);
    await killWorker(second);
    expect((await emitter!.admin.getRun(TENANT, runId))?.steps[0]?.status).toBe("waiting");
    await spawnWorker(url, { AWAIT_DELAY_MS: "300" });
    const run = await finished(runId);
    expect(run.status).toBe("completed");
    expect(run.steps[0]!.output).toEqual({ allowed: false });
    expect(service!.received).toHaveLength(6);
    const call = run.events.find((event) => event.name === "hamlet.service.Check")!;
    expect(call.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/^lease of .* expired$/));
    // Resumed once: the first step event and one resume, then the next step.
    expect(run.events.filter((event) => event.name === "hamlet.workflow")).toHaveLength(3);
    expect(await logCount(store!, `${runId}/ask`)).toBe(1);
    expect(await logCount(store!, `${runId}/after`)).toBe(1);
  });

  it("hands a refusal and an exhausted call to the step; an admin retry of the dead letter resumes the run", async () => {
    const { url } = await setUp();
    service!.plans.set("refused", { failures: 1, status: 400, allowed: true });
    service!.plans.set("down", { failures: 1_000, status: 503, allowed: true });
    await spawnWorker(url, { AWAIT_ATTEMPTS: "3", AWAIT_DELAY_MS: "50" });
    const refused = await ask("refused");
    const down = await ask("down");
    const refusedRun = await finished(refused.runId);
    expect(refusedRun.status).toBe("failed");
    expect(refusedRun.error).toMatch(/^step ask: PermanentEventError: refused after 1: .*HTTP 400/);
    const downRun = await finished(down.runId);
    expect(downRun.status).toBe("failed");
    expect(downRun.error).toMatch(/^step ask: PermanentEventError: exhausted after 3: .*HTTP 503/);
    expect(service!.received.filter((r) => r.text === "down")).toHaveLength(3);

    // The service is back; the admin retries the dead-lettered call: the run resumes from the step.
    service!.plans.get("down")!.failures = 0;
    const dead = await emitter!.admin.listDeadLetters(TENANT, { name: "hamlet.service.Check" });
    const call = dead.find((event) => event.correlationId === down.correlationId)!;
    expect(await emitter!.admin.retryDeadLetter(TENANT, call.id)).toBe(true);
    const resumed = await finished(down.runId, "completed");
    expect(resumed.error).toBeNull();
    expect(resumed.steps.map((step) => step.status)).toEqual(["done", "done"]);
    expect(await logCount(store!, `${down.runId}/after`)).toBe(1);
  });

  it("waits for several calls of one step, one after another or together, in call order", async () => {
    const { url } = await setUp();
    service!.plans.set("first", { failures: 1, status: 503, allowed: true });
    service!.plans.set("left", { failures: 2, status: 503, allowed: false });
    const accept = (value: unknown) => ({ ok: true as const, value });
    const runs: string[] = [];
    const system = createEventSystem({
      db: store!.db,
      pollMs: 50,
      onError: () => undefined,
      registry: {
        events: [{ name: "Pair", validate: accept }],
        handlers: {},
        services: [
          {
            name: "Check",
            method: "POST",
            url,
            validateRequest: accept,
            retry: { attempts: 5, backoff: { kind: "fixed", delayMs: 50 } },
          },
        ],
        workflows: [
          {
            name: "Pairs",
            trigger: "Pair",
            steps: [
              {
                name: "both",
                async run({ awaitService }) {
                  runs.push("run");
                  const first = await awaitService<{ allowed: boolean }>("Check", { text: "first" });
                  const second = await awaitService<{ allowed: boolean }>("Check", { text: "second" });
                  const [left, right] = await Promise.all([
                    awaitService<{ allowed: boolean }>("Check", { text: "left" }),
                    awaitService<{ allowed: boolean }>("Check", { text: "right" }),
                  ]);
                  return [first, second, left, right].map((outcome) => outcome.ok && outcome.answer.allowed);
                },
              },
            ],
          },
        ],
      },
    });
    await system.start();
    try {
      const { id } = await system.transaction(store!.db, { tenantId: TENANT }, (_tx, emit) =>
        emit({ name: "Pair", payload: {} }),
      );
      let run: RunHistory | null = null;
      await eventually(async () => {
        run = await system.admin.getRun(TENANT, `Pairs:${id}`);
        return run?.status === "completed";
      });
      expect(run!.steps[0]!.output).toEqual([true, true, false, true]);
      // Started, then resumed after "first", after "second", and after each of "left" and "right"
      // ("right" answers at once, "left" after two 503s; if both ended before the step ran again,
      // the second resume finds the step done and does not run it).
      expect(runs.length).toBeGreaterThanOrEqual(4);
      expect(runs.length).toBeLessThanOrEqual(5);
      expect(service!.received.map((r) => r.text).filter((text) => text !== "left" && text !== "first")).toEqual([
        "second",
        "right",
      ]);
    } finally {
      await system.stop();
    }
  });

  it("fails the run at once when a resumed step calls a different service at a recorded call's position", async () => {
    const { url } = await setUp();
    const accept = (value: unknown) => ({ ok: true as const, value });
    const check = {
      method: "POST",
      url,
      validateRequest: accept,
      retry: { attempts: 3, backoff: { kind: "fixed", delayMs: 50 } },
    } as const;
    let runs = 0;
    const system = createEventSystem({
      db: store!.db,
      pollMs: 50,
      onError: () => undefined,
      registry: {
        events: [{ name: "Swap", validate: accept }],
        handlers: {},
        services: [
          { name: "Check", ...check },
          { name: "Audit", ...check },
        ],
        workflows: [
          {
            name: "Swaps",
            trigger: "Swap",
            steps: [
              {
                name: "swap",
                // The step's code changed between its first run and its resume (a deploy in between).
                async run({ awaitService }) {
                  runs += 1;
                  return awaitService(runs === 1 ? "Check" : "Audit", { text: `swap ${runs}` });
                },
              },
            ],
          },
        ],
      },
    });
    await system.start();
    try {
      const { id } = await system.transaction(store!.db, { tenantId: TENANT }, (_tx, emit) =>
        emit({ name: "Swap", payload: {} }),
      );
      let run: RunHistory | null = null;
      await eventually(async () => {
        run = await system.admin.getRun(TENANT, `Swaps:${id}`);
        return run?.status === "failed";
      });
      expect(run!.error).toBe(
        "step swap: PermanentEventError: call 1 of the step went to service Check before and to Audit now; a step must make the same calls in the same order",
      );
      expect(run!.steps[0]!.status).toBe("failed");
      // Not retried: the resume failed on its first attempt, and only the first call was ever sent.
      expect(runs).toBe(2);
      const resume = run!.events.filter((event) => event.name === "hamlet.workflow").at(-1)!;
      expect([resume.status, resume.attempts]).toEqual(["dead", 1]);
      expect(service!.received.map((r) => r.text)).toEqual(["swap 1"]);
      expect(run!.events.filter((event) => event.name.startsWith("hamlet.service."))).toHaveLength(1);
    } finally {
      await system.stop();
    }
  });

  it("fails the run at once when a recorded outcome was edited into something that is not one", async () => {
    const { url } = await setUp();
    const accept = (value: unknown) => ({ ok: true as const, value });
    // The second call of each step fails once, so the test edits the first call's outcome meanwhile.
    for (const text of ["garbled-2", "reshaped-2"])
      service!.plans.set(text, { failures: 1, status: 503, allowed: true });
    const system = createEventSystem({
      db: store!.db,
      pollMs: 50,
      onError: () => undefined,
      registry: {
        events: [{ name: "Twice", validate: accept }],
        handlers: {},
        services: [
          {
            name: "Check",
            method: "POST",
            url,
            validateRequest: accept,
            retry: { attempts: 3, backoff: { kind: "fixed", delayMs: 1500 } },
          },
        ],
        workflows: [
          {
            name: "Twices",
            trigger: "Twice",
            steps: [
              {
                name: "twice",
                async run({ trigger, awaitService }) {
                  const { text } = trigger as { text: string };
                  await awaitService("Check", { text: `${text}-1` });
                  return awaitService("Check", { text: `${text}-2` });
                },
              },
            ],
          },
        ],
      },
    });
    await system.start();
    try {
      const edits = { garbled: "{ not json", reshaped: JSON.stringify({ answer: { allowed: true } }) };
      for (const [text, outcome] of Object.entries(edits)) {
        const { id } = await system.transaction(store!.db, { tenantId: TENANT }, (_tx, emit) =>
          emit({ name: "Twice", payload: { text } }),
        );
        const runId = `Twices:${id}`;
        await eventually(() => service!.received.some((r) => r.text === `${text}-2`));
        const edited = await store!.admin.withTenant(TENANT, (tx) =>
          tx.execute(
            "UPDATE hamlet_workflow_waits SET outcome = $1 WHERE tenant_id = $2 AND run_id = $3 AND seq = 0 AND status = 'answered'",
            [outcome, TENANT, runId],
          ),
        );
        expect(edited.rowCount).toBe(1);
        let run: RunHistory | null = null;
        await eventually(async () => {
          run = await system.admin.getRun(TENANT, runId);
          return run?.status === "failed";
        });
        expect(run!.error).toBe(
          text === "garbled"
            ? "step twice: PermanentEventError: the recorded outcome of call 1 of the step (Check) is not JSON"
            : "step twice: PermanentEventError: the recorded outcome of call 1 of the step (Check) is not a service outcome ({ ok: true, answer } or { ok: false, reason, error, ... })",
        );
        const resume = run!.events.filter((event) => event.name === "hamlet.workflow").at(-1)!;
        expect([resume.status, resume.attempts]).toEqual(["dead", 1]);
        expect(service!.received.filter((r) => r.text.startsWith(text)).map((r) => r.text)).toEqual([
          `${text}-1`,
          `${text}-2`,
          `${text}-2`,
        ]);
      }
    } finally {
      await system.stop();
    }
  });

  it.skipIf(dialect !== "postgres")("resumes each run exactly once with two server processes", async () => {
    const { url } = await setUp();
    const texts = Array.from({ length: 8 }, (_, index) => `two-${index}`);
    for (const text of texts) service!.plans.set(text, { failures: 2, status: 503, allowed: true });
    await spawnWorker(url, { AWAIT_DELAY_MS: "100" });
    await spawnWorker(url, { AWAIT_DELAY_MS: "100" });
    const runs = await Promise.all(texts.map((text) => ask(text)));
    for (const { runId } of runs) {
      const run = await finished(runId);
      expect(run.status).toBe("completed");
      expect(run.events.filter((event) => event.name === "hamlet.workflow")).toHaveLength(3);
      expect(await logCount(store!, `${runId}/ask`)).toBe(1);
      expect(await logCount(store!, `${runId}/after`)).toBe(1);
    }
    for (const text of texts) expect(service!.received.filter((r) => r.text === text)).toHaveLength(3);
  });
});
