/**
 * `context.afterCommit(fn)`: on SQLite and PostgreSQL (as an ordinary role), a callback runs once
 * the delivery committed (its write is visible from another connection when it runs), never for
 * an attempt that threw (only the retry that succeeded calls it), never for a dead letter; a
 * failing callback is reported and the event stays done. In memory mode it runs after the handler
 * succeeded. On endpoints it runs after a response, not after a declared error or a throw.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEventSystem } from "../src/events/durable.js";
import { createMemoryEventSystem } from "../src/events/memory.js";
import type { EventContext, EventRegistry, EventSystem } from "../src/events/types.js";
import { fail, serveEndpoint, type EndpointContext } from "../src/http/routes.js";
import { createHamletServer } from "../src/server.js";
import { openSqliteDatabase } from "../src/db/sqlite.js";
import { testDialects } from "./support/databases.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { eventually, useEventStoreDatabases, validateWork, type EventStoreDatabase } from "./support/event-store.js";

const open = useEventStoreDatabases();
const fast = { attempts: 2, backoff: { kind: "fixed", delayMs: 20 } } as const;

async function effectVisible(store: EventStoreDatabase, key: string): Promise<boolean> {
  const rows = await store.admin.withTenant("t1", (tx) =>
    tx.query<{ key: string }>("SELECT key FROM effects WHERE tenant_id = $1 AND key = $2", ["t1", key]),
  );
  return rows.length === 1;
}

async function statusOf(store: EventStoreDatabase, id: string): Promise<string | undefined> {
  const rows = await store.admin.withTenant("t1", (tx) =>
    tx.query<{ status: string }>("SELECT status FROM hamlet_events WHERE tenant_id = $1 AND id = $2", ["t1", id]),
  );
  return rows[0]?.status;
}

async function writeEffect(context: EventContext, key: string): Promise<void> {
  await context.tx!.execute("INSERT INTO effects (tenant_id, key, value) VALUES ($1, $2, $3)", [
    context.tenantId,
    key,
    String(context.attempt),
  ]);
}

describe.each(testDialects)("afterCommit on %s", (dialect) => {
  const systems: EventSystem[] = [];
  const stores: EventStoreDatabase[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop({ timeoutMs: 2000 });
    for (const store of stores.splice(0)) await store.close();
  });

  async function run(handler: (payload: { key: string; amount: number }, context: EventContext) => Promise<void>) {
    const store = await open(dialect);
    stores.push(store);
    const errors: unknown[] = [];
    const registry: EventRegistry = {
      events: [{ name: "Work", validate: validateWork, retry: fast }],
      handlers: { Work: handler },
    };
    const system = createEventSystem({
      db: store.db,
      registry,
      listenUrl: dialect === "postgres" ? store.url : undefined,
      leaseMs: 2000,
      pollMs: 100,
      onError: (error) => errors.push(error),
    });
    systems.push(system);
    await system.start();
    const emitted = await system.transaction(store.db, { tenantId: "t1" }, (_tx, emit) =>
      emit({ name: "Work", payload: { key: "a", amount: 1 } }),
    );
    return { store, emitted, errors };
  }

  it("runs once after the commit, when the write is visible to others", async () => {
    const calls: boolean[] = [];
    let store: EventStoreDatabase | undefined;
    const started = await run(async (payload, context) => {
      await writeEffect(context, payload.key);
      context.afterCommit(async () => void calls.push(await effectVisible(store!, payload.key)));
    });
    store = started.store;
    await eventually(() => calls.length === 1);
    expect(calls).toEqual([true]);
    expect(await statusOf(store, started.emitted.id)).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toEqual([true]);
  });

  it("never runs for an attempt that rolled back; the retry that commits runs its own", async () => {
    const calls: number[] = [];
    const { store, emitted } = await run(async (payload, context) => {
      await writeEffect(context, `${payload.key}-${context.attempt}`);
      context.afterCommit(() => void calls.push(context.attempt));
      if (context.attempt === 1) throw new Error("first attempt fails after its write");
    });
    await eventually(async () => (await statusOf(store, emitted.id)) === "done");
    await eventually(() => calls.length > 0);
    expect(calls).toEqual([2]);
    expect(await effectVisible(store, "a-1")).toBe(false);
    expect(await effectVisible(store, "a-2")).toBe(true);
  });

  it("never runs for a dead letter", async () => {
    const calls: number[] = [];
    const { store, emitted } = await run(async (payload, context) => {
      await writeEffect(context, `${payload.key}-${context.attempt}`);
      context.afterCommit(() => void calls.push(context.attempt));
      throw new Error("always fails");
    });
    await eventually(async () => (await statusOf(store, emitted.id)) === "dead");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toEqual([]);
  });

  it("reports a failing callback without failing the event, and still runs the next one", async () => {
    const calls: string[] = [];
    const { store, emitted, errors } = await run(async (_payload, context) => {
      context.afterCommit(() => {
        throw new Error("callback broke");
      });
      context.afterCommit(async () => {
        throw new Error("async callback broke");
      });
      context.afterCommit(() => void calls.push("after"));
    });
    await eventually(() => errors.length === 2);
    expect(errors.map((error) => (error as Error).message).sort()).toEqual(["async callback broke", "callback broke"]);
    expect(calls).toEqual(["after"]);
    expect(await statusOf(store, emitted.id)).toBe("done");
  });
});

describe("afterCommit in memory mode", () => {
  it("runs after the handler succeeded, not after a failed attempt", async () => {
    const calls: number[] = [];
    const system = createMemoryEventSystem({
      db: null,
      registry: {
        events: [{ name: "Work", validate: validateWork, retry: fast }],
        handlers: {
          Work: async (_payload: unknown, context: EventContext) => {
            context.afterCommit(() => void calls.push(context.attempt));
            if (context.attempt === 1) throw new Error("first attempt fails");
          },
        },
      },
      onError: () => undefined,
    });
    await system.start();
    await system.emit(null, { tenantId: "t1" }, { name: "Work", payload: { key: "a", amount: 1 } });
    await eventually(() => calls.length > 0);
    await system.drain();
    expect(calls).toEqual([2]);
    await system.stop();
  });
});

describe("afterCommit on endpoints", () => {
  it("runs after a response, never after a declared error or a throw", async () => {
    const database = openSqliteDatabase(":memory:");
    await ensureRuntimeTables(database);
    const app = await createHamletServer({
      database,
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["after-commit-secret-after-commit-secret"] },
        tenants: { mode: "single" },
      },
      logger: false,
    });
    const calls: string[] = [];
    const handle = async (request: { outcome: string }, context: EndpointContext) => {
      context.afterCommit(() => void calls.push(request.outcome));
      if (request.outcome === "throw") throw new Error("handler failed");
      if (request.outcome === "fail") return fail({ tag: "Nope" });
      return { ok: true };
    };
    serveEndpoint(app, {
      name: "Try",
      method: "POST",
      path: "/try",
      auth: false,
      pathParams: {},
      query: {},
      body: true,
      decode: (value) => ({ ok: true, value: value as { outcome: string } }),
      encode: (value) => value,
      errors: { status: { Nope: 409 }, encode: (error) => error },
      handle,
    });
    await app.ready();
    try {
      for (const outcome of ["fail", "throw", "ok"]) {
        const answer = await app.inject({ method: "POST", url: "/try", payload: { outcome } });
        expect(answer.statusCode).toBe({ fail: 409, throw: 500, ok: 200 }[outcome]);
      }
      expect(calls).toEqual(["ok"]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
