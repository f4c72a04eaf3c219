/**
 * What createHamletServer does at start-up and on a crash: creates the SQLite folder, applies
 * pending migrations (`migrations` option), and reports a throwing handler even without a logger.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HamletConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { serveEndpoint } from "../src/http/routes.js";
import { createHamletServer, startServer } from "../src/server.js";
import { runtimeTables } from "../../emitters/sql/runtime-tables.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

let dir: string;

async function migratedMemory() {
  const db = openDatabase(":memory:");
  await ensureRuntimeTables(db);
  return db;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hamlet-startup-"));
  mkdirSync(join(dir, "sql", "sqlite"), { recursive: true });
  // As the sql emitter writes it: the runtime's tables come with the first migration.
  writeFileSync(
    join(dir, "sql", "sqlite", "0001_initial.up.sql"),
    `${runtimeTables.up.sqlite.join("\n")}\nCREATE TABLE notes (id TEXT PRIMARY KEY);\n`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (url: string): HamletConfig => ({
  database: { url },
  sessions: { secrets: ["startup-secret-startup-secret-startup"] },
  tenants: { mode: "single", tenant: "t" },
});

describe("createHamletServer start-up", () => {
  it("creates the SQLite folder and applies pending migrations, once", async () => {
    const url = `sqlite:${join(dir, "state", "nested", "app.db")}`;
    for (let start = 0; start < 2; start++) {
      const app = await createHamletServer({ config: config(url), migrations: join(dir, "sql") });
      await app.close();
    }
    const db = openDatabase(url);
    try {
      expect(await db.query("SELECT name FROM hamlet_migrations")).toEqual([{ name: "0001_initial" }]);
      expect(await db.query("SELECT count(*) AS n FROM notes")).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });

  it("reports a handler that throws, by default on standard error when the logger is off", async () => {
    const reported: string[] = [];
    const custom = await createHamletServer({
      config: config(":memory:"),
      database: await migratedMemory(),
      reportCrash: (error, where) => reported.push(`${where}: ${(error as Error).message}`),
    });
    const silent = await createHamletServer({ config: config(":memory:"), database: await migratedMemory() });
    for (const app of [custom, silent])
      serveEndpoint(app, {
        name: "Boom",
        method: "GET",
        path: "/boom",
        auth: false,
        pathParams: {},
        query: {},
        body: false,
        decode: (value) => ({ ok: true, value }),
        encode: (value) => value,
        errors: undefined,
        handle: async () => {
          throw new Error("kaboom");
        },
      });
    try {
      const { url } = await startServer(custom, { port: 0 });
      expect((await fetch(`${url}/boom`)).status).toBe(500);
      expect(reported).toEqual(["handler Boom failed (GET /boom): kaboom"]);

      const stderr: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
      try {
        const answer = await silent.inject({ method: "GET", url: "/boom" });
        expect(answer.statusCode).toBe(500);
        expect(answer.json()).toEqual({ tag: "InternalError" });
      } finally {
        process.stderr.write = write;
      }
      expect(stderr.join("")).toMatch(/^hamlet: handler Boom failed \(GET \/boom\): Error: kaboom\n\s+at /);
    } finally {
      await custom.close();
      await silent.close();
    }
  });
});
