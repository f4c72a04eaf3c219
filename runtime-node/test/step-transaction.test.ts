/**
 * A workflow step or event handler that waits on slow work (a worker-pool call, an HTTP call)
 * before its first statement holds no transaction meanwhile: on SQLite, whose one connection a
 * transaction holds whole, other writes of the process go on. Its own writes still commit with its
 * completion, or not at all. Real SQLite and PostgreSQL; the slow work is a promise the test resolves.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { createEventSystem } from "../src/events/durable.js";
import type { EventRegistry, EventSystem } from "../src/events/types.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";

const open = useEventStoreDatabases();
const any = <T>(value: unknown) => ({ ok: true as const, value: value as T });
const once = { attempts: 1, backoff: { kind: "fixed", delayMs: 10 } } as const;
const twice = { attempts: 2, backoff: { kind: "fixed", delayMs: 10 } } as const;

/** A stand-in for slow work: `started` resolves when the code reaches it, `release()` lets it go on. */
function gate(): { wait(): Promise<void>; started: Promise<void>; release(): void } {
  let start!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    started,
    release,
    async wait() {
      start();
      await released;
    },
  };
}

async function writeEffect(tx: Database | null, tenant: string, key: string, value: string): Promise<void> {
  await tx!.execute("INSERT INTO effects (tenant_id, key, value) VALUES ($1, $2, $3)", [tenant, key, value]);
}

async function effects(store: EventStoreDatabase): Promise<Record<string, string>> {
  const rows = await store.admin.withTenant("t1", (tx) =>
    tx.query<{ key: string; value: string }>("SELECT key, value FROM effects WHERE tenant_id = 't1' ORDER BY key"),
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/**
 * Writes on the app's handle while `slow` waits and returns what finished first: the write, or the
 * slow work (released after a generous fallback so that a write stuck behind it fails the test
 * instead of hanging it).
 */
async function writeWhileWaiting(store: EventStoreDatabase, slow: ReturnType<typeof gate>): Promise<string[]> {
  const order: string[] = [];
  await slow.started;
  const fallback = setTimeout(() => {
    order.push("released");
    slow.release();
  }, 5000);
  await store.db.withTenant("t1", (tx) => writeEffect(tx, "t1", "meanwhile", "written"));
  const [read] = await store.db.withTenant("t1", (tx) =>
    tx.query<{ value: string }>("SELECT value FROM effects WHERE tenant_id = 't1' AND key = 'meanwhile'"),
  );
  order.push(`wrote ${read?.value}`);
  clearTimeout(fallback);
  if (!order.includes("released")) {
    order.push("released");
    slow.release();
  }
  return order;
}

describe.each(testDialects)("slow work in a delivery on %s", (dialect) => {
  const systems: EventSystem[] = [];
  const stores: EventStoreDatabase[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop({ timeoutMs: 2000 });
    for (const store of stores.splice(0)) await store.close();
  });

  async function setup(registry: EventRegistry): Promise<{ store: EventStoreDatabase; system: EventSystem }> {
    const store = await open(dialect);
    stores.push(store);
    const system = createEventSystem({
      db: store.db,
      registry,
      listenUrl: dialect === "postgres" ? store.url : undefined,
      leaseMs: 1000,
      heartbeatMs: 200,
      pollMs: 100,
      onError: () => undefined,
    });
    systems.push(system);
    await system.start();
    return { store, system };
  }

  it("lets other writes through while a step waits, then commits the step's writes with its completion", async () => {
    const slow = gate();
    const { store, system } = await setup({
      events: [{ name: "Go", validate: any }],
      handlers: {},
      workflows: [
        {
          name: "Slow",
          trigger: "Go",
          retry: once,
          steps: [
            {
              name: "resize",
              run: async ({ context }) => {
                await slow.wait();
                await writeEffect(context.tx, context.tenantId, "resized", "yes");
                return { width: 100 };
              },
            },
          ],
        },
      ],
    });
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Go", payload: {} }),
    );
    expect(await writeWhileWaiting(store, slow)).toEqual(["wrote written", "released"]);
    await eventually(async () => (await system.admin.getRun("t1", `Slow:${id}`))?.status === "completed");
    const run = (await system.admin.getRun("t1", `Slow:${id}`))!;
    expect(run.steps.map((step) => [step.name, step.status, step.output])).toEqual([
      ["resize", "done", { width: 100 }],
    ]);
    expect(await effects(store)).toEqual({ meanwhile: "written", resized: "yes" });
  });

  it("lets other writes through while an event handler waits before its first statement", async () => {
    const slow = gate();
    const { store, system } = await setup({
      events: [{ name: "Go", validate: any }],
      handlers: {
        Go: async (_payload: unknown, context) => {
          await slow.wait();
          await writeEffect(context.tx, context.tenantId, "handled", "yes");
        },
      },
    });
    await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
    expect(await writeWhileWaiting(store, slow)).toEqual(["wrote written", "released"]);
    await eventually(async () => (await effects(store))["handled"] === "yes");
    await system.drain();
  });

  it("leaves nothing of a step that throws after a write, on each attempt", async () => {
    let attempts = 0;
    const { store, system } = await setup({
      events: [{ name: "Go", validate: any }],
      handlers: {},
      workflows: [
        {
          name: "Partial",
          trigger: "Go",
          retry: twice,
          steps: [
            {
              name: "write-then-fail",
              run: async ({ context }) => {
                attempts += 1;
                await writeEffect(context.tx, context.tenantId, `attempt-${context.attempt}`, "written");
                await context.emit({ name: "Go", payload: {}, idempotencyKey: `emitted-${context.attempt}` });
                throw new Error(`failed after writing (attempt ${context.attempt})`);
              },
            },
          ],
        },
      ],
    });
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Go", payload: {} }),
    );
    await eventually(async () => (await system.admin.getRun("t1", `Partial:${id}`))?.status === "failed");
    const run = (await system.admin.getRun("t1", `Partial:${id}`))!;
    expect(attempts).toBe(2);
    expect(run.steps.map((step) => [step.status, step.attempts, step.output ?? null])).toEqual([["failed", 2, null]]);
    expect(await effects(store)).toEqual({});
    const emitted = await store.admin.withTenant("t1", (tx) =>
      tx.query("SELECT id FROM hamlet_events WHERE tenant_id = 't1' AND idempotency_key LIKE 'emitted-%'"),
    );
    expect(emitted).toEqual([]);
  });

  it("writes nothing when the run ended while the step waited, and completes the step's event at once", async () => {
    const slow = gate();
    let runs = 0;
    const { store, system } = await setup({
      events: [{ name: "Go", validate: any }],
      handlers: {},
      workflows: [
        {
          name: "Raced",
          trigger: "Go",
          retry: once,
          steps: [
            {
              name: "slow",
              run: async ({ context }) => {
                runs += 1;
                await slow.wait();
                await writeEffect(context.tx, context.tenantId, "late", "yes");
                return 1;
              },
            },
          ],
        },
      ],
    });
    const { id } = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Go", payload: {} }),
    );
    await slow.started;
    // Another process ended the run meanwhile (here: by hand).
    await store.admin.withTenant("t1", (tx) =>
      tx.execute("UPDATE hamlet_workflow_runs SET status = 'failed', error = 'ended elsewhere' WHERE id = $1", [
        `Raced:${id}`,
      ]),
    );
    slow.release();
    await eventually(async () => {
      const rows = await store.admin.withTenant("t1", (tx) =>
        tx.query<{ status: string }>(
          "SELECT status FROM hamlet_events WHERE tenant_id = 't1' AND name = 'hamlet.workflow'",
        ),
      );
      return rows.length === 1 && rows[0]!.status === "done";
    });
    const run = (await system.admin.getRun("t1", `Raced:${id}`))!;
    expect([run.status, run.error, run.steps[0]!.status]).toEqual(["failed", "ended elsewhere", "pending"]);
    expect(runs).toBe(1);
    expect(await system.admin.listDeadLetters("t1")).toEqual([]);
    expect(await effects(store)).toEqual({});
  });

  it("publishes a step's progress at once, while the step still waits, and its end after commit", async () => {
    const slow = gate();
    const { store, system } = await setup({
      events: [{ name: "Go", validate: any }],
      handlers: {},
      workflows: [
        {
          name: "Progressing",
          trigger: "Go",
          retry: once,
          steps: [
            {
              name: "work",
              run: async ({ context, progress }) => {
                progress({ percent: 50 });
                await slow.wait();
                await writeEffect(context.tx, context.tenantId, "worked", "yes");
                return null;
              },
            },
          ],
        },
      ],
    });
    const updates: (readonly [string | null, string | null, unknown])[] = [];
    system.onRunUpdate((update) => updates.push([update.step, update.stepStatus, update.progress ?? null]));
    await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
    await slow.started;
    // Heard while the step has not finished (nor written anything).
    expect(updates).toContainEqual(["work", "running", { percent: 50 }]);
    slow.release();
    await eventually(() => updates.some(([, status]) => status === "done"));
    expect(updates.filter(([step]) => step === "work")).toEqual([
      ["work", "running", { percent: 50 }],
      ["work", "done", null],
    ]);
  });

  it.runIf(dialect === "sqlite")(
    "refuses the root SQLite handle inside a delivery once its transaction is open, instead of waiting for itself",
    async () => {
      const seen: string[] = [];
      const { store, system } = await setup({
        events: [{ name: "Go", validate: any }],
        handlers: {
          Go: async (_payload: unknown, context) => {
            // Before the first statement the root handle is free to use.
            await store.db.query("SELECT 1 AS one");
            await writeEffect(context.tx, context.tenantId, "handled", "yes");
            await store.db.query("SELECT 1 AS one").then(
              () => seen.push("root query ran"),
              (error: Error) => seen.push(error.message),
            );
          },
        },
      });
      await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
      await eventually(async () => (await effects(store))["handled"] === "yes");
      expect(seen).toEqual([
        "Hamlet: inside transaction()/withTenant() use the handle passed to the callback, not the root SQLite handle",
      ]);
    },
  );
});
