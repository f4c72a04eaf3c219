/**
 * Real PostgreSQL for tests.
 *
 * - Uses `HAMLET_TEST_PG_URL` (a superuser URL, e.g. from `eval "$(scripts/pg-server.sh start)"`) when set;
 * - otherwise starts a throwaway server with `scripts/pg-server.sh` on first use, shared by all
 *   test files of the vitest run and stopped (by a detached watcher) when the run's process exits;
 * - when neither is possible the import fails loudly, unless `HAMLET_SKIP_PG=1`
 *   (then `postgresAvailable` is false and PG variants are skipped).
 *
 * Every `createDatabase()` makes a fresh, randomly named database, so test files run in parallel.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { isMainThread } from "node:worker_threads";
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
  readonly admin: pg.Pool;
}

let server: Promise<Server> | null = null;
let users = 0;

/**
 * The process that owns this test run: the vitest main process (parent of a forks-pool
 * worker, or this process itself for the threads pool). Test files of one run share
 * one throwaway server, stopped by a detached watcher once this process exits.
 */
const RUN_OWNER_PID = isMainThread ? process.ppid : process.pid;
const SHARED_STATE = join(tmpdir(), `hamlet-pg-shared-${RUN_OWNER_PID}.json`);
const SHARED_LOCK = `${SHARED_STATE}.lock`;

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(SHARED_LOCK);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(SHARED_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(SHARED_LOCK, { recursive: true, force: true });
  }
}

async function sharedServerUrl(): Promise<string> {
  return withLock(async () => {
    if (existsSync(SHARED_STATE)) {
      const state = JSON.parse(readFileSync(SHARED_STATE, "utf8")) as {
        url: string;
        dir: string;
      };
      if (existsSync(join(state.dir, "data", "postmaster.pid"))) return state.url;
    }
    const { stdout } = await run(SCRIPT, ["start"], {
      env: { ...process.env, PG_BIN },
    });
    const url = /HAMLET_TEST_PG_URL=(\S+)/.exec(stdout)?.[1];
    const dir = /HAMLET_TEST_PG_DIR=(\S+)/.exec(stdout)?.[1];
    if (url === undefined || dir === undefined) throw new Error(`pg-server.sh start printed: ${stdout}`);
    writeFileSync(SHARED_STATE, JSON.stringify({ url, dir }));
    const reaper = spawn(
      "sh",
      [
        "-c",
        'while kill -0 "$0" 2>/dev/null; do sleep 1; done; "$1" stop "$2"; rm -f "$3"',
        String(RUN_OWNER_PID),
        SCRIPT,
        dir,
        SHARED_STATE,
      ],
      { detached: true, stdio: "ignore", env: { ...process.env, PG_BIN } },
    );
    reaper.unref();
    return url;
  });
}

async function startServer(): Promise<Server> {
  const url = EXTERNAL_URL ?? (await sharedServerUrl());
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on("error", () => undefined);
  return { url, admin };
}

async function releaseServer(): Promise<void> {
  const current = server;
  server = null;
  if (current !== null) await (await current).admin.end();
}

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
      if (--users === 0) await releaseServer();
    }
  }, 60_000);

  return {
    async createDatabase() {
      const { url, admin } = await ensureServer();
      const name = randomName("hamlet_test");
      try {
        // FILE_COPY is much faster than the PG15 default for tiny template databases.
        await admin.query(`CREATE DATABASE ${name} STRATEGY FILE_COPY`);
      } catch {
        await admin.query(`CREATE DATABASE ${name}`); // PostgreSQL < 15
      }
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
