/**
 * One conformance suite for the durable event system on SQLite and PostgreSQL (as an ordinary
 * role, so RLS applies): outbox emit, delivery with exactly-once effects, retries, dead letters,
 * validation, delays across restarts, idempotency keys, schedules, workflows, services, tenants.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { createEventSystem } from "../src/events/durable.js";
import { SupersededError } from "../src/index.js";
import type { DurableEventOptions, EventRegistry, EventSystem, RunUpdate } from "../src/events/types.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, validateWork, type EventStoreDatabase } from "./support/event-store.js";

const open = useEventStoreDatabases();
const fast = { attempts: 3, backoff: { kind: "fixed", delayMs: 20 } } as const;

async function effects(store: EventStoreDatabase, tenant = "t1"): Promise<Record<string, string>> {
  const rows = await store.admin.withTenant(tenant, (tx) =>
    tx.query<{ key: string; value: string }>("SELECT key, value FROM effects WHERE tenant_id = $1 ORDER BY key", [
      tenant,
    ]),
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

async function writeEffect(tx: Database | null, tenant: string, key: string, value: string): Promise<void> {
  await tx!.execute("INSERT INTO effects (tenant_id, key, value) VALUES ($1, $2, $3)", [tenant, key, value]);
}

async function statusOf(store: EventStoreDatabase, tenant: string, id: string): Promise<string | undefined> {
  const rows = await store.admin.withTenant(tenant, (tx) =>
    tx.query<{ status: string }>("SELECT status FROM hamlet_events WHERE tenant_id = $1 AND id = $2", [tenant, id]),
  );
  return rows[0]?.status;
}

describe.each(testDialects)("durable events on %s", (dialect) => {
  const systems: EventSystem[] = [];
  const stores: EventStoreDatabase[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop({ timeoutMs: 2000 });
    for (const store of stores.splice(0)) await store.close();
  });

  async function setup(registry: EventRegistry, extra: Partial<DurableEventOptions> = {}) {
    const store = await open(dialect);
    stores.push(store);
    const system = start(store, store.db, registry, extra);
    return { store, system };
  }

  function start(
    store: EventStoreDatabase,
    db: Database,
    registry: EventRegistry,
    extra: Partial<DurableEventOptions> = {},
  ): EventSystem {
    const system = createEventSystem({
      db,
      registry,
      listenUrl: store.dialect === "postgres" ? store.url : undefined,
      leaseMs: 2000,
      pollMs: 200,
      onError: () => undefined,
      ...extra,
    });
    systems.push(system);
    return system;
  }

  it("stores an emitted event with its transaction and handles it, writes and completion together", async () => {
    const seen: { attempt: number; sessionId: string | null; correlationId: string }[] = [];
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork, retry: fast }],
      handlers: {
        Work: async (payload: { key: string; amount: number }, context) => {
          seen.push({ attempt: context.attempt, sessionId: context.sessionId, correlationId: context.correlationId });
          await writeEffect(context.tx, context.tenantId, payload.key, String(payload.amount));
        },
      },
    });
    await system.start();
    const emitted = await system.transaction(
      store.db,
      { tenantId: "t1", sessionId: "s-1", correlationId: "corr-1" },
      async (tx, emit) => {
        await writeEffect(tx, "t1", "request", "written");
        return emit({ name: "Work", payload: { key: "a", amount: 1 } });
      },
    );
    expect(emitted).toMatchObject({ correlationId: "corr-1", created: true });
    await eventually(async () => (await statusOf(store, "t1", emitted.id)) === "done");
    expect(await effects(store)).toEqual({ a: "1", request: "written" });
    expect(seen).toEqual([{ attempt: 1, sessionId: "s-1", correlationId: "corr-1" }]);
  });

  it("stores nothing when the emitting transaction rolls back", async () => {
    let handled = 0;
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork }],
      handlers: { Work: async () => void handled++ },
    });
    await system.start();
    await expect(
      system.transaction(store.db, { tenantId: "t1" }, async (_tx, emit) => {
        await emit({ name: "Work", payload: { key: "a", amount: 1 } });
        throw new Error("declared error");
      }),
    ).rejects.toThrow("declared error");
    await expect(
      store.db.withTenant("t1", async (tx) => {
        await system.emit(tx, { tenantId: "t1" }, { name: "Work", payload: { key: "b", amount: 1 } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await store.admin.withTenant("t1", (tx) => tx.query("SELECT id FROM hamlet_events"));
    expect(rows).toEqual([]);
    expect(handled).toBe(0);
  });

  it("retries a failing handler with backoff, rolling back each failed attempt's writes", async () => {
    let calls = 0;
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork, retry: fast }],
      handlers: {
        Work: async (payload: { key: string }, context) => {
          calls += 1;
          await writeEffect(context.tx, context.tenantId, `${payload.key}-${calls}`, "attempt");
          if (calls < 3) throw new Error(`flaky ${calls}`);
        },
      },
    });
    await system.start();
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "k", amount: 1 } }),
    );
    await eventually(async () => (await statusOf(store, "t1", id)) === "done");
    expect(await effects(store)).toEqual({ "k-3": "attempt" });
    const event = await system.admin.getEvent("t1", id);
    expect(event).toMatchObject({ status: "done", attempts: 3 });
    expect(event!.errors.map((error) => [error.attempt, error.message])).toEqual([
      [1, "flaky 1"],
      [2, "flaky 2"],
    ]);
  });

  it("rolls back a handler's writes when its claim was lost meanwhile, and delivers again after the lease", async () => {
    const { store, system } = await setup(
      {
        events: [{ name: "Work", validate: validateWork, retry: fast }],
        handlers: {
          Work: async (payload: { key: string }, context) => {
            await writeEffect(context.tx, context.tenantId, `${payload.key}-${context.attempt}`, "written");
            if (context.attempt === 1) {
              // As if the lease had expired and another process had claimed the event.
              await context.tx!.execute("UPDATE hamlet_events SET locked_by = 'another-process' WHERE id = $1", [
                context.eventId,
              ]);
            }
          },
        },
      },
      { leaseMs: 500 },
    );
    await system.start();
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "k", amount: 1 } }),
    );
    await eventually(async () => (await statusOf(store, "t1", id)) === "done");
    expect(await effects(store)).toEqual({ "k-2": "written" });
    const event = (await system.admin.getEvent("t1", id))!;
    expect(event).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/^lease of .+ expired$/) });
    expect(event.errors.map((error) => [error.attempt, error.message])).toEqual([[1, event.lastError]]);
  });

  it("completes many events of handlers that never use tx together, except one whose claim was lost", async () => {
    const calls = new Map<string, number>();
    const { store, system } = await setup(
      {
        events: [{ name: "Work", validate: validateWork, retry: fast }],
        handlers: {
          Work: async (payload: { key: string }, context) => {
            calls.set(payload.key, (calls.get(payload.key) ?? 0) + 1);
            if (payload.key === "stolen" && context.attempt === 1) {
              // As if the lease had expired and another process had claimed it. PostgreSQL: from another
              // connection, so this handler opens no transaction (its completion is batched); SQLite
              // (one handle per file in a process) through the handler's transaction.
              const steal = "UPDATE hamlet_events SET locked_by = 'another-process' WHERE id = $1";
              if (store.dialect === "postgres") await store.admin.execute(steal, [context.eventId]);
              else await context.tx!.execute(steal, [context.eventId]);
            }
          },
        },
      },
      { leaseMs: 500, concurrency: 16 },
    );
    const keys = [...Array.from({ length: 40 }, (_, i) => `k${i}`), "stolen"];
    const ids = await system.transaction(store.db, { tenantId: "t1" }, async (_tx, emit) => {
      const emitted: string[] = [];
      for (const key of keys) emitted.push((await emit({ name: "Work", payload: { key, amount: 1 } })).id);
      return emitted;
    });
    await system.start();
    for (const id of ids) await eventually(async () => (await statusOf(store, "t1", id)) === "done");
    expect(keys.filter((key) => calls.get(key) !== 1)).toEqual(["stolen"]);
    expect(calls.get("stolen")).toBe(2);
    const stolen = (await system.admin.getEvent("t1", ids[ids.length - 1]!))!;
    expect(stolen).toMatchObject({
      attempts: 2,
      lastError: expect.stringMatching(/^lease of .+ expired$/),
    });
  });

  it("completes an event whose handler throws SupersededError: writes and emits rolled back, no retry", async () => {
    const log: string[] = [];
    const { store, system } = await setup({
      events: [
        { name: "Work", validate: validateWork, retry: fast },
        { name: "Follow", validate: validateWork },
      ],
      handlers: {
        Work: async (payload: { key: string; amount: number }, context) => {
          log.push(`work:${payload.key}:${context.attempt}`);
          await writeEffect(context.tx, context.tenantId, payload.key, "x");
          await context.emit({ name: "Follow", payload });
          if (payload.key === "settled") throw new SupersededError("another process did it");
        },
        Follow: async (payload: { key: string; amount: number }) => void log.push(`follow:${payload.key}`),
      },
    });
    await system.start();
    const settled = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "settled", amount: 1 } }),
    );
    await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "done", amount: 1 } }),
    );
    await eventually(() => log.includes("follow:done"));
    await eventually(async () => (await statusOf(store, "t1", settled.id)) === "done");
    // Longer than several retry delays (20 ms): a retry would have shown by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(log.filter((entry) => entry.includes("settled"))).toEqual(["work:settled:1"]);
    expect(await effects(store)).toEqual({ done: "x" });
    expect(await system.admin.listDeadLetters("t1")).toEqual([]);
    const follows = await store.admin.withTenant("t1", (tx) =>
      tx.query("SELECT id FROM hamlet_events WHERE name = 'Follow'"),
    );
    expect(follows).toHaveLength(1);
    const stored = await system.admin.getEvent("t1", settled.id);
    expect([stored?.attempts, stored?.errors]).toEqual([1, []]);
  });

  it("dead-letters after the last attempt with the error history; dead letters can be retried and discarded", async () => {
    let failing = true;
    let handled = 0;
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork, retry: fast }],
      handlers: {
        Work: async () => {
          if (failing) throw new Error("down");
          handled += 1;
        },
      },
    });
    await system.start();
    const ids: string[] = [];
    for (const key of ["x", "y"]) {
      const emitted = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
        emit({ name: "Work", payload: { key, amount: 1 } }),
      );
      ids.push(emitted.id);
    }
    await eventually(async () => (await system.admin.listDeadLetters("t1")).length === 2);
    const [dead] = await system.admin.listDeadLetters("t1", { name: "Work", limit: 1 });
    expect(dead).toMatchObject({ status: "dead", attempts: 3, lastError: "down" });
    expect(dead!.errors.map((error) => error.attempt)).toEqual([1, 2, 3]);
    failing = false;
    expect(await system.admin.retryDeadLetter("t1", ids[0]!)).toBe(true);
    expect(await system.admin.retryDeadLetter("t1", ids[0]!)).toBe(false);
    await eventually(async () => (await statusOf(store, "t1", ids[0]!)) === "done");
    expect(handled).toBe(1);
    expect(await system.admin.discardDeadLetter("t1", ids[1]!)).toBe(true);
    expect(await system.admin.discardDeadLetter("t1", ids[1]!)).toBe(false);
    expect(await system.admin.listDeadLetters("t1")).toEqual([]);
  });

  it("dead-letters a payload that fails its validator at once, with the path-precise error", async () => {
    let handled = 0;
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork, retry: fast }],
      handlers: { Work: async () => void handled++ },
    });
    await system.start();
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: 7, amount: 1.5 } }),
    );
    await eventually(async () => (await statusOf(store, "t1", id)) === "dead");
    const event = await system.admin.getEvent("t1", id);
    expect(event).toMatchObject({ attempts: 1 });
    expect(event!.lastError).toBe(
      "PermanentEventError: payload of Work is invalid: $.key: expected a string; $.amount: expected an integer",
    );
    expect(handled).toBe(0);
  });

  it("delivers a delayed event no earlier than its due time, also after a restart", async () => {
    const handledAt: number[] = [];
    const registry: EventRegistry = {
      events: [{ name: "Work", validate: validateWork }],
      handlers: { Work: async () => void handledAt.push(Date.now()) },
    };
    const { store, system } = await setup(registry);
    await system.start();
    const emittedAt = Date.now();
    await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "late", amount: 1 }, delayMs: 1500 }),
    );
    await system.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handledAt).toEqual([]);
    const restarted = start(store, store.reopen(), registry);
    await restarted.start();
    await eventually(() => handledAt.length === 1);
    expect(handledAt[0]! - emittedAt).toBeGreaterThanOrEqual(1500);
  });

  it("stores an event once per idempotency key", async () => {
    const { store, system } = await setup({
      events: [{ name: "Work", validate: validateWork }],
      handlers: { Work: async () => undefined },
    });
    const first = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "a", amount: 1 }, idempotencyKey: "order-1" }),
    );
    const second = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "a", amount: 1 }, idempotencyKey: "order-1" }),
    );
    const other = await system.transaction(store.db, { tenantId: "t2" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "a", amount: 1 }, idempotencyKey: "order-1" }),
    );
    expect(second).toEqual({ id: first.id, correlationId: first.correlationId, created: false });
    expect(other.created).toBe(true);
  });

  it("fires a schedule once per period across two dispatchers, and once after downtime", async () => {
    const fired: number[] = [];
    const every = 400;
    const registry: EventRegistry = {
      events: [
        {
          name: "Tick",
          validate: (value) => ({ ok: true, value }),
          schedule: { everyMs: every, payload: (periodStart) => ({ at: periodStart }) },
        },
      ],
      handlers: { Tick: async (payload: { at: number }) => void fired.push(payload.at) },
    };
    const { store, system } = await setup(registry, { scheduleTenants: ["t1"] });
    // SQLite serves one process: the second dispatcher shares its connection; PostgreSQL gets a second pool.
    const secondDb = dialect === "sqlite" ? store.db : store.reopen();
    const second = start(store, secondDb, registry, { scheduleTenants: ["t1"] });
    await Promise.all([system.start(), second.start()]);
    await new Promise((resolve) => setTimeout(resolve, every * 5 + 100));
    await Promise.all([system.stop(), second.stop()]);
    expect(fired.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fired).size).toBe(fired.length);
    for (const at of fired) expect(at % every).toBe(0);
    // Downtime of many periods: one firing, for the latest period, not one per missed period.
    fired.length = 0;
    await store.admin.withTenant("t1", (tx) =>
      tx.execute("UPDATE hamlet_schedules SET next_due = next_due - $1", [every * 20]),
    );
    const after = start(store, store.reopen(), registry, { scheduleTenants: ["t1"] });
    const restartedAt = Date.now();
    await after.start();
    await eventually(() => fired.length >= 1);
    await after.stop();
    // Nothing from the 20 missed periods is replayed: the first firing is the period current at restart.
    const current = Math.floor(restartedAt / every) * every;
    expect(fired[0]).toBeGreaterThanOrEqual(current);
    expect(fired[0]).toBeLessThanOrEqual(current + every);
    expect(fired.every((at) => at >= current)).toBe(true);
  });

  it("runs a workflow's steps in order with earlier outputs, records retries, history and updates", async () => {
    const updates: RunUpdate[] = [];
    let moderateCalls = 0;
    const { store, system } = await setup({
      events: [{ name: "PhotoUploaded", validate: (value) => ({ ok: true, value }) }],
      handlers: {},
      workflows: [
        {
          name: "PublishPhoto",
          trigger: "PhotoUploaded",
          retry: fast,
          steps: [
            { name: "thumbnail", run: async ({ trigger }) => ({ thumb: `${(trigger as { id: string }).id}-thumb` }) },
            {
              name: "moderate",
              run: async ({ outputs, context }) => {
                moderateCalls += 1;
                if (moderateCalls === 1) throw new Error("moderation busy");
                await writeEffect(context.tx, context.tenantId, "moderated", JSON.stringify(outputs));
                return { allowed: true };
              },
            },
            {
              name: "publish",
              run: async ({ outputs, context }) => {
                await writeEffect(context.tx, context.tenantId, "published", JSON.stringify(outputs));
                return undefined;
              },
            },
          ],
        },
      ],
    });
    system.onRunUpdate((update) => updates.push(update));
    await system.start();
    const { id } = await system.transaction(
      store.db,
      { tenantId: "t1", sessionId: "s-9", correlationId: "c-9" },
      (_tx, emit) => emit({ name: "PhotoUploaded", payload: { id: "p1" } }),
    );
    const runId = `PublishPhoto:${id}`;
    await eventually(async () => (await system.admin.getRun("t1", runId))?.status === "completed");
    const run = (await system.admin.getRun("t1", runId))!;
    expect(run).toMatchObject({ workflow: "PublishPhoto", correlationId: "c-9", trigger: { id: "p1" }, error: null });
    expect(run.steps.map((step) => [step.name, step.status, step.attempts, step.errors.length])).toEqual([
      ["thumbnail", "done", 1, 0],
      ["moderate", "done", 2, 1],
      ["publish", "done", 1, 0],
    ]);
    expect(run.steps[1]!.errors[0]!.message).toBe("moderation busy");
    for (const step of run.steps) expect(step.finishedAt).toBeGreaterThanOrEqual(step.startedAt!);
    expect(run.events.map((event) => event.name)).toEqual([
      "PhotoUploaded",
      "hamlet.workflow",
      "hamlet.workflow",
      "hamlet.workflow",
    ]);
    expect(await effects(store)).toEqual({
      moderated: JSON.stringify({ thumbnail: { thumb: "p1-thumb" } }),
      published: JSON.stringify({ thumbnail: { thumb: "p1-thumb" }, moderate: { allowed: true } }),
    });
    expect(updates.map((update) => [update.step, update.stepStatus, update.status])).toEqual([
      [null, null, "running"],
      ["thumbnail", "done", "running"],
      ["moderate", "done", "running"],
      ["publish", "done", "completed"],
    ]);
    expect(updates.every((update) => update.sessionId === "s-9" && update.runId === runId)).toBe(true);
    expect(await system.admin.listRuns("t1", { status: "completed" })).toHaveLength(1);
    // Another tenant sees neither the run nor its events.
    expect(await system.admin.getRun("t2", runId)).toBeNull();
    expect(await system.admin.listRuns("t2")).toEqual([]);
  });

  it("fails a run whose step exhausts its retries", async () => {
    const { store, system } = await setup({
      events: [{ name: "Go", validate: (value) => ({ ok: true, value }) }],
      handlers: {},
      workflows: [
        {
          name: "Doomed",
          trigger: "Go",
          retry: { attempts: 2, backoff: { kind: "fixed", delayMs: 10 } },
          steps: [
            { name: "first", run: async () => 1 },
            { name: "second", run: async () => Promise.reject(new Error("nope")) },
          ],
        },
      ],
    });
    await system.start();
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Go", payload: {} }),
    );
    await eventually(async () => (await system.admin.getRun("t1", `Doomed:${id}`))?.status === "failed");
    const run = (await system.admin.getRun("t1", `Doomed:${id}`))!;
    expect(run.error).toBe("step second: nope");
    expect(run.steps.map((step) => [step.status, step.attempts])).toEqual([
      ["done", 1],
      ["failed", 2],
    ]);
    expect(await system.admin.listDeadLetters("t1")).toHaveLength(1);
  });

  it("calls a service as a durable job with retries, and dead-letters a 4xx answer", async () => {
    const received: { body: string; idempotencyKey: string | undefined; path: string | undefined }[] = [];
    let failures = 2;
    const server: Server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ body, idempotencyKey: request.headers["idempotency-key"] as string, path: request.url });
        if (request.url?.includes("bad")) return void response.writeHead(400).end("bad");
        if (failures-- > 0) return void response.writeHead(503).end();
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ allowed: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const answers: unknown[] = [];
      const { store, system } = await setup({
        events: [],
        handlers: {},
        services: [
          {
            name: "Moderation",
            method: "POST",
            url: `http://127.0.0.1:${port}/v1/{kind}/check`,
            retry: { attempts: 4, backoff: { kind: "exponential", initialMs: 10, maxMs: 40 } },
            validateRequest: (value) => ({ ok: true, value }),
            validateResponse: (value) => ({ ok: true, value }),
            async onResponse(response, context) {
              answers.push(response);
              await writeEffect(context.tx, context.tenantId, "moderation", JSON.stringify(response));
            },
          },
        ],
      });
      await system.start();
      const good = await system.transaction(store.db, { tenantId: "t1" }, (tx) =>
        system.callService(tx, { tenantId: "t1" }, "Moderation", { kind: "text", text: "hello" }),
      );
      await eventually(async () => (await statusOf(store, "t1", good.id)) === "done");
      expect(answers).toEqual([{ allowed: true }]);
      expect(received.map((r) => [r.path, r.body, r.idempotencyKey])).toEqual(
        Array.from({ length: 3 }, () => ["/v1/text/check", JSON.stringify({ text: "hello" }), good.id]),
      );
      const bad = await system.transaction(store.db, { tenantId: "t1" }, (tx) =>
        system.callService(tx, { tenantId: "t1" }, "Moderation", { kind: "bad", text: "x" }),
      );
      await eventually(async () => (await statusOf(store, "t1", bad.id)) === "dead");
      expect((await system.admin.getEvent("t1", bad.id))!.attempts).toBe(1);
    } finally {
      server.close();
    }
  });

  it("keeps tenants apart: events, dead letters and runs", async () => {
    const { store, system } = await setup({
      events: [
        { name: "Work", validate: validateWork, retry: { attempts: 1, backoff: { kind: "fixed", delayMs: 1 } } },
      ],
      handlers: {
        Work: async (payload: { key: string }, context) => {
          await writeEffect(context.tx, context.tenantId, payload.key, context.tenantId);
          if (payload.key === "fail") throw new Error(`failed in ${context.tenantId}`);
        },
      },
    });
    await system.start();
    const ids: Record<string, string> = {};
    for (const tenant of ["t1", "t2"]) {
      for (const key of ["ok", "fail"]) {
        const emitted = await system.transaction(store.db, { tenantId: tenant }, (_tx, emit) =>
          emit({ name: "Work", payload: { key, amount: 1 } }),
        );
        ids[`${tenant}/${key}`] = emitted.id;
      }
    }
    await eventually(async () => (await system.admin.listDeadLetters("t2")).length === 1);
    await eventually(async () => (await system.admin.listDeadLetters("t1")).length === 1);
    expect((await system.admin.listDeadLetters("t1"))[0]!.lastError).toBe("failed in t1");
    expect(await system.admin.getEvent("t1", ids["t2/ok"]!)).toBeNull();
    expect(await system.admin.retryDeadLetter("t1", ids["t2/fail"]!)).toBe(false);
    expect(await system.admin.discardDeadLetter("t1", ids["t2/fail"]!)).toBe(false);
    expect(await effects(store, "t1")).toEqual({ ok: "t1" });
    expect(await effects(store, "t2")).toEqual({ ok: "t2" });
    if (dialect === "postgres") {
      // RLS: the app role without a tenant sees no event rows at all.
      expect(await store.db.query("SELECT id FROM hamlet_events")).toEqual([]);
      const visible = await store.db.withTenant("t1", (tx) =>
        tx.query<{ tenant_id: string }>("SELECT tenant_id FROM hamlet_events"),
      );
      expect(new Set(visible.map((row) => row.tenant_id))).toEqual(new Set(["t1"]));
    }
  });
});
