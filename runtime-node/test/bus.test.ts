import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { JsonValue } from "../src/json.js";
import { openPostgresDatabase } from "../src/db/postgres.js";
import { createBus, createLocalBus, createPostgresBus, type MessageBus } from "../src/realtime/bus.js";
import { useFreshDatabases } from "./support/databases.js";
import { postgresAvailable, usePostgres } from "./support/postgres.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

/** Resolves with the next `count` payloads delivered on `channel`. */
function collect(bus: MessageBus, channel: string, count: number, timeoutMs = 20_000): Promise<JsonValue[]> {
  return new Promise((resolve, reject) => {
    const seen: JsonValue[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`bus ${bus.processId}: got ${seen.length}/${count} messages on ${channel}`));
    }, timeoutMs);
    const stop = bus.subscribe(channel, (payload) => {
      seen.push(payload);
      if (seen.length === count) {
        clearTimeout(timer);
        stop();
        resolve(seen);
      }
    });
  });
}

describe("local bus", () => {
  it("delivers to every subscriber of the channel, synchronously, and not after unsubscribe", async () => {
    const bus = createLocalBus();
    const a: JsonValue[] = [];
    const b: JsonValue[] = [];
    const stopA = bus.subscribe("chat", (p) => a.push(p));
    bus.subscribe("chat", (p) => b.push(p));
    bus.subscribe("other", () => a.push("wrong channel"));
    await bus.publish("chat", { n: 1 });
    stopA();
    await bus.publish("chat", { n: 2 });
    expect(a).toEqual([{ n: 1 }]);
    expect(b).toEqual([{ n: 1 }, { n: 2 }]);
    await bus.close();
    await bus.publish("chat", { n: 3 });
    expect(b).toHaveLength(2);
  });

  it("is what createBus picks for SQLite", async () => {
    const dbs = useFreshDatabasesOnce();
    const db = await dbs.open("sqlite");
    const bus = await createBus({ db, databaseUrl: "sqlite:x.db" });
    expect(bus.kind).toBe("local");
    await bus.close();
    await db.close();
  });
});

let freshOnce: ReturnType<typeof useFreshDatabases> | null = null;
function useFreshDatabasesOnce() {
  freshOnce ??= useFreshDatabases();
  return freshOnce;
}
useFreshDatabasesOnce();

describe.skipIf(!postgresAvailable)("PostgreSQL bus", () => {
  const pgFixture = usePostgres();
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function openBus(url: string, options: { inlineLimitBytes?: number } = {}) {
    const db = openPostgresDatabase(url, { maxConnections: 3 });
    await ensureRuntimeTables(db); // what the migrations create, hamlet_bus_messages among them
    const bus = await createPostgresBus({ connectionString: url, db, ...options });
    cleanups.push(async () => {
      await bus.close();
      await db.close();
    });
    return { db, bus };
  }

  it("passes small and large (> NOTIFY limit) payloads between two buses, in order, and prunes stored ones", async () => {
    const url = await pgFixture.createDatabase();
    const { bus: a } = await openBus(url);
    const { bus: b, db } = await openBus(url);
    const big = "x".repeat(20_000);
    const received = collect(b, "room", 4);
    const own = collect(a, "room", 4);
    await a.publish("room", { n: 1 });
    await a.publish("room", { n: 2, big });
    await a.publish("room", { n: 3, text: "é✓".repeat(3000) });
    await a.publish("room", { n: 4 });
    const expected = [{ n: 1 }, { n: 2, big }, { n: 3, text: "é✓".repeat(3000) }, { n: 4 }];
    expect(await received).toEqual(expected);
    expect(await own).toEqual(expected);
    const stored = await db.query<{ n: string }>("select count(*) as n from hamlet_bus_messages");
    expect(Number(stored[0]?.n)).toBe(2);
    // Rows past retention are deleted by the next large publish.
    await db.execute("update hamlet_bus_messages set created_at = 0");
    await a.publish("room", { big });
    const left = await db.query<{ n: string }>("select count(*) as n from hamlet_bus_messages");
    expect(Number(left[0]?.n)).toBe(1);
  });

  it("refuses to start without hamlet_bus_messages, naming the migration that creates it", async () => {
    const url = await pgFixture.createDatabase();
    const db = openPostgresDatabase(url, { maxConnections: 1 });
    cleanups.push(() => db.close());
    await expect(createPostgresBus({ connectionString: url, db })).rejects.toThrow(
      /hamlet_bus_messages .* is missing\. Run `hamletc build` and `hamletc migrate` \(the migration hamlet_bus_table/,
    );
    const tables = await db.query<{ n: string }>(
      "select count(*) as n from pg_tables where tablename = 'hamlet_bus_messages'",
    );
    expect(Number(tables[0]!.n)).toBe(0); // no lazy CREATE any more
  });

  it("does not deliver other channels and stops after unsubscribe", async () => {
    const url = await pgFixture.createDatabase();
    const { bus: a } = await openBus(url);
    const { bus: b } = await openBus(url);
    const wrong: JsonValue[] = [];
    const stop = b.subscribe("one", (p) => wrong.push(p));
    stop();
    b.subscribe("two", (p) => wrong.push(p));
    const marker = collect(b, "three", 1);
    await a.publish("one", 1);
    await a.publish("three", "done");
    expect(await marker).toEqual(["done"]);
    expect(wrong).toEqual([]);
  });

  it("reconnects its listener after the connection is killed", async () => {
    const url = await pgFixture.createDatabase();
    const errors: Error[] = [];
    const db = openPostgresDatabase(url, { maxConnections: 2 });
    await ensureRuntimeTables(db);
    const b = await createPostgresBus({ connectionString: url, db, onError: (e) => errors.push(e) });
    cleanups.push(async () => {
      await b.close();
      await db.close();
    });
    const { bus: a } = await openBus(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(
      "select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'",
    );
    await admin.end();
    expect(killed.rowCount).toBe(2);
    // Publish until the reconnected listener gets one (messages during the gap are lost by design).
    const got = collect(b, "after", 1, 30_000);
    let stop = false;
    void got.finally(() => (stop = true));
    for (let i = 0; !stop && i < 300; i++) {
      await a.publish("after", i);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(typeof (await got)[0]).toBe("number");
    expect(errors.length).toBeGreaterThan(0);
  });

  it("two server processes on one PostgreSQL exchange messages (small and large)", async () => {
    const url = await pgFixture.createDatabase();
    const { bus } = await openBus(url);
    const script = fileURLToPath(new URL("./processes/bus-echo.mjs", import.meta.url));
    const child: ChildProcess = spawn(process.execPath, [script, url], { stdio: ["ignore", "pipe", "inherit"] });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    const childId = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /ready (\w+)/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`echo process exited with ${code}`)));
    });
    expect(childId).not.toBe(bus.processId);
    const replies = collect(bus, "from-echo", 2);
    const big = "y".repeat(10_000);
    await bus.publish("to-echo", { hello: "there" });
    await bus.publish("to-echo", { big });
    expect(await replies).toEqual([
      { from: childId, payload: { hello: "there" } },
      { from: childId, payload: { big } },
    ]);
  });
});
