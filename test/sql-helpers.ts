/** Shared helpers of the SQL emitter, migration and repository tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repositoryEmitter } from "../emitters/repository/index.js";
import { sqlEmitter } from "../emitters/sql/index.js";
import type { Database, Dialect } from "../runtime-node/src/db/database.js";
import type { Diagnostic } from "../src/diagnostics/types.js";
import { runEmitters } from "../src/emit/run.js";
import type { EmittedFile } from "../src/emit/types.js";
import { writeOutputs } from "../src/emit/write.js";
import { checksum, type MigrationFile } from "../runtime-node/src/db/migrate.js";
import type { Schema } from "../src/schema/types.js";
import { compileSchema } from "./support/compile-schema.js";
import { corpus, sharedExamples } from "./support/corpus.js";

export interface SqlCase {
  /** Golden folder name: `valid-backend`, `shared-horatio`. */
  readonly name: string;
  readonly entry: string;
}

/** Every corpus entry and shared example with models. */
export function sqlCases(): SqlCase[] {
  const cases: SqlCase[] = [];
  for (const e of corpus("valid")) cases.push({ name: e.name.replace("/", "-"), entry: e.entry });
  for (const f of sharedExamples())
    cases.push({
      name: `shared-${f
        .split("/")
        .pop()!
        .replace(/\.hamlet$/, "")}`,
      entry: f,
    });
  return cases.filter((c) => compileSchema(c.entry).models.length > 0);
}

export interface SqlEmit {
  readonly files: EmittedFile[];
  readonly diagnostics: Diagnostic[];
}

/** Runs the sql emitter; `outDir` holds earlier builds (the history), as `hamletc build -o` would. */
export async function emitSql(
  schema: Schema,
  outDir?: string,
  options: Record<string, unknown> = {},
): Promise<SqlEmit> {
  const raw = Object.fromEntries(Object.entries(options).map(([k, value]) => [k, { value, span: undefined }]));
  return runEmitters(schema, [{ emitter: sqlEmitter as never, options: raw }], outDir);
}

/** Builds `entry` into `outDir` (keeping history) and fails on error diagnostics. */
export async function buildInto(
  entry: string | Schema,
  outDir: string,
  options: Record<string, unknown> = {},
): Promise<SqlEmit> {
  const schema = typeof entry === "string" ? compileSchema(entry) : entry;
  const emitted = await emitSql(schema, outDir, options);
  const errors = emitted.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("; "));
  writeOutputs(outDir, emitted.files);
  return emitted;
}

/** The up migrations of one dialect among emitted files, in order. */
export function migrationsOf(files: readonly EmittedFile[], dialect: Dialect): MigrationFile[] {
  const prefix = `sql/${dialect}/`;
  return files
    .filter((f) => f.path.startsWith(prefix) && f.path.endsWith(".up.sql"))
    .map((f) => {
      const name = f.path.slice(prefix.length, -".up.sql".length);
      return { id: Number(name.slice(0, 4)), name, sql: f.content, checksum: checksum(f.content) };
    })
    .sort((a, b) => a.id - b.id);
}

/** The repository emitter's file (`typescript/repositories.ts`). */
/** A row as the generated repositories take and give it, untyped for tests over many models. */
export type RepositoryRow = Record<string, unknown>;

/** The generated repository class's members that tests drive without its types. */
export interface UntypedRepository {
  insert(row: RepositoryRow): Promise<RepositoryRow>;
  insertIfAbsent(row: RepositoryRow): Promise<{ inserted: boolean; row: RepositoryRow }>;
  get(key: RepositoryRow): Promise<RepositoryRow | undefined>;
  getMany(keys: readonly RepositoryRow[]): Promise<RepositoryRow[]>;
  list(options?: Record<string, unknown>): Promise<RepositoryRow[]>;
  update(key: RepositoryRow, patch: RepositoryRow): Promise<RepositoryRow | undefined>;
  delete(key: RepositoryRow): Promise<boolean>;
}

export async function emitRepositories(schema: Schema): Promise<EmittedFile[]> {
  const result = await runEmitters(schema, [{ emitter: repositoryEmitter as never, options: {} }]);
  if (result.diagnostics.length > 0) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.files;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(root: string, files: readonly EmittedFile[]): void {
  rmSync(root, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
}

/** A comparable description of every table, column, index and foreign key (user tables only). */
export async function catalog(db: Database): Promise<unknown> {
  if (db.dialect === "sqlite") {
    const tables = await db.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'hamlet_migrations' ORDER BY name",
    );
    const out: Record<string, unknown> = {};
    for (const { name } of tables) {
      const columns = (
        await db.query<Record<string, unknown>>(
          `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}')`,
        )
      ).sort((a, b) => String(a["name"]).localeCompare(String(b["name"])));
      const indexes = await db.query<{ name: string; unique: number; origin: string }>(
        `SELECT name, "unique", origin FROM pragma_index_list('${name}') ORDER BY name`,
      );
      const indexColumns: Record<string, unknown> = {};
      for (const i of indexes)
        indexColumns[i.name] = (
          await db.query<{ name: string }>(`SELECT name FROM pragma_index_info('${i.name}') ORDER BY seqno`)
        ).map((r) => r.name);
      const fks = await db.query(
        `SELECT "table", "from", "to", seq FROM pragma_foreign_key_list('${name}') ORDER BY "table", seq`,
      );
      out[name] = { columns, indexes, indexColumns, fks };
    }
    return out;
  }
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> 'hamlet_migrations' ORDER BY table_name, column_name`,
  );
  const indexes = await db.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'hamlet_migrations' ORDER BY tablename, indexname`,
  );
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS table_name, conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const policies = await db.query(
    `SELECT tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  const rls = await db.query(
    `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname`,
  );
  return { columns, indexes, constraints, policies, rls };
}
