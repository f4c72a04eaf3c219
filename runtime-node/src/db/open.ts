import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Database } from "./database.js";
import { openPostgresDatabase, type PostgresOptions } from "./postgres.js";
import { openSqliteDatabase, type SqliteOptions } from "./sqlite.js";

/** Options for {@link openDatabase}, passed to whichever backend the URL selects. */
export interface OpenDatabaseOptions {
  readonly sqlite?: SqliteOptions;
  readonly postgres?: PostgresOptions;
}

/** Where a database URL points. */
export type DatabaseTarget =
  | { readonly dialect: "sqlite"; readonly filename: string }
  | { readonly dialect: "postgres"; readonly connectionString: string };

/**
 * Classifies a database URL: `postgres://` / `postgresql://` → PostgreSQL;
 * `sqlite:PATH`, `file:PATH` (`sqlite:///abs`, `file:///abs` too), `:memory:`
 * or a plain path → SQLite. Other schemes throw.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed.length === 0) throw new Error("Hamlet: empty database URL");
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: "postgres", connectionString: trimmed };
  const prefixed = /^(sqlite|file):(.*)$/i.exec(trimmed);
  if (prefixed) {
    let filename = prefixed[2] ?? "";
    if (filename.startsWith("//")) filename = filename.slice(2);
    if (filename.length === 0) throw new Error(`Hamlet: database URL ${JSON.stringify(url)} has no path`);
    return { dialect: "sqlite", filename };
  }
  if (trimmed === ":memory:") return { dialect: "sqlite", filename: trimmed };
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed);
  if (scheme) throw new Error(`Hamlet: unsupported database URL scheme "${scheme[1]}:"`);
  return { dialect: "sqlite", filename: trimmed };
}

/**
 * Opens a {@link Database} for `url` (see {@link parseDatabaseUrl}). A SQLite file's folder is
 * created when missing (`sqlite:.hamlet/app.db` in a fresh project).
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Database {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "postgres") return openPostgresDatabase(target.connectionString, options.postgres);
  if (target.filename !== ":memory:" && !target.filename.startsWith("file::memory:"))
    mkdirSync(dirname(target.filename), { recursive: true });
  return openSqliteDatabase(target.filename, options.sqlite);
}
