/**
 * Two worker processes on one PostgreSQL database share the work: every event is handled once
 * (SKIP LOCKED claims) and every schedule period fires once, whichever process gets there first.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEventSystem } from "../src/events/durable.js";
import type { EventSystem } from "../src/events/types.js";
import { postgresAvailable } from "./support/postgres.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";
import { killWorker, startWorker, type Worker } from "./support/event-workers.js";

const open = useEventStoreDatabases();
const EVENTS = 300;
const EVERY = 300;

describe.skipIf(!postgresAvailable)("two worker processes on one PostgreSQL", () => {
  let store: EventStoreDatabase | null = null;
  let emitter: EventSystem | null = null;
  const workers: Worker[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) await killWorker(worker);
    await emitter?.stop();
    await store?.close();
  });

  it("handle every event once and fire every schedule period once", async () => {
    store = await open("postgres");
    emitter = createEventSystem({ db: store.db, registry: { events: [], handlers: {} }, onError: () => undefined });
    const env = { EVENTS_SCHEDULE_MS: String(EVERY), EVENTS_SLEEP_MS: "4", EVENTS_LEASE_MS: "5000" };
    workers.push(...(await Promise.all([startWorker(store, env), startWorker(store, env)])));
    const startedAt = Date.now();
    for (let index = 0; index < EVENTS; index++) {
      await emitter.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
        emit({ name: "Work", payload: { key: `work-${index}` } }),
      );
    }
    const done = async (): Promise<boolean> => {
      const [row] = await store!.admin.withTenant("t1", (tx) =>
        tx.query<{ n: string }>("SELECT count(*) AS n FROM hamlet_events WHERE name = 'Work' AND status = 'done'"),
      );
      return Number(row!.n) === EVENTS;
    };
    await eventually(done, 60_000);
    // Let the schedule run for a few more periods.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + EVERY * 8 - Date.now())));
    for (const worker of workers.splice(0)) await killWorker(worker, "SIGTERM");

    const rows = await store.admin.withTenant("t1", (tx) =>
      tx.query<{ key: string; worker: string }>("SELECT key, worker FROM effect_log"),
    );
    const work = rows.filter((row) => row.key.startsWith("work-"));
    expect(work).toHaveLength(EVENTS);
    expect(new Set(work.map((row) => row.key)).size).toBe(EVENTS);
    // Both processes took part.
    expect(new Set(work.map((row) => row.worker)).size).toBe(2);

    const ticks = rows
      .filter((row) => row.key.startsWith("tick:"))
      .map((row) => Number(row.key.slice(5)))
      .sort((a, b) => a - b);
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ticks).size).toBe(ticks.length);
    // One firing for every period between the first and the last: none skipped, none doubled.
    expect((ticks[ticks.length - 1]! - ticks[0]!) / EVERY + 1).toBe(ticks.length);
  });
});
