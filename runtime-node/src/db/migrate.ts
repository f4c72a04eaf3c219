/**
 * Applies the `sql` emitter's migrations to a database: pending ones in order, each in its own
 * transaction, recorded in `hamlet_migrations(id, name, checksum, applied_at)`.
 *
 * Safe from several processes at once: every migration's transaction first takes a lock
 * (`pg_advisory_xact_lock` on PostgreSQL; `BEGIN IMMEDIATE`, which the SQLite backend uses for
 * every transaction), then re-reads what is applied. Refuses to run when an applied
 * migration's file changed or disappeared.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database, Dialect } from "./database.js";
import { splitStatements } from "./split-statements.js";

export { splitStatements };

export interface MigrationFile {
  /** The number: `0003_add_posts_publish_at` → 3. */
  readonly id: number;
  /** File name without `.up.sql`. */
  readonly name: string;
  readonly sql: string;
  /** SHA-256 of the file's text, hex. */
  readonly checksum: string;
}

export interface AppliedMigration {
  readonly id: number;
  readonly name: string;
  readonly checksum: string;
}

export class MigrationError extends Error {}

const UP_FILE = /^(\d{4,})_([a-z0-9_]+)\.up\.sql$/;
/** Arbitrary, fixed key of the PostgreSQL advisory lock that serializes migrators. */
export const MIGRATION_LOCK_KEY = 7_230_411_902;

export function checksum(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The `.up.sql` files of one dialect's folder, in order. A missing folder has none. */
export function readMigrations(dir: string): MigrationFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: MigrationFile[] = [];
  for (const file of names.sort()) {
    const match = UP_FILE.exec(file);
    if (!match) continue;
    const sql = readFileSync(join(dir, file), "utf8");
    files.push({ id: Number(match[1]), name: file.slice(0, -".up.sql".length), sql, checksum: checksum(sql) });
  }
  const ids = new Set<number>();
  for (const f of files) {
    if (ids.has(f.id)) throw new MigrationError(`two migrations are numbered ${f.id} in ${dir}`);
    ids.add(f.id);
  }
  return files.sort((a, b) => a.id - b.id);
}

const CREATE_TABLE: Record<Dialect, string> = {
  sqlite:
    "CREATE TABLE IF NOT EXISTS hamlet_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
  postgres:
    "CREATE TABLE IF NOT EXISTS hamlet_migrations (id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
};

async function lock(tx: Database): Promise<void> {
  if (tx.dialect === "postgres") {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
  }
  await tx.execute(CREATE_TABLE[tx.dialect]);
}

async function appliedIn(tx: Database): Promise<AppliedMigration[]> {
  const rows = await tx.query<{ id: unknown; name: unknown; checksum: unknown }>(
    "SELECT id, name, checksum FROM hamlet_migrations ORDER BY id",
  );
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name), checksum: String(r.checksum) }));
}

/** Migrations recorded in the database (none when the table does not exist yet). */
export async function appliedMigrations(db: Database): Promise<AppliedMigration[]> {
  return db.transaction(async (tx) => {
    await lock(tx);
    return appliedIn(tx);
  });
}

function verify(applied: readonly AppliedMigration[], files: readonly MigrationFile[]): void {
  for (const a of applied) {
    const file = files.find((f) => f.id === a.id);
    if (!file) throw new MigrationError(`migration ${a.name} is applied to the database but its file is missing`);
    if (file.checksum !== a.checksum || file.name !== a.name)
      throw new MigrationError(
        `migration ${a.name} was changed after it was applied (checksum ${a.checksum.slice(0, 12)}…, file now ${file.checksum.slice(0, 12)}…); restore the original file and put changes in a new migration`,
      );
  }
}

export interface MigrateResult {
  /** Names of the migrations this run applied, in order. */
  readonly applied: string[];
  /** How many were already applied. */
  readonly upToDate: number;
}

/** Applies every pending migration of `files` to `db`. Throws {@link MigrationError} on a changed history. */
export async function migrate(
  db: Database,
  files: readonly MigrationFile[],
  onApply?: (name: string) => void,
): Promise<MigrateResult> {
  verify(await appliedMigrations(db), files);
  const applied: string[] = [];
  let upToDate = 0;
  for (const file of files) {
    // SQLite changes tables by rebuilding them, which needs foreign keys off (a no-op inside a
    // transaction, so it is set around it) and checked before committing.
    if (db.dialect === "sqlite") await db.execute("PRAGMA foreign_keys = OFF");
    const didApply = await db
      .transaction(async (tx) => {
        await lock(tx);
        const done = await appliedIn(tx);
        verify(done, files);
        if (done.some((a) => a.id === file.id)) return false;
        for (const statement of splitStatements(file.sql)) {
          try {
            await tx.execute(statement);
          } catch (error) {
            throw new MigrationError(
              `migration ${file.name} failed: ${(error as Error).message}\n  in: ${statement.split("\n")[0]}`,
            );
          }
        }
        if (tx.dialect === "sqlite") {
          const broken = await tx.query<{ table: string; parent: string }>("PRAGMA foreign_key_check");
          if (broken.length > 0)
            throw new MigrationError(
              `migration ${file.name} leaves ${broken.length} row(s) with broken foreign keys (first: ${broken[0]!.table} → ${broken[0]!.parent})`,
            );
        }
        await tx.execute("INSERT INTO hamlet_migrations (id, name, checksum) VALUES ($1, $2, $3)", [
          file.id,
          file.name,
          file.checksum,
        ]);
        return true;
      })
      .finally(async () => {
        if (db.dialect === "sqlite") await db.execute("PRAGMA foreign_keys = ON");
      });
    if (didApply) {
      applied.push(file.name);
      onApply?.(file.name);
    } else upToDate++;
  }
  return { applied, upToDate };
}

/**
 * Applies the pending migrations of the database's dialect from the `sql` emitter's output
 * folder (`<sqlDir>/sqlite/` or `<sqlDir>/postgres/`).
 */
export async function migrateDirectory(
  db: Database,
  sqlDir: string,
  onApply?: (name: string) => void,
): Promise<MigrateResult> {
  return migrate(db, readMigrations(join(sqlDir, db.dialect)), onApply);
}
