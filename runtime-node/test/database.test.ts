import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";

const fresh = useFreshDatabases();

describe.each(testDialects)("Database on %s", (dialect) => {
  let db: Database;
  beforeEach(async () => {
    db = await fresh.open(dialect);
    await db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT)");
  });
  afterEach(async () => db.close());

  const names = async (handle: Database = db) =>
    (await handle.query<{ name: string }>("SELECT name FROM items ORDER BY id")).map((r) => r.name);

  it("reports its dialect", () => {
    expect(db.dialect).toBe(dialect);
    expect(db.tenantId).toBeNull();
  });

  it("binds $n parameters, repeated and out of order, and leaves literals alone", async () => {
    const inserted = await db.execute("INSERT INTO items (id, name, note) VALUES ($2, $1, '$1 literal')", ["a", 1]);
    expect(inserted.rowCount).toBe(1);
    await db.execute("INSERT INTO items (id, name, note) VALUES ($1, $2, $2)", [2, "b"]);
    const rows = await db.query<{ id: number; name: string; note: string }>(
      "SELECT id, name, note FROM items WHERE name = $1 OR note = $1 ORDER BY id",
      ["b"],
    );
    expect(rows).toEqual([{ id: 2, name: "b", note: "b" }]);
    expect(await db.query("SELECT note FROM items WHERE id = $1", [1])).toEqual([{ note: "$1 literal" }]);
  });

  it("execute returns affected row counts; query on a write returns no rows", async () => {
    await db.execute("INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    expect((await db.execute("UPDATE items SET note = $1 WHERE id > $2", ["x", 1])).rowCount).toBe(2);
    expect(await db.query("DELETE FROM items WHERE id = $1", [3])).toEqual([]);
    expect(await names()).toEqual(["a", "b"]);
  });

  it("commits a transaction when the callback resolves", async () => {
    const result = await db.transaction(async (tx) => {
      await tx.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
      return names(tx);
    });
    expect(result).toEqual(["a"]);
    expect(await names()).toEqual(["a"]);
  });

  it("rolls back when the callback rejects", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await names()).toEqual([]);
  });

  it("nests transactions as savepoints", async () => {
    await db.transaction(async (tx) => {
      await tx.execute("INSERT INTO items (id, name) VALUES (1, 'outer')");
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute("INSERT INTO items (id, name) VALUES (2, 'inner')");
          throw new Error("inner failed");
        }),
      ).rejects.toThrow("inner failed");
      await tx.transaction(async (inner) => inner.execute("INSERT INTO items (id, name) VALUES (3, 'kept')"));
    });
    expect(await names()).toEqual(["outer", "kept"]);
  });

  it("rejects use of a transaction handle after the transaction ended", async () => {
    let leaked: Database | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query("SELECT 1")).rejects.toThrow(/after its transaction ended/);
  });

  it("serializes concurrent transactions without losing writes", async () => {
    await db.execute("INSERT INTO items (id, name, note) VALUES (1, 'counter', '0')");
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.transaction(async (tx) => {
          if (tx.dialect === "postgres") await tx.query("SELECT 1 FROM items WHERE id = 1 FOR UPDATE");
          const [row] = await tx.query<{ note: string }>("SELECT note FROM items WHERE id = 1");
          await tx.execute("UPDATE items SET note = $1 WHERE id = 1", [String(Number(row!.note) + 1)]);
        }),
      ),
    );
    expect(await db.query("SELECT note FROM items WHERE id = 1")).toEqual([{ note: "10" }]);
  });

  it("withTenant exposes the tenant on the handle and restores it after a nested switch", async () => {
    const setting = async (h: Database) =>
      (await h.query<{ t: string | null }>("SELECT current_setting('hamlet.tenant_id', true) AS t"))[0]?.t;
    await db.withTenant("alpha", async (tx) => {
      expect(tx.tenantId).toBe("alpha");
      if (dialect === "postgres") expect(await setting(tx)).toBe("alpha");
      await tx.withTenant("beta", async (inner) => {
        expect(inner.tenantId).toBe("beta");
        if (dialect === "postgres") expect(await setting(inner)).toBe("beta");
      });
      if (dialect === "postgres") expect(await setting(tx)).toBe("alpha");
    });
    if (dialect === "postgres") expect(await setting(db)).not.toBe("alpha");
  });

  it("rejects empty tenant ids", async () => {
    await expect(db.withTenant("", async () => 1)).rejects.toThrow(/tenant id/);
  });

  it("ensureRuntimeTables is idempotent, also when run concurrently", async () => {
    await Promise.all([ensureRuntimeTables(db), ensureRuntimeTables(db)]);
    await ensureRuntimeTables(db);
    expect(await db.query("SELECT count(*) AS n FROM hamlet_kv")).toHaveLength(1);
  });
});

describe("SQLite specifics", () => {
  it("uses WAL and refuses the root handle inside a transaction instead of deadlocking", async () => {
    const db = await fresh.open("sqlite");
    try {
      expect(await db.query("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
      await expect(db.transaction(async () => db.query("SELECT 1"))).rejects.toThrow(/handle passed to the callback/);
      expect(await db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
