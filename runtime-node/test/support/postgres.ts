/**
 * Real PostgreSQL for tests.
 *
 * - Uses `HAMLET_TEST_PG_URL` (a superuser URL, e.g. from `eval "$(scripts/pg-server.sh start)"`) when set;
 * - otherwise starts a throwaway server with `scripts/pg-server.sh` on first use in this test file
 *   and stops it after the file's tests;
 * - when neither is possible the import fails loudly, unless `HAMLET_SKIP_PG=1`
 *   (then `postgresAvailable` is false and PG variants are skipped).
 *
 * Every `createDatabase()` makes a fresh, randomly named database, so test files run in parallel.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll } from "vitest";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("../../../scripts/pg-server.sh", import.meta.url));
const PG_BIN = process.env["PG_BIN"] ?? "/usr/lib/postgresql/15/bin";
const EXTERNAL_URL = process.env["HAMLET_TEST_PG_URL"];
const BINARIES_PRESENT = existsSync(join(PG_BIN, "initdb")) && existsSync(join(PG_BIN, "pg_ctl"));

if (EXTERNAL_URL === undefined && !BINARIES_PRESENT && process.env["HAMLET_SKIP_PG"] !== "1") {
  throw new Error(
    `PostgreSQL tests need HAMLET_TEST_PG_URL or PostgreSQL binaries in ${PG_BIN} (set PG_BIN); ` +
      "set HAMLET_SKIP_PG=1 to skip them explicitly.",
  );
}

/** Whether PostgreSQL tests can run (false only with HAMLET_SKIP_PG=1 and no server). */
export const postgresAvailable: boolean = EXTERNAL_URL !== undefined || BINARIES_PRESENT;

/** A login role without superuser or BYPASSRLS, for row-level-security tests. */
export interface TestRole {
  readonly name: string;
  /** `databaseUrl` with this role's credentials. */
  urlFor(databaseUrl: string): string;
}

/** Per-file PostgreSQL fixture returned by {@link usePostgres}. */
export interface PostgresFixture {
  /** Creates a fresh database and returns its (superuser) URL; dropped after the file's tests. */
  createDatabase(): Promise<string>;
  /** Creates a fresh non-superuser login role; dropped after the file's tests. */
  createRole(): Promise<TestRole>;
}

interface Server {
  readonly url: string;
  readonly dir: string | null;
  readonly admin: pg.Pool;
}

let server: Promise<Server> | null = null;
let users = 0;
let startedDir: string | null = null;

async function startServer(): Promise<Server> {
  if (EXTERNAL_URL !== undefined) {
    return { url: EXTERNAL_URL, dir: null, admin: adminPool(EXTERNAL_URL) };
  }
  const { stdout } = await run(SCRIPT, ["start"], { env: { ...process.env, PG_BIN } });
  const url = /HAMLET_TEST_PG_URL=(\S+)/.exec(stdout)?.[1];
  const dir = /HAMLET_TEST_PG_DIR=(\S+)/.exec(stdout)?.[1];
  if (url === undefined || dir === undefined) throw new Error(`pg-server.sh start printed: ${stdout}`);
  startedDir = dir;
  return { url, dir, admin: adminPool(url) };
}

function adminPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined);
  return pool;
}

async function stopServer(): Promise<void> {
  const current = server;
  server = null;
  if (current === null) return;
  const { admin, dir } = await current;
  await admin.end();
  if (dir !== null) {
    await run(SCRIPT, ["stop", dir], { env: { ...process.env, PG_BIN } });
    startedDir = null;
  }
}

process.once("exit", () => {
  if (startedDir !== null) {
    try {
      execFileSync(SCRIPT, ["stop", startedDir], { stdio: "ignore" });
    } catch {
      // best effort
    }
  }
});

function ensureServer(): Promise<Server> {
  server ??= startServer();
  return server;
}

function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}

function withPath(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Registers this file (or describe block) as a PostgreSQL user: the server is started
 * lazily by the first `createDatabase()`/`createRole()` and everything created is
 * dropped in `afterAll`.
 */
export function usePostgres(): PostgresFixture {
  users++;
  const databases: string[] = [];
  const roles: string[] = [];

  afterAll(async () => {
    try {
      if (server !== null) {
        const { admin } = await server;
        for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const name of roles) await admin.query(`DROP ROLE IF EXISTS ${name}`);
      }
    } finally {
      if (--users === 0) await stopServer();
    }
  }, 60_000);

  return {
    async createDatabase() {
      const { url, admin } = await ensureServer();
      const name = randomName("hamlet_test");
      await admin.query(`CREATE DATABASE ${name}`);
      databases.push(name);
      return withPath(url, name);
    },
    async createRole() {
      const { admin } = await ensureServer();
      const name = randomName("hamlet_app");
      const password = randomBytes(16).toString("hex");
      await admin.query(`CREATE ROLE ${name} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`);
      roles.push(name);
      return {
        name,
        urlFor(databaseUrl) {
          const parsed = new URL(databaseUrl);
          parsed.username = name;
          parsed.password = password;
          return parsed.toString();
        },
      };
    },
  };
}
