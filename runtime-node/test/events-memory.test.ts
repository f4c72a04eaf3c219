/**
 * The in-memory event system (no event store): the same registry and handler code as the
 * durable mode, delivered from memory, with and without an app database.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { openSqliteDatabase } from "../src/db/sqlite.js";
import { createMemoryEventSystem } from "../src/events/memory.js";
import type { EventContext, EventRegistry, EventSystem } from "../src/events/types.js";
import { SupersededError } from "../src/index.js";
import { createEventStoreTables, eventually, validateWork } from "./support/event-store.js";

const fast = { attempts: 3, backoff: { kind: "fixed", delayMs: 10 } } as const;

/** Handler code shared with the durable mode: writes through `tx` when there is one. */
function registry(log: string[], failFirst = 0): EventRegistry {
  let failures = failFirst;
  return {
    events: [{ name: "Work", validate: validateWork, retry: fast }],
    handlers: {
      Work: async (payload: { key: string; amount: number }, context: EventContext) => {
        if (failures-- > 0) throw new Error("flaky");
        if (context.tx !== null) {
          await context.tx.execute("INSERT INTO effects (tenant_id, key, value) VALUES ($1, $2, $3)", [
            context.tenantId,
            payload.key,
            String(payload.amount),
          ]);
        }
        log.push(`${context.tenantId}:${payload.key}:${context.attempt}`);
      },
    },
  };
}

describe("in-memory event system", () => {
  const systems: EventSystem[] = [];
  const dbs: Database[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
    for (const db of dbs.splice(0)) await db.close();
  });
  const make = (...args: Parameters<typeof createMemoryEventSystem>): EventSystem => {
    const system = createMemoryEventSystem(...args);
    systems.push(system);
    return system;
  };

  it("delivers events emitted in a transaction only after it succeeded, handlers get a tenant transaction", async () => {
    const db = openSqliteDatabase(":memory:");
    dbs.push(db);
    await createEventStoreTables(db);
    const log: string[] = [];
    const system = make({ registry: registry(log), db, onError: () => undefined });
    await system.start();
    await system.transaction(db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "a", amount: 2 } }),
    );
    await expect(
      system.transaction(db, { tenantId: "t1" }, async (_tx, emit) => {
        await emit({ name: "Work", payload: { key: "b", amount: 1 } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await system.drain();
    expect(log).toEqual(["t1:a:1"]);
    expect(await db.query("SELECT tenant_id, key, value FROM effects")).toEqual([
      { tenant_id: "t1", key: "a", value: "2" },
    ]);
  });

  it("retries on timers, dead-letters with history, and retries a dead letter on request", async () => {
    const log: string[] = [];
    const system = make({ registry: registry(log, 4), onError: () => undefined });
    await system.start();
    await system.transaction(null, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "x", amount: 1 } }),
    );
    await eventually(async () => (await system.admin.listDeadLetters("t1")).length === 1);
    const [dead] = await system.admin.listDeadLetters("t1");
    expect(dead).toMatchObject({ status: "dead", attempts: 3, lastError: "flaky" });
    expect(await system.admin.listDeadLetters("t2")).toEqual([]);
    expect(await system.admin.retryDeadLetter("t2", dead!.id)).toBe(false);
    expect(await system.admin.retryDeadLetter("t1", dead!.id)).toBe(true);
    await eventually(() => log.length === 1);
    expect(log).toEqual(["t1:x:2"]);
  });

  it("completes an event whose handler throws SupersededError: writes rolled back, emits dropped, no retry", async () => {
    const db = openSqliteDatabase(":memory:");
    dbs.push(db);
    await createEventStoreTables(db);
    const log: string[] = [];
    const system = make({
      db,
      onError: () => undefined,
      registry: {
        events: [
          { name: "Work", validate: validateWork, retry: fast },
          { name: "Follow", validate: validateWork },
        ],
        handlers: {
          Work: async (payload: { key: string; amount: number }, context: EventContext) => {
            log.push(`work:${payload.key}:${context.attempt}`);
            await context.tx!.execute("INSERT INTO effects (tenant_id, key, value) VALUES ($1, $2, 'x')", [
              context.tenantId,
              payload.key,
            ]);
            await context.emit({ name: "Follow", payload });
            if (payload.key === "settled") throw new SupersededError("another process did it");
          },
          Follow: async (payload: { key: string; amount: number }) => void log.push(`follow:${payload.key}`),
        },
      },
    });
    await system.start();
    await system.transaction(db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "settled", amount: 1 } }),
    );
    await system.transaction(db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "done", amount: 1 } }),
    );
    await eventually(() => log.includes("follow:done"));
    // Longer than several retry delays (10 ms): a retry would have shown by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(log).toEqual(["work:settled:1", "work:done:1", "follow:done"]);
    expect(await db.withTenant("t1", (tx) => tx.query("SELECT key FROM effects"))).toEqual([{ key: "done" }]);
    expect(await system.admin.listDeadLetters("t1")).toEqual([]);
  });

  it("dead-letters an invalid payload at once and honours delays and idempotency keys", async () => {
    const log: string[] = [];
    const system = make({ registry: registry(log), onError: () => undefined });
    await system.start();
    const bad = await system.emit(null, { tenantId: "t1" }, { name: "Work", payload: { key: "x" } });
    const started = Date.now();
    await system.emit(null, { tenantId: "t1" }, { name: "Work", payload: { key: "late", amount: 1 }, delayMs: 300 });
    const first = await system.emit(
      null,
      { tenantId: "t1" },
      { name: "Work", payload: { key: "once", amount: 1 }, idempotencyKey: "k" },
    );
    const again = await system.emit(
      null,
      { tenantId: "t1" },
      { name: "Work", payload: { key: "once", amount: 1 }, idempotencyKey: "k" },
    );
    expect(again).toEqual({ ...first, created: false });
    await eventually(() => log.includes("t1:late:1"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(log.sort()).toEqual(["t1:late:1", "t1:once:1"]);
    expect((await system.admin.getEvent("t1", bad.id))!.lastError).toBe(
      "PermanentEventError: payload of Work is invalid: $.amount: expected an integer",
    );
  });

  it("calls services fire-and-forget with in-memory retries", async () => {
    let calls = 0;
    const server = createServer((_request, response) => {
      calls += 1;
      if (calls < 3) return void response.writeHead(503).end();
      response.writeHead(200, { "content-type": "application/json" }).end('{"allowed":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const answers: unknown[] = [];
      const system = make({
        registry: {
          events: [],
          handlers: {},
          services: [
            {
              name: "Moderation",
              method: "POST",
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`,
              retry: { attempts: 5, backoff: { kind: "exponential", initialMs: 5, maxMs: 20 } },
              validateRequest: (value) => ({ ok: true, value }),
              async onResponse(response) {
                answers.push(response);
              },
            },
          ],
        },
        onError: () => undefined,
      });
      await system.start();
      await system.callService(null, { tenantId: "t1" }, "Moderation", { text: "hi" });
      await eventually(() => answers.length === 1);
      expect([calls, answers]).toEqual([3, [{ allowed: true }]]);
    } finally {
      server.close();
    }
  });

  it("refuses workflows, which need the event store", () => {
    expect(() =>
      createMemoryEventSystem({
        registry: { events: [], handlers: {}, workflows: [{ name: "W", trigger: "E", steps: [] }] },
      }),
    ).toThrow("workflows need the event store (HAM0501)");
  });
});
