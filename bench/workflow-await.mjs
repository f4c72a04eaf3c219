#!/usr/bin/env node
// Workflow runs per second when a step waits for a durable service call (`awaitService`) against
// the same step calling the service itself (`fetch`, no durability), on SQLite and, with
// HAMLET_TEST_PG_URL, PostgreSQL. The service is a local HTTP server answering at once, so the
// figure is the cost of the durable round trip: the call stored as a job, sent, its answer
// recorded and the step resumed in new transactions.
//
//   npm run build (and runtime-node's) && node bench/workflow-await.mjs [--runs 300] [--concurrency 8]
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const RUNS = option("runs", 300);
const CONCURRENCY = option("concurrency", 8);

const runtime = await import("@hamlet/runtime-node");
const { eventStoreStatements } = await import(pathToFileURL(join(root, "dist/emitters/sql/event-store.js")).href);

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.setHeader("content-type", "application/json").end('{"allowed":true}'));
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const url = `http://127.0.0.1:${server.address().port}/check`;
const accept = (value) => ({ ok: true, value });

function registry(mode) {
  const ask =
    mode === "await"
      ? async ({ awaitService }) => {
          const outcome = await awaitService("Check", { text: "hello" });
          if (!outcome.ok) throw new Error(outcome.error);
          return outcome.answer;
        }
      : async () => {
          const response = await fetch(url, { method: "POST", body: '{"text":"hello"}' });
          return response.json();
        };
  return {
    events: [{ name: "Go", validate: accept }],
    handlers: {},
    services: [{ name: "Check", method: "POST", url, validateRequest: accept }],
    workflows: [
      {
        name: "Flow",
        trigger: "Go",
        steps: [
          { name: "ask", run: ask },
          { name: "after", run: async () => null },
        ],
      },
    ],
  };
}

async function measure(open, mode) {
  const { db, listenUrl, close } = await open();
  await db.transaction(async (tx) => {
    for (const sql of eventStoreStatements(db.dialect)) await tx.execute(sql);
  });
  const events = runtime.createEventSystem({
    db,
    registry: registry(mode),
    listenUrl,
    concurrency: CONCURRENCY,
    pollMs: 200,
    retention: false,
    onError: () => undefined,
  });
  for (let i = 0; i < RUNS; i++) {
    await events.transaction(db, { tenantId: "bench" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
  }
  const started = performance.now();
  await events.start();
  for (;;) {
    const [row] = await db.withTenant("bench", (tx) =>
      tx.query("SELECT count(*) AS n FROM hamlet_workflow_runs WHERE status = 'completed'"),
    );
    if (Number(row.n) >= RUNS) break;
    await new Promise((done) => setTimeout(done, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  await events.stop();
  await close();
  return RUNS / seconds;
}

const sqliteDir = mkdtempSync(join(tmpdir(), "hamlet-bench-await-"));
let counter = 0;
const openSqlite = async () => {
  const db = runtime.openDatabase(join(sqliteDir, `bench-${++counter}.sqlite`));
  return { db, listenUrl: undefined, close: () => db.close() };
};
const baseUrl = process.env.HAMLET_BENCH_PG_URL ?? process.env.HAMLET_TEST_PG_URL;
const admin = baseUrl === undefined ? null : new pg.Pool({ connectionString: baseUrl, max: 1 });
const created = [];
const openPostgres = async () => {
  const name = `bench_await_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.push(name);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${name}`;
  const db = runtime.openDatabase(dbUrl.toString());
  return { db, listenUrl: dbUrl.toString(), close: () => db.close() };
};

console.log(`workflow runs per second, ${RUNS} runs of [ask, after], concurrency ${CONCURRENCY}`);
try {
  for (const [dialect, open] of [["sqlite", openSqlite], ...(admin ? [["postgres", openPostgres]] : [])]) {
    const direct = await measure(open, "direct");
    const awaited = await measure(open, "await");
    console.log(
      `  ${dialect.padEnd(8)} step calls fetch itself: ${direct.toFixed(0).padStart(5)} runs/s   ` +
        `awaitService (durable call + resume): ${awaited.toFixed(0).padStart(5)} runs/s   (${((awaited / direct) * 100).toFixed(0)}%)`,
    );
  }
} finally {
  server.close();
  rmSync(sqliteDir, { recursive: true, force: true });
  if (admin) {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
