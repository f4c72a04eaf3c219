/**
 * The generated repositories' `getMany` (rows by primary key in one query per chunk) and
 * `insertIfAbsent` (`INSERT ... ON CONFLICT DO NOTHING`), on real SQLite and PostgreSQL:
 * `getMany` keeps the order of the keys, leaves out missing keys and other tenants' rows, runs no
 * query for no keys and splits more keys than SQLite binds in one statement; `insertIfAbsent`
 * adds a row once, returns the stored row after, stays in its tenant and in the caller's
 * transaction, inserts again when the conflicting row vanished before it was read, and on PostgreSQL two connections inserting the same key at the same time both
 * succeed with exactly one row and exactly one `inserted: true` (plain `insert` fails there).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Dialect } from "../runtime-node/src/db/database.js";
import { migrate } from "../runtime-node/src/db/migrate.js";
import { openDatabase } from "../runtime-node/src/db/open.js";
import { MAX_STATEMENT_PARAMS as RUNTIME_LIMIT } from "../runtime-node/src/repository/index.js";
import type { RepositoryDatabase, SqlValue } from "../runtime-node/src/repository/index.js";
import { MAX_STATEMENT_PARAMS as EMITTED_LIMIT } from "../emitters/repository/by-key.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import type { MigrationFile } from "../runtime-node/src/db/migrate.js";
import { repoRoot } from "./support/corpus.js";
import { emitRepositories, emitSql, migrationsOf, type RepositoryRow, type UntypedRepository } from "./sql-helpers.js";
import { compileSchema } from "./support/compile-schema.js";
import { countingDatabase as counting } from "./support/counting-database.js";

const SCHEMA = `package batch

model Item {
  id: Uuid @primary @default(uuid)
  slug: String @unique
  name: String
}

model Edge {
  source: String @primary
  target: String @primary
  weight: Int = 0
}

@global
model Tag {
  code: Int @primary
  label: String
}
`;

type Row = RepositoryRow;
type Repo = UntypedRepository;
type RepoClass = new (db: RepositoryDatabase, tenantId?: string) => Repo;

const dir = join(repoRoot, "test", ".tmp", `repository-batch-${process.pid}`);
let repos: Record<"ItemRepository" | "EdgeRepository" | "TagRepository", RepoClass>;
const migrations = {} as Record<Dialect, MigrationFile[]>;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "batch.hamlet");
  writeFileSync(entry, SCHEMA);
  const schema = compileSchema(entry);
  writeFileSync(join(dir, "repositories.ts"), (await emitRepositories(schema))[0]!.content);
  const { files } = await emitSql(schema);
  for (const dialect of ["sqlite", "postgres"] as const) migrations[dialect] = migrationsOf(files, dialect);
  repos = (await import(join(dir, "repositories.ts"))) as typeof repos;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the generated code's statement size (its doc comments) is the runtime's chunk size", () => {
  expect(EMITTED_LIMIT).toBe(RUNTIME_LIMIT);
});

describe.each(testDialects)("getMany and insertIfAbsent on %s", (dialect) => {
  const fresh = useFreshDatabases();
  let db: Database;
  beforeAll(async () => {
    db = await fresh.open(dialect);
    await migrate(db, migrations[dialect]);
  });
  afterAll(() => db?.close());

  it("getMany returns the rows in the order of the keys, once each, without missing keys or other tenants' rows", async () => {
    const items = new repos.ItemRepository(db, "alpha");
    const rows: Row[] = [];
    for (let i = 0; i < 5; i++) rows.push(await items.insert({ slug: `order-${i}`, name: `item ${i}` }));
    const other = await new repos.ItemRepository(db, "beta").insert({ slug: "order-beta", name: "beta's" });
    const key = (row: Row) => ({ id: row["id"] });
    const missing = { id: randomUUID() };
    expect(
      await items.getMany([key(rows[3]!), key(rows[0]!), missing, key(other), key(rows[4]!), key(rows[0]!)]),
    ).toEqual([rows[3], rows[0], rows[4]]);
    expect(await new repos.ItemRepository(db, "beta").getMany(rows.map(key))).toEqual([]);
    expect(await new repos.ItemRepository(db, "beta").getMany([key(rows[1]!), key(other)])).toEqual([other]);
    // Composite keys and a global model.
    const edges = new repos.EdgeRepository(db, "alpha");
    const ab = await edges.insert({ source: "a", target: "b" });
    const ba = await edges.insert({ source: "b", target: "a", weight: 2 });
    expect(
      await edges.getMany([
        { source: "b", target: "a" },
        { source: "a", target: "a" },
        { source: "a", target: "b" },
      ]),
    ).toEqual([ba, ab]);
    const tags = new repos.TagRepository(db);
    const t1 = await tags.insert({ code: 1, label: "one" });
    const t2 = await tags.insert({ code: 2, label: "two" });
    expect(await tags.getMany([{ code: 2 }, { code: 3 }, { code: 1 }])).toEqual([t2, t1]);
  });

  it("getMany of no keys runs no query; a Uuid key is found as get finds it", async () => {
    await db.withTenant("alpha", async (tx) => {
      const spy = counting(tx);
      expect(await new repos.ItemRepository(spy.db).getMany([])).toEqual([]);
      expect(spy.statements()).toBe(0);
    });
    const items = new repos.ItemRepository(db, "alpha");
    const row = await items.insert({ slug: "upper", name: "upper-case key" });
    const upper = { id: String(row["id"]).toUpperCase() };
    // PostgreSQL's uuid ignores case; SQLite stores the text as written.
    const found = await items.get(upper);
    expect(found).toEqual(dialect === "postgres" ? row : undefined);
    expect(await items.getMany([upper])).toEqual(found === undefined ? [] : [found]);
  });

  it(
    "getMany splits more keys than SQLite binds in one statement into chunks, keeping the order",
    { timeout: 120_000 },
    async () => {
      const stored = await db.withTenant("gamma", async (tx) => {
        const items = new repos.ItemRepository(tx);
        const rows: Row[] = [];
        for (let i = 0; i < 1500; i++) rows.push(await items.insert({ slug: `many-${i}`, name: `${i}` }));
        return rows;
      });
      // 33,000 keys: the stored rows (newest first) spread among random ids that have no row.
      const wanted = [...stored].reverse();
      const keys: Row[] = [];
      for (let i = 0; keys.length < 33_000; i++)
        keys.push(i % 22 === 0 && wanted.length ? { id: wanted.shift()!["id"] } : { id: randomUUID() });
      expect(wanted).toEqual([]);
      if (dialect === "sqlite") {
        // The limit this SQLite build has (32766): one statement with every key would fail.
        const placeholders = keys.map((_, i) => `$${i + 2}`).join(", ");
        await expect(
          db.query(`SELECT * FROM "item" WHERE "tenant_id" = $1 AND "id" IN (${placeholders})`, [
            "gamma",
            ...keys.map((k) => k["id"] as string),
          ]),
        ).rejects.toThrow(/too many SQL variables/);
      }
      const found = await db.withTenant("gamma", async (tx) => {
        const spy = counting(tx);
        const rows = await new repos.ItemRepository(spy.db).getMany(keys);
        expect(spy.statements()).toBe(Math.ceil(33_000 / 998));
        return rows;
      });
      expect(found).toEqual([...stored].reverse());
      // Composite keys: two parameters a key, 499 keys a statement.
      const edgeKeys = Array.from({ length: 1200 }, (_, i) => ({ source: `s${i}`, target: `t${i}` }));
      await db.withTenant("gamma", async (tx) => {
        const edges = new repos.EdgeRepository(tx);
        const inserted = [
          await edges.insert({ ...edgeKeys[1100]!, weight: 1 }),
          await edges.insert({ ...edgeKeys[5]!, weight: 2 }),
        ];
        const spy = counting(tx);
        expect(await new repos.EdgeRepository(spy.db).getMany(edgeKeys)).toEqual([inserted[1], inserted[0]]);
        expect(spy.statements()).toBe(Math.ceil(1200 / 499));
      });
    },
  );

  it("insertIfAbsent adds a row once and returns the stored row after; only the primary key's conflicts are absorbed", async () => {
    const edges = new repos.EdgeRepository(db, "delta");
    const first = await edges.insertIfAbsent({ source: "x", target: "y", weight: 7 });
    expect(first).toEqual({ inserted: true, row: { source: "x", target: "y", weight: 7 } });
    // The stored row wins: the new values are not written.
    expect(await edges.insertIfAbsent({ source: "x", target: "y", weight: 8 })).toEqual({
      inserted: false,
      row: first.row,
    });
    // The same key in another tenant is another row.
    const other = await new repos.EdgeRepository(db, "epsilon").insertIfAbsent({ source: "x", target: "y", weight: 9 });
    expect(other).toEqual({ inserted: true, row: { source: "x", target: "y", weight: 9 } });
    expect(await edges.get({ source: "x", target: "y" })).toEqual(first.row);
    // A global model has no tenant in its key.
    const tags = new repos.TagRepository(db);
    expect(await tags.insertIfAbsent({ code: 10, label: "ten" })).toEqual({
      inserted: true,
      row: { code: 10, label: "ten" },
    });
    expect(await tags.insertIfAbsent({ code: 10, label: "TEN" })).toEqual({
      inserted: false,
      row: { code: 10, label: "ten" },
    });
    // Another unique column's conflict is an error, as with insert.
    const items = new repos.ItemRepository(db, "delta");
    const item = await items.insertIfAbsent({ id: randomUUID(), slug: "taken", name: "first" });
    expect(item.inserted).toBe(true);
    await expect(items.insertIfAbsent({ id: randomUUID(), slug: "taken", name: "second" })).rejects.toThrow(/unique/i);
    expect(await items.insertIfAbsent({ ...item.row, name: "again" })).toEqual({ inserted: false, row: item.row });
  });

  it("insertIfAbsent runs in the caller's transaction", async () => {
    const key = { source: "tx", target: "rolled-back" };
    await expect(
      db.withTenant("zeta", async (tx) => {
        expect((await new repos.EdgeRepository(tx).insertIfAbsent(key)).inserted).toBe(true);
        expect(await new repos.EdgeRepository(tx).get(key)).toBeDefined();
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await new repos.EdgeRepository(db, "zeta").get(key)).toBeUndefined();
  });

  it("insertIfAbsent inserts again when the row it conflicted with is gone before it is read, three times at most", async () => {
    const key = { source: "gone", target: "again" };
    await new repos.EdgeRepository(db, "eta").insert({ ...key, weight: 1 });
    /**
     * Runs `fn` on a handle that deletes the row after each of the first `times` inserts that did
     * nothing, and puts it back after the read that missed it while deletions are left.
     */
    const deleting = (times: number, fn: (repo: Repo) => Promise<unknown>) =>
      db.withTenant("eta", async (tx) => {
        let left = times;
        const handle: RepositoryDatabase = {
          dialect: tx.dialect,
          tenantId: tx.tenantId,
          query: async <T extends object>(sql: string, params?: readonly SqlValue[]) => {
            const rows = await tx.query<T>(sql, params);
            if (rows.length === 0 && sql.startsWith("INSERT") && left > 0) {
              left--;
              await tx.execute(`DELETE FROM "edge" WHERE "tenant_id" = 'eta' AND "source" = 'gone'`);
            } else if (rows.length === 0 && sql.startsWith("SELECT") && left > 0)
              await tx.execute(`INSERT INTO "edge" ("tenant_id", "source", "target") VALUES ('eta', 'gone', 'again')`);
            return rows;
          },
          withTenant: (tenant, fn2) => tx.withTenant(tenant, fn2),
        };
        return fn(new repos.EdgeRepository(handle));
      });
    expect(await deleting(1, (repo) => repo.insertIfAbsent({ ...key, weight: 2 }))).toEqual({
      inserted: true,
      row: { ...key, weight: 2 },
    });
    await expect(deleting(3, (repo) => repo.insertIfAbsent({ ...key, weight: 3 }))).rejects.toThrow(
      /Edge\.insertIfAbsent: the row with this key kept being deleted/,
    );
  });
});

describe.runIf(postgresAvailable)("insertIfAbsent from two PostgreSQL connections at once", () => {
  const pg = usePostgres();
  let owner: Database;
  let one: Database;
  let two: Database;
  beforeAll(async () => {
    const url = await pg.createDatabase();
    owner = openDatabase(url);
    await migrate(owner, migrations.postgres);
    // The application's role: row-level security applies to it, as in production.
    const role = await pg.createRole();
    await owner.execute(`GRANT USAGE ON SCHEMA public TO ${role.name}`);
    await owner.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role.name}`);
    one = openDatabase(role.urlFor(url));
    two = openDatabase(role.urlFor(url));
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await owner?.close();
  });

  /** Resolves once a statement of this database waits for a lock (the second insert of the key). */
  async function someoneWaits(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const rows = await owner.query<{ n: unknown }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("the second insert never waited for the first");
  }

  async function edgeRows(tenant: string): Promise<Row[]> {
    const rows = await owner.query<Row>(`SELECT "source", "target", "weight" FROM "edge" WHERE "tenant_id" = $1`, [
      tenant,
    ]);
    return rows.map((row) => ({ ...row, weight: Number(row["weight"]) })); // bigint arrives as text
  }

  it("the second waits for the first: both succeed, one row, one inserted: true", async () => {
    const key = { source: "ana", target: "bo" };
    let second: Promise<{ inserted: boolean; row: Row }> | undefined;
    const first = await one.withTenant("t1", async (tx) => {
      const result = await new repos.EdgeRepository(tx).insertIfAbsent({ ...key, weight: 1 });
      second = two.withTenant("t1", (tx2) => new repos.EdgeRepository(tx2).insertIfAbsent({ ...key, weight: 2 }));
      await someoneWaits();
      return result;
    });
    expect(first).toEqual({ inserted: true, row: { ...key, weight: 1 } });
    expect(await second).toEqual({ inserted: false, row: first.row });
    expect(await edgeRows("t1")).toEqual([{ ...key, weight: 1 }]);
  });

  it("when the first rolls back, the second inserts", async () => {
    const key = { source: "cy", target: "di" };
    let second: Promise<{ inserted: boolean; row: Row }> | undefined;
    await expect(
      one.withTenant("t2", async (tx) => {
        await new repos.EdgeRepository(tx).insertIfAbsent({ ...key, weight: 1 });
        second = two.withTenant("t2", (tx2) => new repos.EdgeRepository(tx2).insertIfAbsent({ ...key, weight: 2 }));
        await someoneWaits();
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await second).toEqual({ inserted: true, row: { ...key, weight: 2 } });
    expect(await edgeRows("t2")).toEqual([{ ...key, weight: 2 }]);
  });

  it("many at once: exactly one inserted: true, every caller gets the stored row", async () => {
    const key = { source: "ed", target: "flo" };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? one : two).withTenant("t3", (tx) =>
          new repos.EdgeRepository(tx).insertIfAbsent({ ...key, weight: i }),
        ),
      ),
    );
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    const stored = results.find((r) => r.inserted)!.row;
    for (const result of results) expect(result.row).toEqual(stored);
    expect(await edgeRows("t3")).toEqual([stored]);
  });

  it("plain insert in the same race fails on the primary key (what insertIfAbsent avoids)", async () => {
    const key = { source: "gil", target: "hal" };
    let second: Promise<Row> | undefined;
    await one.withTenant("t4", async (tx) => {
      await new repos.EdgeRepository(tx).insert(key);
      second = two.withTenant("t4", (tx2) => new repos.EdgeRepository(tx2).insert(key));
      second.catch(() => undefined);
      await someoneWaits();
    });
    await expect(second).rejects.toThrow(/duplicate key/);
  });
});
