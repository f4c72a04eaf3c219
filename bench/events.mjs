#!/usr/bin/env node
// Events handled per second on PostgreSQL: Hamlet's durable event system vs pg-boss and
// graphile-worker (both unbatched) on the same trivial job, plus the lateness of delayed and
// `@schedule` events after their due time.
//
//   npm run build (and runtime-node's) && HAMLET_TEST_PG_URL=postgres://... node bench/events.mjs [--jobs 5000] [--concurrency 16] [--rounds 3] [--lateness-only]
//
// Each queue gets its own fresh database, N jobs enqueued up front (not timed), then workers with
// the same concurrency start and the clock runs until the N-th job finished. Hamlet runs as an
// ordinary role (row level security on, as in production); pg-boss and graphile-worker as the
// superuser that owns their schemas. Hamlet and graphile-worker alternate for `--rounds` rounds
// (a busy shared machine slows both alike) and the median of each is compared; the CPU time of
// this process per job is shown too (the database's share is not measured here).
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import PgBoss from "pg-boss";
import { Logger, makeWorkerUtils, run } from "graphile-worker";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const JOBS = option("jobs", 5000);
const CONCURRENCY = option("concurrency", 16);
const ROUNDS = Math.max(1, option("rounds", 3));
// pg-boss 10 fetches one job per worker per polling interval (0.5 s at least) when batchSize is 1:
// fewer jobs keep the run short; the rate is what is compared.
const BOSS_JOBS = Math.min(JOBS, 1000);
const baseUrl = process.env.HAMLET_BENCH_PG_URL ?? process.env.HAMLET_TEST_PG_URL;
if (baseUrl === undefined) {
  console.log("bench/events.mjs: set HAMLET_TEST_PG_URL (a superuser URL) to run it; skipped.");
  process.exit(0);
}

const runtime = await import("@hamlet/runtime-node");
const { eventStoreStatements, EVENT_STORE_TABLES } = await import(
  pathToFileURL(join(root, "dist/emitters/sql/event-store.js")).href
);

const admin = new pg.Pool({ connectionString: baseUrl, max: 2 });
const created = { databases: [], roles: [] };
const urlFor = (database, user, password) => {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  if (user !== undefined) {
    url.username = user;
    url.password = password;
  }
  return url.toString();
};
async function freshDatabase(prefix) {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.databases.push(name);
  return name;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
let recoveredErrors = 0;
const countError = () => void recoveredErrors++;
const waitFor = async (check) => {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
};
/** A counter of finished jobs and a promise that resolves when it reaches `total`. */
const finishLine = (total) => {
  let done = 0;
  let reached;
  const all = new Promise((resolve) => (reached = resolve));
  return {
    all,
    job: async () => {
      if (++done === total) reached();
    },
  };
};
/** Runs `work` (which resolves when every job is done) and returns jobs/s and this process's CPU µs per job. */
const timed = async (jobs, work) => {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: jobs / seconds, cpuPerJob: (used.user + used.system) / jobs };
};

async function hamletDatabase() {
  const name = await freshDatabase("bench_hamlet");
  const owner = runtime.openPostgresDatabase(urlFor(name));
  await owner.transaction(async (tx) => {
    for (const sql of eventStoreStatements("postgres")) await tx.execute(sql);
  });
  const role = `bench_app_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`);
  created.roles.push(role);
  await owner.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${EVENT_STORE_TABLES.join(", ")} TO ${role}`);
  await owner.close();
  return urlFor(name, role, password);
}

async function benchHamlet() {
  const url = await hamletDatabase();
  const db = runtime.openPostgresDatabase(url, { maxConnections: CONCURRENCY + 4 });
  const finish = finishLine(JOBS);
  const events = runtime.createEventSystem({
    db,
    listenUrl: url,
    concurrency: CONCURRENCY,
    onError: countError,
    registry: {
      events: [{ name: "Job", validate: (value) => ({ ok: true, value }) }],
      handlers: { Job: finish.job },
    },
  });
  for (let start = 0; start < JOBS; start += 500) {
    await events.transaction(db, { tenantId: "default" }, async (_tx, emit) => {
      for (let i = start; i < Math.min(JOBS, start + 500); i++) await emit({ name: "Job", payload: { i } });
    });
  }
  const result = await timed(JOBS, async () => {
    await events.start();
    await finish.all;
  });
  await events.stop();
  await db.close();
  return result;
}

async function benchPgBoss() {
  const name = await freshDatabase("bench_pgboss");
  const boss = new PgBoss({ connectionString: urlFor(name), max: CONCURRENCY + 4 });
  boss.on("error", () => undefined);
  await boss.start();
  await boss.createQueue("job");
  for (let start = 0; start < BOSS_JOBS; start += 1000) {
    const count = Math.min(1000, BOSS_JOBS - start);
    await boss.insert(Array.from({ length: count }, (_, i) => ({ name: "job", data: { i: start + i } })));
  }
  const finish = finishLine(BOSS_JOBS);
  const result = await timed(BOSS_JOBS, async () => {
    for (let i = 0; i < CONCURRENCY; i++) {
      await boss.work("job", { batchSize: 1, pollingIntervalSeconds: 0.5 }, finish.job);
    }
    await finish.all;
  });
  await boss.stop({ graceful: false, wait: true });
  return result;
}

async function benchGraphile() {
  const name = await freshDatabase("bench_graphile");
  const connectionString = urlFor(name);
  const logger = new Logger(() => () => undefined);
  const utils = await makeWorkerUtils({ connectionString, logger });
  await utils.migrate();
  for (let start = 0; start < JOBS; start += 1000) {
    const count = Math.min(1000, JOBS - start);
    await utils.addJobs(Array.from({ length: count }, (_, i) => ({ identifier: "job", payload: { i: start + i } })));
  }
  await utils.release();
  const finish = finishLine(JOBS);
  let runner;
  const result = await timed(JOBS, async () => {
    runner = await run({
      connectionString,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 500,
      logger,
      taskList: { job: finish.job },
    });
    await finish.all;
  });
  await runner.stop();
  return result;
}

async function benchLateness() {
  const url = await hamletDatabase();
  const db = runtime.openPostgresDatabase(url, { maxConnections: CONCURRENCY + 4 });
  const delayed = [];
  const scheduled = [];
  const EVERY = 100;
  const events = runtime.createEventSystem({
    db,
    listenUrl: url,
    concurrency: CONCURRENCY,
    onError: countError,
    registry: {
      events: [
        { name: "Later", validate: (value) => ({ ok: true, value }) },
        {
          name: "Tick",
          validate: (value) => ({ ok: true, value }),
          schedule: { everyMs: EVERY, payload: (at) => ({ at }) },
        },
      ],
      handlers: {
        Later: async (payload) => void delayed.push(Date.now() - payload.due),
        Tick: async (payload) => void scheduled.push(Date.now() - payload.at),
      },
    },
  });
  await events.start();
  // Due times start well after the (not timed) emission has committed, so no event is born late.
  const base = Date.now() + 4000;
  const COUNT = 500;
  for (let start = 0; start < COUNT; start += 100) {
    await events.transaction(db, { tenantId: "default" }, async (_tx, emit) => {
      for (let i = start; i < start + 100; i++) {
        const due = base + i * 7;
        await emit({ name: "Later", payload: { due }, dueAt: due });
      }
    });
  }
  if (Date.now() >= base)
    console.log("  (warning: emitting took longer than the lead time; delayed figures are inflated)");
  await waitFor(() => delayed.length >= COUNT);
  await waitFor(() => scheduled.length >= 40);
  await events.stop();
  await db.close();
  return { delayed, scheduled };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function throughput() {
  console.log(
    `PostgreSQL, ${JOBS} trivial jobs, concurrency ${CONCURRENCY}, one process each, ${ROUNDS} alternating rounds` +
      " (defaults: pg-boss and graphile-worker unbatched; Hamlet claims in batches and group-commits completions):",
  );
  const hamlet = [];
  const graphile = [];
  for (let round = 0; round < ROUNDS; round++) {
    hamlet.push(await benchHamlet());
    graphile.push(await benchGraphile());
  }
  const boss = await benchPgBoss();
  const summary = (name, results) => {
    const rate = median(results.map((r) => r.rate));
    const cpu = median(results.map((r) => r.cpuPerJob));
    const all = results.map((r) => r.rate.toFixed(0)).join(", ");
    console.log(
      `  ${name.padEnd(22)} ${rate.toFixed(0).padStart(7)} jobs/s  (rounds: ${all}; ${cpu.toFixed(0)} µs CPU of this process per job)`,
    );
    return rate;
  };
  const hamletRate = summary("hamlet events", hamlet);
  const graphileRate = summary("graphile-worker 0.17", graphile);
  const bossRate = summary(`pg-boss 10 (${BOSS_JOBS} jobs)`, [boss]);
  console.log(
    `  ratio (medians): hamlet / graphile-worker = ${(hamletRate / graphileRate).toFixed(2)} (target >= 1), hamlet / pg-boss = ${(hamletRate / bossRate).toFixed(2)} (target >= 2)`,
  );
}

try {
  if (!args.includes("--lateness-only")) await throughput();
  const { delayed, scheduled } = await benchLateness();
  const describe = (values) =>
    `p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms, max ${Math.max(...values)} ms (n=${values.length})`;
  console.log(`Lateness after the due time (target p99 < 50 ms):`);
  console.log(`  delayed events (dueAt): ${describe(delayed)}`);
  console.log(`  @schedule(every: 100ms): ${describe(scheduled)}`);
  if (recoveredErrors > 0) console.log(`  (the dispatcher reported ${recoveredErrors} recovered errors)`);
} finally {
  for (const name of created.databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  for (const role of created.roles) await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
}
