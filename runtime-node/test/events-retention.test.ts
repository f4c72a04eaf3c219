/**
 * Retention of the durable event store on SQLite and PostgreSQL (ordinary role, RLS on):
 * completed events and finished runs older than `keepMs` are deleted in batches across tenants;
 * dead letters, newer events and failed runs with a dead letter stay; several processes claim
 * each pruning period once; the dispatcher prunes by itself.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEventSystem } from "../src/events/durable.js";
import { claimPeriod } from "../src/events/retention.js";
import type { DurableEventOptions, EventRegistry, EventSystem } from "../src/events/types.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";

const open = useEventStoreDatabases();
const DAY = 86_400_000;
const once = { attempts: 1, backoff: { kind: "fixed", delayMs: 10 } } as const;
const anything = (value: unknown) => ({ ok: true as const, value });

const registry: EventRegistry = {
  events: [
    { name: "Work", validate: anything },
    { name: "Bad", validate: anything, retry: once },
    { name: "Go", validate: anything },
    { name: "GoWrong", validate: anything },
  ],
  handlers: {
    Work: async () => undefined,
    Bad: async () => Promise.reject(new Error("always fails")),
  },
  workflows: [
    {
      name: "Twice",
      trigger: "Go",
      steps: [
        { name: "one", run: async () => 1 },
        { name: "two", run: async () => 2 },
      ],
    },
    {
      name: "Doomed",
      trigger: "GoWrong",
      retry: once,
      steps: [
        { name: "first", run: async () => 1 },
        { name: "second", run: async () => Promise.reject(new Error("nope")) },
      ],
    },
  ],
};

async function countRows(store: EventStoreDatabase, table: string, where = "TRUE"): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const tenant of ["t1", "t2"]) {
    const [row] = await store.admin.withTenant(tenant, (tx) =>
      tx.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1 AND ${where}`, [
        tenant,
      ]),
    );
    counts[tenant] = Number(row!.n);
  }
  return counts;
}

describe.each(testDialects)("event store retention on %s", (dialect) => {
  const systems: EventSystem[] = [];
  const stores: EventStoreDatabase[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop({ timeoutMs: 2000 });
    for (const store of stores.splice(0)) await store.close();
  });

  let offset = 0;
  const clock = (): number => Date.now() + offset;

  function system(store: EventStoreDatabase, extra: Partial<DurableEventOptions>): EventSystem {
    const created = createEventSystem({
      db: store.db,
      registry,
      clock,
      listenUrl: store.dialect === "postgres" ? store.url : undefined,
      pollMs: 100,
      onError: () => undefined,
      ...extra,
    });
    systems.push(created);
    return created;
  }

  /** Old work in two tenants: 8 completed events, a completed and a failed run, 2 dead letters. */
  async function oldWork(store: EventStoreDatabase, events: EventSystem): Promise<{ twice: string; doomed: string }> {
    await events.transaction(store.db, { tenantId: "t1" }, async (_tx, emit) => {
      await emit({ name: "Work", payload: { n: 1 } });
      await emit({ name: "Work", payload: { n: 2 } });
      await emit({ name: "Bad", payload: {} });
    });
    await events.transaction(store.db, { tenantId: "t2" }, (_tx, emit) => emit({ name: "Work", payload: { n: 3 } }));
    const go = await events.transaction(store.db, { tenantId: "t1" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
    const wrong = await events.transaction(store.db, { tenantId: "t2" }, (_tx, emit) =>
      emit({ name: "GoWrong", payload: {} }),
    );
    const twice = `Twice:${go.id}`;
    const doomed = `Doomed:${wrong.id}`;
    await eventually(async () => (await events.admin.getRun("t1", twice))?.status === "completed");
    await eventually(async () => (await events.admin.getRun("t2", doomed))?.status === "failed");
    await events.drain();
    expect(await countRows(store, "hamlet_events", "status = 'done'")).toEqual({ t1: 5, t2: 3 });
    expect(await countRows(store, "hamlet_events", "status = 'dead'")).toEqual({ t1: 1, t2: 1 });
    return { twice, doomed };
  }

  it("deletes completed events and finished runs past the retention, in batches; keeps dead letters and newer work", async () => {
    offset = 0;
    const store = await open(dialect);
    stores.push(store);
    const worker = system(store, { retention: false });
    await worker.start();
    const { twice, doomed } = await oldWork(store, worker);

    offset = DAY + 60_000;
    await worker.transaction(store.db, { tenantId: "t1" }, (_tx, emit) => emit({ name: "Work", payload: { n: 4 } }));
    await worker.drain();

    // retention: false keeps everything.
    expect(await worker.prune()).toEqual({ events: 0, runs: 0 });
    // Another process's system (not started, so only the explicit call prunes), 2 rows per batch.
    const pruner = system(store, { retention: { keepMs: DAY, batchSize: 2 } });
    expect(await pruner.prune()).toEqual({ events: 8, runs: 1 });
    expect(await countRows(store, "hamlet_events", "status = 'done'")).toEqual({ t1: 1, t2: 0 });
    expect(await countRows(store, "hamlet_events", "status = 'dead'")).toEqual({ t1: 1, t2: 1 });
    expect(await worker.admin.getRun("t1", twice)).toBeNull();
    expect(await countRows(store, "hamlet_workflow_steps")).toEqual({ t1: 0, t2: 2 });
    // The failed run stays while its dead step event may still be retried.
    expect((await worker.admin.getRun("t2", doomed))?.status).toBe("failed");

    const [deadStep] = await worker.admin.listDeadLetters("t2");
    expect(await worker.admin.discardDeadLetter("t2", deadStep!.id)).toBe(true);
    expect(await pruner.prune()).toEqual({ events: 0, runs: 1 });
    expect(await worker.admin.getRun("t2", doomed)).toBeNull();
    expect(await countRows(store, "hamlet_workflow_steps")).toEqual({ t1: 0, t2: 0 });

    offset += DAY;
    expect(await pruner.prune()).toEqual({ events: 1, runs: 0 });
    expect(await countRows(store, "hamlet_events")).toEqual({ t1: 1, t2: 0 });
    expect((await worker.admin.listDeadLetters("t1")).map((event) => event.name)).toEqual(["Bad"]);
  });

  it("is claimed once per period however many processes ask", async () => {
    const store = await open(dialect);
    stores.push(store);
    const other = store.reopen();
    // better-sqlite3 is synchronous: two handles of one process cannot wait for each other, so
    // SQLite asks one after the other (it serves one process anyway); PostgreSQL asks at once.
    const both = async (at: number): Promise<boolean[]> =>
      dialect === "postgres"
        ? Promise.all([claimPeriod(store.db, at, 60_000), claimPeriod(other, at, 60_000)])
        : [await claimPeriod(store.db, at, 60_000), await claimPeriod(other, at, 60_000)];
    const now = Date.now();
    expect((await both(now)).filter(Boolean)).toHaveLength(1);
    expect(await both(now + 59_000)).toEqual([false, false]);
    expect((await both(now + 60_000)).filter(Boolean)).toHaveLength(1);
  });

  it("is run by the dispatchers themselves, once per period", async () => {
    offset = 0;
    const store = await open(dialect);
    stores.push(store);
    const worker = system(store, { retention: false });
    await worker.start();
    await oldWork(store, worker);
    await worker.stop();

    offset = 2 * DAY;
    const retention = { keepMs: DAY, everyMs: 60_000 };
    await system(store, { retention }).start();
    // A second process (PostgreSQL; SQLite serves one process).
    if (dialect === "postgres") await system(store, { retention, db: store.reopen() }).start();
    await eventually(async () => (await countRows(store, "hamlet_events", "status = 'done'")).t1 === 0, 15_000);
    expect(await countRows(store, "hamlet_events", "status = 'done'")).toEqual({ t1: 0, t2: 0 });
    expect(await countRows(store, "hamlet_events", "status = 'dead'")).toEqual({ t1: 1, t2: 1 });
    const [row] = await store.admin.transaction(async (tx) => {
      if (tx.dialect === "postgres") await tx.query("SELECT set_config('hamlet.event_dispatcher', 'on', true)");
      return tx.query<{ last_fired: number | string }>(
        "SELECT last_fired FROM hamlet_schedules WHERE tenant_id = '_hamlet' AND name = 'hamlet.prune'",
      );
    });
    expect(Number(row!.last_fired)).toBeGreaterThanOrEqual(2 * DAY);
  });
});
