/**
 * Migration chains (spec/migrations/<name>/v1.hamlet, v2, ...): building each version in turn
 * and applying every migration (with rows in the tables) leaves the same catalog as building the
 * last version from scratch, on SQLite and PostgreSQL. Plus: refused destructive changes.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../runtime-node/src/db/database.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrate, splitStatements } from "../runtime-node/src/db/migrate.js";
import { compile } from "../src/program/compile.js";
import type { Schema } from "../src/schema/types.js";
import { specDir } from "./support/corpus.js";
import { buildInto, catalog, emitSql, migrationsOf, tempDir } from "./sql-helpers.js";
import { compileSchema } from "./support/compile-schema.js";

const chainsDir = join(specDir, "migrations");
const chains = readdirSync(chainsDir).sort();
const scratch = tempDir("hamlet-sql-chain-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function versions(chain: string): string[] {
  return readdirSync(join(chainsDir, chain))
    .filter((f) => /^v\d+\.hamlet$/.test(f))
    .sort((a, b) => Number(a.slice(1, -7)) - Number(b.slice(1, -7)))
    .map((f) => join(chainsDir, chain, f));
}

/** Puts a row in every table (tenant-scoped ones under two tenants), so migrations meet data. */
async function seed(db: Database, schema: Schema, round: number): Promise<void> {
  const parents = new Map<string, string>();
  const models = [...schema.models].sort(
    (a, b) => Number(a.columns.some((c) => c.references)) - Number(b.columns.some((c) => c.references)),
  );
  for (const tenant of ["t1", "t2"]) {
    await db.withTenant(tenant, async (tx) => {
      for (const m of models) {
        if (m.global && tenant === "t2") continue;
        const cols: string[] = [];
        const vals: (string | number | boolean | null)[] = [];
        if (!m.global) {
          cols.push("tenant_id");
          vals.push(tenant);
        }
        for (const c of m.columns) {
          if (c.columnDefault || c.nullable) continue;
          const type = JSON.stringify(c.type);
          const ref = c.references ? parents.get(`${tenant}:${c.references.model}`) : undefined;
          cols.push(c.column);
          if (ref) vals.push(ref);
          else if (type.includes("Uuid")) vals.push(crypto.randomUUID());
          else if (type.includes("Status")) vals.push("Live");
          else vals.push(`${c.column}-${round}-${tenant}`);
        }
        const placeholders = vals.map((_, i) => `$${i + 1}`).join(", ");
        const pk = m.columns.find((c) => c.primary)!.column;
        const rows = await tx.query<Record<string, unknown>>(
          `INSERT INTO "${m.table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${placeholders}) RETURNING "${pk}"`,
          vals,
        );
        parents.set(`${tenant}:${m.name}`, String(rows[0]![pk]));
      }
    });
  }
}

describe("migration chains leave the same catalog as a fresh build", () => {
  const fresh = useFreshDatabases();
  for (const chain of chains) {
    const steps = versions(chain);
    it(`${chain}: no model change, no new migration`, async () => {
      const out = join(scratch, `${chain}-idem`);
      const first = await buildInto(steps[0]!, out);
      const second = await buildInto(steps[0]!, out);
      expect(second.files).toEqual(first.files);
    });
    for (const dialect of testDialects) {
      it(`${chain} on ${dialect}`, { timeout: 120_000 }, async () => {
        const out = join(scratch, `${chain}-${dialect}`);
        const chained = await fresh.open(dialect);
        const direct = await fresh.open(dialect);
        try {
          let round = 0;
          for (const step of steps) {
            const schema = compileSchema(step);
            const built = await buildInto(schema, out);
            const result = await migrate(chained, migrationsOf(built.files, dialect));
            expect(result.applied).toHaveLength(1);
            await seed(chained, schema, ++round);
          }
          expect(migrationsOf((await emitSql(compileSchema(steps.at(-1)!), out)).files, dialect)).toHaveLength(
            steps.length,
          );
          const scratchBuild = await emitSql(compileSchema(steps.at(-1)!));
          await migrate(direct, migrationsOf(scratchBuild.files, dialect));
          expect(await catalog(chained)).toEqual(await catalog(direct));
          // The down migrations, newest first, lead back to the first version's catalog.
          const last = await emitSql(compileSchema(steps.at(-1)!), out);
          const downs = last.files
            .filter(
              (f) => f.path.startsWith(`sql/${dialect}/`) && f.path.endsWith(".down.sql") && !f.path.includes("/0001_"),
            )
            .reverse();
          // (On empty tables: a down migration that tightens NOT NULL fails on rows holding NULL, as it should.)
          const tables = compileSchema(steps.at(-1)!).models.map((m) => `"${m.table}"`);
          if (dialect === "postgres") await chained.execute(`TRUNCATE ${tables.join(", ")} CASCADE`);
          else await applyScript(chained, tables.map((t) => `DELETE FROM ${t};`).join("\n"));
          for (const down of downs) await applyScript(chained, down.content);
          const v1 = await fresh.open(dialect);
          try {
            await migrate(v1, migrationsOf((await emitSql(compileSchema(steps[0]!))).files, dialect));
            expect(await catalog(chained)).toEqual(await catalog(v1));
          } finally {
            await v1.close();
          }
        } finally {
          await chained.close();
          await direct.close();
        }
      });
    }
  }
});

/** Applies a migration script the way `migrate` does (SQLite: foreign keys off meanwhile). */
async function applyScript(db: Database, sql: string): Promise<void> {
  if (db.dialect === "sqlite") await db.execute("PRAGMA foreign_keys = OFF");
  try {
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(sql)) await tx.execute(statement);
    });
  } finally {
    if (db.dialect === "sqlite") await db.execute("PRAGMA foreign_keys = ON");
  }
}

function schemaOf(name: string, text: string): Schema {
  const file = join(scratch, `${name}.hamlet`);
  writeFileSync(file, text);
  const result = compile({ entries: [file], features: { database: true, eventStore: true } });
  if (!result.schema) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.schema;
}

const base = `package d
model Item {
  id: Uuid @primary @default(uuid)
  name: String
  price: Float
  note: String?
}
model Extra {
  id: Int @primary
}
`;

describe("destructive changes", () => {
  const freshForDestructive = useFreshDatabases();
  const cases: { name: string; code: string; text: string; message: RegExp }[] = [
    {
      name: "drop table",
      code: "HAM0830",
      text: base.replace(/model Extra \{[^}]*\}\n/, ""),
      message: /drop the table `extra`/,
    },
    {
      name: "drop column",
      code: "HAM0831",
      text: base.replace("  note: String?\n", ""),
      message: /drop the column `item.note`/,
    },
    {
      name: "narrowing type",
      code: "HAM0832",
      text: base.replace("price: Float", "price: Int"),
      message: /from Float to Int/,
    },
    {
      name: "NOT NULL without default",
      code: "HAM0833",
      text: base.replace("note: String?", "note: String"),
      message: /`item.note` would be NOT NULL/,
    },
    {
      name: "new NOT NULL column",
      code: "HAM0833",
      text: base.replace("  note: String?\n", "  note: String?\n  sku: String\n"),
      message: /`item.sku`/,
    },
    {
      name: "primary key",
      code: "HAM0837",
      text: base.replace("  name: String\n", "  name: String @primary\n"),
      message: /primary key of `item`/,
    },
    {
      name: "tenancy",
      code: "HAM0838",
      text: base.replace("model Extra", "@global\nmodel Extra"),
      message: /`extra` cannot switch/,
    },
  ];
  for (const c of cases) {
    it(`${c.name} is refused with ${c.code}, and allowed with allow_destructive`, { timeout: 60_000 }, async () => {
      const out = join(scratch, `destructive-${c.code}-${c.name.replace(/\W/g, "")}`);
      await buildInto(schemaOf(`${c.code}-v1`, base), out);
      const changed = schemaOf(`${c.code}-v2`, c.text);
      const refused = await emitSql(changed, out);
      const errors = refused.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.code)).toEqual([c.code]);
      expect(errors[0]!.message).toMatch(c.message);
      expect(errors[0]!.hint).toMatch(c.code === "HAM0838" ? /new model/ : /allow_destructive = true/);
      expect(refused.files).toEqual([]);
      const allowed = await emitSql(changed, out, { allow_destructive: true });
      if (c.code === "HAM0838") {
        expect(allowed.diagnostics.map((d) => d.code)).toEqual(["HAM0838"]);
        return;
      }
      expect(allowed.diagnostics).toEqual([]);
      expect(allowed.files.filter((f) => f.path.includes("/0002_"))).toHaveLength(4);
      // The allowed migration runs (on empty tables) on both dialects.
      for (const dialect of testDialects) {
        const db = await freshForDestructive.open(dialect);
        try {
          expect((await migrate(db, migrationsOf(allowed.files, dialect))).applied).toHaveLength(2);
        } finally {
          await db.close();
        }
      }
    });
  }

  it("widening changes and defaults need no permission", async () => {
    const out = join(scratch, "widening");
    await buildInto(schemaOf("w-v1", base.replace("price: Float", "price: Int")), out);
    const next = await emitSql(schemaOf("w-v2", base.replace("note: String?", 'note: String = ""')), out);
    expect(next.diagnostics).toEqual([]);
    expect(
      next.files.find((f) => f.path.startsWith("sql/postgres/0002_") && f.path.endsWith(".up.sql"))!.content,
    ).toContain(`ALTER TABLE "item" ALTER COLUMN "price" TYPE double precision USING "price"::double precision;`);
  });

  it("an unreadable snapshot is reported", async () => {
    const out = join(scratch, "broken");
    await buildInto(schemaOf("b-v1", base), out);
    writeFileSync(join(out, "sql", "snapshot.json"), "{ nope");
    const result = await emitSql(schemaOf("b-v1", base), out);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["HAM0834"]);
  });
});

describe("references", () => {
  const freshForRefs = useFreshDatabases();
  it("a global model referring to a tenant-scoped one gets no foreign key (HAM0835)", async () => {
    const schema = schemaOf(
      "global-ref",
      `package g\nmodel Team {\n  id: Uuid @primary\n}\n@global\nmodel Badge {\n  id: Uuid @primary\n  team_id: Uuid @references(Team)\n}\n`,
    );
    const result = await emitSql(schema);
    expect(result.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(["HAM0835 warning"]);
    expect(result.files.map((f) => f.content).join("\n")).not.toContain("FOREIGN KEY");
  });

  for (const dialect of testDialects) {
    it(`a row cannot refer to another tenant's row (${dialect})`, { timeout: 60_000 }, async () => {
      const { files } = await emitSql(compileSchema(versions("blog")[0]!));
      const db = await freshForRefs.open(dialect);
      try {
        await migrate(db, migrationsOf(files, dialect));
        const author = crypto.randomUUID();
        await db.withTenant("b", (tx) =>
          tx.execute(`INSERT INTO author (tenant_id, id, name) VALUES ('b', $1, 'x')`, [author]),
        );
        await expect(
          db.withTenant("a", (tx) =>
            tx.execute(`INSERT INTO post (tenant_id, author_id, title) VALUES ('a', $1, 't')`, [author]),
          ),
        ).rejects.toThrow(/FOREIGN KEY|foreign key/);
        await db.withTenant("b", (tx) =>
          tx.execute(`INSERT INTO post (tenant_id, author_id, title) VALUES ('b', $1, 't')`, [author]),
        );
      } finally {
        await db.close();
      }
    });
  }
});
