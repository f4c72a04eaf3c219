import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { kvFor, type KvStore } from "../src/kv/kv-store.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { manualClock, type ManualClock } from "./support/clock.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";

const fresh = useFreshDatabases();

describe.each(testDialects)("KV store on %s", (dialect) => {
  let db: Database;
  let clock: ManualClock;
  let alpha: KvStore;
  let beta: KvStore;

  beforeEach(async () => {
    db = await fresh.open(dialect);
    await ensureRuntimeTables(db);
    clock = manualClock();
    alpha = kvFor(db, "alpha", { clock: clock.now });
    beta = kvFor(db, "beta", { clock: clock.now });
  });
  afterEach(async () => db.close());

  const rawCount = async () => Number((await db.query<{ n: unknown }>("SELECT count(*) AS n FROM hamlet_kv"))[0]?.n);

  it("round-trips JSON values and overwrites", async () => {
    const value = {
      list: [1, 2.5, "three", null, true],
      nested: { ok: false },
      unicode: "ünï ✓",
    };
    await alpha.set("doc", value);
    expect(await alpha.get("doc")).toEqual(value);
    await alpha.set("doc", "replaced");
    expect(await alpha.get("doc")).toBe("replaced");
    await alpha.set("null", null);
    expect(await alpha.get("null")).toBeNull();
    expect(await alpha.get("missing")).toBeUndefined();
  });

  it("hides entries as soon as their TTL passes and purges them lazily", async () => {
    await alpha.set("short", 1, { ttlSeconds: 10 });
    await alpha.set("forever", 2);
    clock.advanceSeconds(9.999);
    expect(await alpha.get("short")).toBe(1);
    clock.advanceSeconds(0.001);
    expect(await alpha.get("short")).toBeUndefined();
    expect(await rawCount()).toBe(1);
    expect(await alpha.get("forever")).toBe(2);
  });

  it("excludes expired entries from list and delete, and purgeExpired removes them", async () => {
    await alpha.set("k:1", 1, { ttlSeconds: 5 });
    await alpha.set("k:2", 2, { ttlSeconds: 60 });
    await alpha.set("k:3", 3);
    clock.advanceSeconds(5);
    expect((await alpha.list("k:")).map((e) => e.key)).toEqual(["k:2", "k:3"]);
    expect(await alpha.delete("k:1")).toBe(false);
    await alpha.set("k:4", 4, { ttlSeconds: 1 });
    clock.advanceSeconds(2);
    expect(await alpha.purgeExpired()).toBe(1);
    expect(await rawCount()).toBe(2);
  });

  it("a new set replaces the TTL", async () => {
    await alpha.set("k", 1, { ttlSeconds: 5 });
    await alpha.set("k", 2);
    clock.advanceSeconds(3600);
    expect(await alpha.get("k")).toBe(2);
  });

  it("lists by literal prefix in key order", async () => {
    for (const key of ["user:b", "user:a", "user%x", "users", "other", "user:_"]) await alpha.set(key, key);
    const entries = await alpha.list("user:");
    expect(entries.map((e) => e.key)).toEqual(["user:_", "user:a", "user:b"]);
    expect(entries[0]).toEqual({
      key: "user:_",
      value: "user:_",
      expiresAt: null,
    });
    expect((await alpha.list("user%")).map((e) => e.key)).toEqual(["user%x"]);
    expect(await alpha.list()).toHaveLength(6);
  });

  it("deletes", async () => {
    await alpha.set("k", 1);
    expect(await alpha.delete("k")).toBe(true);
    expect(await alpha.delete("k")).toBe(false);
    expect(await alpha.get("k")).toBeUndefined();
  });

  it("rejects invalid TTLs", async () => {
    await expect(alpha.set("k", 1, { ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    await expect(alpha.set("k", 1, { ttlSeconds: Number.NaN })).rejects.toThrow(/ttlSeconds/);
  });

  it("isolates tenants: A never sees, lists, deletes or purges B's data", async () => {
    await alpha.set("shared", "from alpha");
    await beta.set("shared", "from beta");
    await beta.set("beta-only", 1, { ttlSeconds: 1 });
    expect(await alpha.get("shared")).toBe("from alpha");
    expect(await beta.get("shared")).toBe("from beta");
    expect(await alpha.get("beta-only")).toBeUndefined();
    expect((await alpha.list()).map((e) => e.key)).toEqual(["shared"]);
    expect(await alpha.delete("beta-only")).toBe(false);
    clock.advanceSeconds(2);
    expect(await alpha.purgeExpired()).toBe(0);
    expect(await rawCount()).toBe(3);
    expect(await beta.purgeExpired()).toBe(1);
    expect(await beta.get("shared")).toBe("from beta");
  });

  it("works on a tenant-scoped transaction handle and rolls back with it", async () => {
    await expect(
      db.withTenant("alpha", async (tx) => {
        await kvFor(tx, "alpha", { clock: clock.now }).set("k", 1);
        expect(await kvFor(tx, "alpha", { clock: clock.now }).get("k")).toBe(1);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await alpha.get("k")).toBeUndefined();
  });
  it("increments atomically: a TTL on creation, kept by later increments, restarted after expiry", async () => {
    expect(await alpha.increment("hits", { ttlSeconds: 60 })).toBe(1);
    clock.advanceSeconds(30);
    expect(await alpha.increment("hits", { ttlSeconds: 60 })).toBe(2);
    expect(await alpha.increment("hits", { by: 5 })).toBe(7);
    expect(await alpha.get("hits")).toBe(7);
    expect(await beta.get("hits")).toBeUndefined();
    clock.advanceSeconds(30); // 60 s after creation: the window ended
    expect(await alpha.get("hits")).toBeUndefined();
    expect(await alpha.increment("hits", { ttlSeconds: 60, by: -2 })).toBe(-2);
    expect((await alpha.list("hits"))[0]?.expiresAt).toBe(clock.now() + 60_000);
  });

  it("refuses to increment a value that is not an integer, leaving it unchanged", async () => {
    for (const value of ["7", 1.5, { n: 1 }, "-", null]) {
      await alpha.set("x", value);
      await expect(alpha.increment("x")).rejects.toThrow("is not an integer");
      expect(await alpha.get("x")).toEqual(value);
    }
    await expect(alpha.increment("x", { by: 0.5 })).rejects.toThrow(RangeError);
  });

  it("loses no increment under 100 concurrent calls", async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => alpha.increment("n", { ttlSeconds: 60 })));
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await alpha.get("n")).toBe(100);
  });

  it("compare-and-set replaces only the expected value, or only an absent/expired key", async () => {
    expect(await alpha.compareAndSet("k", undefined, { v: 1 }, { ttlSeconds: 10 })).toBe(true);
    expect(await alpha.compareAndSet("k", undefined, { v: 2 })).toBe(false);
    expect(await alpha.compareAndSet("k", { v: 9 }, { v: 2 })).toBe(false);
    expect(await alpha.compareAndSet("k", { v: 1 }, { v: 2 })).toBe(true);
    expect(await alpha.get("k")).toEqual({ v: 2 });
    expect(await beta.compareAndSet("k", { v: 2 }, "stolen")).toBe(false);
    await alpha.set("t", "old", { ttlSeconds: 5 });
    clock.advanceSeconds(5);
    expect(await alpha.compareAndSet("t", "old", "new")).toBe(false);
    expect(await alpha.compareAndSet("t", undefined, "new")).toBe(true);
    expect(await alpha.get("t")).toBe("new");
  });

  it("compare-and-set lets exactly one of 50 concurrent writers win", async () => {
    await alpha.set("owner", null);
    const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => alpha.compareAndSet("owner", null, i)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await alpha.get("owner")).toBe(wins.indexOf(true));
  });
});
