/**
 * Tenant isolation through the generated repositories (the goldens' repositories.ts): for each
 * tenant-scoped model × insert/insertIfAbsent/get/getMany/list/update/delete × two tenants, no row
 * crosses tenants, on SQLite and PostgreSQL. On PostgreSQL also through a non-superuser connection that never set a
 * tenant: it sees nothing and cannot insert (row-level security fails closed).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { columnType } from "../src/schema/query.js";
import type { Database, Dialect } from "../runtime-node/src/db/database.js";
import { openDatabase } from "../runtime-node/src/db/open.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { migrate } from "../runtime-node/src/db/migrate.js";
import type { ModelDef, Schema } from "../src/schema/types.js";
import { repoRoot } from "./support/corpus.js";
import {
  emitRepositories,
  emitSql,
  migrationsOf,
  sqlCases,
  type RepositoryRow,
  type UntypedRepository,
} from "./sql-helpers.js";
import { compileSchema } from "./support/compile-schema.js";

type Row = RepositoryRow;
type Repo = UntypedRepository;
type RepoClass = new (db: Database, tenantId?: string) => Repo;

const cases = sqlCases();
let counter = 0;

/** A value of the column's type, different on every call. */
function sample(schema: Schema, m: ModelDef, column: string): unknown {
  const c = m.columns.find((x) => x.name === column)!;
  const n = ++counter;
  const t = columnType(schema, c.type);
  switch (t.base) {
    case "enum":
      return t.values[n % t.values.length];
    case "Int":
      return n;
    case "Float":
      return n + 0.5;
    case "Bool":
      return n % 2 === 0;
    case "Uuid":
      return randomUUID();
    case "Timestamp":
      return new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString();
    case "Date":
      return `2024-01-${String((n % 28) + 1).padStart(2, "0")}`;
    case "Json":
      return { n };
    case "Bytes":
      return new Uint8Array([n % 256]);
    default:
      return `v${n}_x`;
  }
}

async function setup(dialect: Dialect, open: () => Promise<Database>, c: { name: string; entry: string }) {
  const schema = compileSchema(c.entry);
  const { files } = await emitSql(schema);
  const db = await open();
  await migrate(db, migrationsOf(files, dialect));
  const mod = (await import(
    join(repoRoot, "test", "golden", "sql", c.name, "typescript", "repositories.ts")
  )) as Record<string, RepoClass>;
  return { schema, db, mod };
}

/** Everything an insert into `m` needs in `tenant` (parents inserted first). */
async function values(
  schema: Schema,
  mod: Record<string, RepoClass>,
  db: Database,
  m: ModelDef,
  tenant: string,
): Promise<Row> {
  const row: Row = {};
  for (const c of m.columns) {
    if (c.references) {
      const target = schema.models.find((t) => t.name === c.references!.model)!;
      const Parent = mod[`${target.name}Repository`]!;
      const parent = await (target.global ? new Parent(db) : new Parent(db, tenant)).insert(
        await values(schema, mod, db, target, tenant),
      );
      row[c.name] = parent[c.references.column];
    } else if (
      (c.columnDefault === undefined && !c.nullable) ||
      c.unique ||
      m.indexes.some((i) => i.unique && i.columns.includes(c.name))
    )
      row[c.name] = sample(schema, m, c.name);
  }
  return row;
}

const keyOf = (m: ModelDef, row: Row): Row => Object.fromEntries(m.primaryKey.map((k) => [k, row[k]]));

async function countByTenant(db: Database, table: string): Promise<Record<string, number>> {
  const rows = await db.query<{ tenant_id: string; n: unknown }>(
    `SELECT tenant_id, count(*) AS n FROM "${table}" GROUP BY tenant_id ORDER BY tenant_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.tenant_id, Number(r.n)]));
}

describe("tenant matrix through the generated repositories", () => {
  const fresh = useFreshDatabases();
  for (const c of cases) {
    for (const dialect of testDialects) {
      it(`${c.name} on ${dialect}`, { timeout: 60_000 }, async () => {
        const { schema, db, mod } = await setup(dialect, () => fresh.open(dialect), c);
        try {
          const scoped = schema.models.filter((m) => !m.global);
          expect(scoped.length).toBeGreaterThan(0);
          for (const m of scoped) {
            const Repo = mod[`${m.name}Repository`]!;
            const a = new Repo(db, "tenant-a");
            const b = new Repo(db, "tenant-b");
            // insert: each tenant's row, and a second B row with the same key as A's.
            const rowA = await a.insert(await values(schema, mod, db, m, "tenant-a"));
            const rowB = await b.insert(await values(schema, mod, db, m, "tenant-b"));
            const twinValues = await values(schema, mod, db, m, "tenant-b");
            const twin = await b.insert({ ...twinValues, ...keyOf(m, rowA) });
            expect(keyOf(m, twin)).toEqual(keyOf(m, rowA));
            // select
            expect(await a.get(keyOf(m, rowB))).toBeUndefined();
            expect(await a.get(keyOf(m, rowA))).toEqual(rowA);
            expect(await b.get(keyOf(m, rowA))).toEqual(twin);
            expect(await a.getMany([keyOf(m, rowB), keyOf(m, rowA)])).toEqual([rowA]);
            expect(await b.getMany([keyOf(m, rowA), keyOf(m, rowB)])).toEqual([twin, rowB]);
            expect((await a.list()).map((r) => keyOf(m, r))).toEqual([keyOf(m, rowA)]);
            expect(await b.list()).toHaveLength(2);
            expect(await db.withTenant("tenant-a", (tx) => new Repo(tx).list())).toEqual([rowA]);
            for (const column of m.primaryKey) expect(await a.list({ where: { [column]: rowB[column] } })).toEqual([]);
            // update
            const col = m.columns.find(
              (x) =>
                !x.primary &&
                !x.references &&
                !x.unique &&
                !m.indexes.some((i) => i.unique && i.columns.includes(x.name)),
            )!;
            const newValue = sample(schema, m, col.name);
            expect(await a.update(keyOf(m, rowB), { [col.name]: newValue })).toBeUndefined();
            expect(await b.get(keyOf(m, rowB))).toEqual(rowB);
            const updated = await a.update(keyOf(m, rowA), { [col.name]: newValue });
            expect(updated?.[col.name]).toEqual(newValue);
            expect(await b.get(keyOf(m, twin))).toEqual(twin);
            // delete
            expect(await a.delete(keyOf(m, rowB))).toBe(false);
            expect(await b.get(keyOf(m, rowB))).toEqual(rowB);
            expect(await a.delete(keyOf(m, rowA))).toBe(true);
            expect(await b.get(keyOf(m, twin))).toEqual(twin);
            expect(await a.list()).toEqual([]);
            expect(await countByTenant(db, m.table)).toEqual({ "tenant-b": 2 });
            // insertIfAbsent: B's key is free in A; B's row stays as it was.
            const absent = { ...(await values(schema, mod, db, m, "tenant-a")), ...keyOf(m, rowB) };
            const added = await a.insertIfAbsent(absent);
            expect(added.inserted).toBe(true);
            expect(keyOf(m, added.row)).toEqual(keyOf(m, rowB));
            expect(await b.get(keyOf(m, rowB))).toEqual(rowB);
            const again = await a.insertIfAbsent({
              ...(await values(schema, mod, db, m, "tenant-a")),
              ...keyOf(m, rowB),
            });
            expect(again).toEqual({ inserted: false, row: added.row });
            expect(await countByTenant(db, m.table)).toEqual({ "tenant-a": 1, "tenant-b": 2 });
          }
        } finally {
          await db.close();
        }
      });
    }
  }
});

describe.runIf(postgresAvailable)("PostgreSQL row-level security through a non-superuser connection", () => {
  const pg = usePostgres();
  for (const c of cases) {
    it(c.name, { timeout: 60_000 }, async () => {
      const url = await pg.createDatabase();
      const { schema, db, mod } = await setup("postgres", async () => openDatabase(url), c);
      const role = await pg.createRole();
      await db.execute(`GRANT USAGE ON SCHEMA public TO ${role.name}`);
      await db.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role.name}`);
      const app = openDatabase(role.urlFor(url));
      try {
        for (const m of schema.models.filter((x) => !x.global)) {
          const Repo = mod[`${m.name}Repository`]!;
          const inserted = await new Repo(db, "tenant-a").insert(await values(schema, mod, db, m, "tenant-a"));
          await new Repo(db, "tenant-b").insert(await values(schema, mod, db, m, "tenant-b"));
          // No tenant set: nothing visible, nothing insertable, nothing to update or delete.
          expect(await app.query(`SELECT * FROM "${m.table}"`)).toEqual([]);
          const row: Row = { ...(await values(schema, mod, db, m, "tenant-a")), tenant_id: "tenant-a" };
          const cols = Object.keys(row);
          const params = cols.map((k) => {
            const v = row[k];
            return typeof v === "object" && v !== null && !(v instanceof Uint8Array)
              ? JSON.stringify(v)
              : (v as string);
          });
          await expect(
            app.execute(
              `INSERT INTO "${m.table}" (${cols.map((k) => `"${k}"`).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`,
              params,
            ),
          ).rejects.toThrow(/row-level security/);
          expect((await app.execute(`DELETE FROM "${m.table}"`)).rowCount).toBe(0);
          // A tenant's repository over the same connection sees exactly that tenant's rows.
          const seen = await new Repo(app, "tenant-a").list();
          expect(seen.map((r) => keyOf(m, r))).toEqual([keyOf(m, inserted)]);
          expect(await new Repo(app, "tenant-a").getMany([keyOf(m, inserted)])).toEqual(seen);
          expect(await new Repo(app, "tenant-b").getMany([keyOf(m, inserted)])).toEqual([]);
          const present = { ...(await values(schema, mod, db, m, "tenant-a")), ...keyOf(m, inserted) };
          expect(await new Repo(app, "tenant-a").insertIfAbsent(present)).toEqual({ inserted: false, row: seen[0] });
          // Even SQL asking for the other tenant finds nothing inside tenant A's scope.
          expect(
            await app.withTenant("tenant-a", (tx) =>
              tx.query(`SELECT * FROM "${m.table}" WHERE tenant_id = 'tenant-b'`),
            ),
          ).toEqual([]);
          await expect(
            app.withTenant("tenant-a", (tx) => tx.execute(`UPDATE "${m.table}" SET tenant_id = 'tenant-b'`)),
          ).rejects.toThrow(/row-level security/);
        }
      } finally {
        await app.close();
        await db.close();
      }
    });
  }
});

describe("repositories round-trip every column type", () => {
  const fresh = useFreshDatabases();
  const entry = join(repoRoot, "spec", "migrations", "types", "v2.hamlet");
  for (const dialect of testDialects) {
    it(dialect, { timeout: 60_000 }, async () => {
      const schema = compileSchema(entry);
      const dir = join(repoRoot, "test", ".tmp", `sql-types-${process.pid}-${dialect}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "repositories.ts");
      writeFileSync(file, (await emitRepositories(schema))[0]!.content);
      const db = await fresh.open(dialect);
      try {
        await migrate(db, migrationsOf((await emitSql(schema)).files, dialect));
        const { SampleRepository } = (await import(file)) as Record<string, RepoClass>;
        const repo = new SampleRepository!(db, "t1");
        const defaults = await repo.insert({ code: "a" });
        expect(defaults).toMatchObject({
          code: "a",
          count: -1,
          ratio: 0.25,
          flag: true,
          born: null,
          data: null,
          blob: null,
          mood: "Meh",
          note: "none",
          seen: null,
        });
        expect(defaults["id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(defaults["at"]).toBeInstanceOf(Date); // the wire type's representation, not a string
        const full = {
          code: "b",
          count: 2.5,
          ratio: -1.5,
          flag: false,
          born: "2024-02-29",
          at: new Date("2024-03-01T12:34:56.789Z"),
          data: { list: [1, "two", null], nested: { ok: true } },
          blob: new Uint8Array([0, 1, 254, 255]),
          mood: "Sad",
          note: "it's",
          seen: true,
        };
        const inserted = await repo.insert(full);
        const { blob, ...rest } = full;
        expect(inserted).toMatchObject(rest);
        expect([...(inserted["blob"] as Uint8Array)]).toEqual([...blob]);
        expect(await repo.get({ id: inserted["id"] })).toEqual(inserted);
        expect((await repo.list({ where: { code: "b" } })).map((r) => r["id"])).toEqual([inserted["id"]]);
        expect((await repo.list({ orderBy: "code", direction: "desc", limit: 1 })).map((r) => r["code"])).toEqual([
          "b",
        ]);
        const updated = await repo.update({ id: inserted["id"] }, { data: [1, 2], seen: null, born: null });
        expect(updated).toMatchObject({ data: [1, 2], seen: null, born: null, code: "b" });
        await expect(repo.list({ orderBy: "note; DROP TABLE sample" })).rejects.toThrow(/cannot order/);
        // Timestamps are stored as UTC on both dialects, whatever offset the value was written with.
        const offset = await repo.insert({ code: "c", at: "2024-03-01T13:34:56.789+01:00" });
        expect(offset["at"]).toEqual(new Date("2024-03-01T12:34:56.789Z"));
        const [raw] = await db.withTenant("t1", (tx) =>
          tx.query<{ text: string }>(
            `SELECT ${dialect === "sqlite" ? "at" : "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"} AS text FROM sample WHERE code = 'c'`,
          ),
        );
        expect(raw?.text).toBe("2024-03-01T12:34:56.789Z");
        const sameInstant = await repo.list({ where: { at: "2024-03-01T12:34:56.789Z" } });
        expect(sameInstant.map((r) => r["code"]).sort()).toEqual(["b", "c"]);
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
