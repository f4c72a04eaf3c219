/**
 * `hamletc migrate`: applies the pending migrations that `hamletc build` wrote into
 * `<out>/sql/<dialect>/` to a database (default: `[hamlet.server] database_url`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { builtinEmitterNames } from "../../../emitters/index.js";
import { snapshotOf } from "../../../emitters/sql/model.js";
import { defaultConfig, findConfig, loadConfig, type HamletConfig } from "../../config/index.js";
import { compile } from "../../program/compile.js";
import { ExitCode } from "../exit-codes.js";
import { loadProject } from "../project.js";
import type { Reporter } from "../report.js";

export interface MigrateOptions {
  readonly config?: string | undefined;
  /** Database URL; default `[hamlet.server] database_url`. */
  readonly database?: string | undefined;
  /** Which migrations to apply; must match the URL's dialect. Default: the URL's dialect. */
  readonly dialect?: "sqlite" | "postgres" | undefined;
  /** The `sql` output folder; default `<out>/sql`. */
  readonly dir?: string | undefined;
}

export async function runMigrate(options: MigrateOptions, reporter: Reporter, cwd = process.cwd()): Promise<ExitCode> {
  const configPath = options.config ? resolve(cwd, options.config) : findConfig(cwd);
  let config: HamletConfig;
  if (configPath) {
    const loaded = loadConfig(configPath, builtinEmitterNames);
    reporter.diagnostics(loaded.diagnostics, new Map());
    if (!loaded.config || loaded.diagnostics.some((d) => d.severity === "error")) return ExitCode.usage;
    config = loaded.config;
  } else config = defaultConfig(cwd);

  const runtime = await loadRuntime();
  if (!runtime) return ExitCode.usage;
  const { parseDatabaseUrl, openDatabase, migrate, readMigrations, MigrationError } = runtime;
  const url = options.database ?? config.server.databaseUrl;
  let dialect: "sqlite" | "postgres";
  // The config's relative `sqlite:` path is relative to the project root, like the server's.
  const dbUrl = options.database === undefined ? sqliteUrlUnder(config.rootDir, url) : url;
  try {
    const target = parseDatabaseUrl(dbUrl);
    dialect = target.dialect;
    if (target.dialect === "sqlite" && target.filename !== ":memory:")
      mkdirSync(dirname(resolve(cwd, target.filename)), { recursive: true });
  } catch (error) {
    fail(`hamletc migrate: ${(error as Error).message}`);
    return ExitCode.usage;
  }
  if (options.dialect && options.dialect !== dialect) {
    fail(`hamletc migrate: --dialect ${options.dialect} does not match the database URL, which is ${dialect}.`);
    return ExitCode.usage;
  }
  const dir = join(options.dir ? resolve(cwd, options.dir) : join(config.outDir, "sql"), dialect);
  const shown = relative(cwd, dir) || ".";
  let files;
  try {
    files = readMigrations(dir);
  } catch (error) {
    fail(`hamletc migrate: ${(error as Error).message}`);
    return ExitCode.failed;
  }
  if (files.length === 0) {
    fail(`hamletc migrate: no migrations in ${shown}; run \`hamletc build\` first.`);
    return ExitCode.failed;
  }
  const ahead = schemaAheadOf(join(dirname(dir), "snapshot.json"), options.config, cwd);
  if (ahead)
    reporter.info(
      `warning: the schema's models differ from the migrations in ${shown}; run \`hamletc build\` to generate a migration for the change (applying the existing ones now).`,
    );
  const db = openDatabase(dbUrl);
  try {
    const result = await migrate(db, files, (name) => reporter.info(`applied ${name}`));
    reporter.info(
      result.applied.length === 0
        ? `Database is up to date (${result.upToDate} migration${result.upToDate === 1 ? "" : "s"} from ${shown}).`
        : `Applied ${result.applied.length} migration${result.applied.length === 1 ? "" : "s"} from ${shown}.`,
    );
    return ExitCode.ok;
  } catch (error) {
    fail(
      `hamletc migrate: ${error instanceof MigrationError ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    return ExitCode.failed;
  } finally {
    await db.close();
  }
}

/**
 * True when the project's schema describes other tables than the snapshot the last build wrote
 * next to the migrations: the user changed a model and forgot `hamletc build`. Any problem
 * (no snapshot, a schema with errors) means "cannot tell", and no warning.
 */
function schemaAheadOf(snapshotFile: string, config: string | undefined, cwd: string): boolean {
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(snapshotFile, "utf8"));
  } catch {
    return false;
  }
  const { project } = loadProject({ files: [], config }, cwd);
  if (!project) return false;
  const { schema } = compile({ entries: project.files, features: project.config.features });
  if (!schema) return false;
  // Only the models count: the snapshot also records which runtime table sets (`extras`) exist.
  const { version, tables } = (stored ?? {}) as { version?: unknown; tables?: unknown };
  return JSON.stringify({ version, tables }) !== JSON.stringify(snapshotOf(schema));
}

/**
 * The migrator and database drivers live in `@hamlet/runtime-node` (the server applies
 * migrations at start-up too); the compiler loads them only here, so installing it never pulls
 * in Fastify, pg or the native SQLite build.
 */
export async function loadRuntime(
  command = "hamletc migrate",
  role = "it applies the migrations",
): Promise<typeof import("@hamlet/runtime-node") | undefined> {
  try {
    return await import("@hamlet/runtime-node");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" || !String((error as Error).message).includes("@hamlet/runtime-node"))
      throw error;
    fail(
      `${command}: the package @hamlet/runtime-node is not installed; ${role}. Install it next to the compiler (\`npm install @hamlet/runtime-node\`).`,
    );
    return undefined;
  }
}

/** The config's relative `sqlite:` path, resolved against the project root. */
export function sqliteUrlUnder(rootDir: string, url: string): string {
  const match = /^(sqlite|file):(?!\/\/)(.*)$/i.exec(url.trim());
  if (!match || match[2] === ":memory:") return url;
  return `sqlite:${resolve(rootDir, match[2]!)}`;
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
}
