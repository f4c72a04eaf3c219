#!/usr/bin/env node
// How long other writes wait while a workflow step does slow work (a worker-pool call, an HTTP
// call) without touching the database: a step that waits --wait ms (a stand-in for the
// `thumbnail` step's ImageResizer call), and meanwhile --writes KV increments on the app's
// database, one after another. The step's delivery opens its tenant transaction only at the
// step's first statement, so a step that waits before writing holds nothing meanwhile and the
// increments go through at once on both dialects. (Before, the transaction was open for the whole
// step: on SQLite the database's only writer, BEGIN IMMEDIATE, so each increment waited ≈ --wait
// ms and the first finished after the step's wait ended.)
//
//   node bench/step-transaction.mjs [--wait 500] [--writes 10]
//   HAMLET_TEST_PG_URL=postgres://... node bench/step-transaction.mjs --postgres
import { join } from "node:path";
import { benchDatabase, compileHoratio, example } from "./support/horatio.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const waitMs = option("--wait", 500);
const writes = option("--writes", 10);
const TENANT = "bench";

compileHoratio();
const runtime = await import("@hamlet/runtime-node");
const database = await benchDatabase(runtime, "step-transaction", args.includes("--postgres"));
const db = runtime.openDatabase(database.url);
let system;
try {
  // Horatio's migrations: the runtime tables and the event store.
  await runtime.migrate(db, runtime.readMigrations(join(example, "generated", "sql", db.dialect)));
  let stepStarted;
  const started = new Promise((resolve) => (stepStarted = resolve));
  let stepEnded;
  const ended = new Promise((resolve) => (stepEnded = resolve));
  const any = (value) => ({ ok: true, value });
  system = runtime.createEventSystem({
    db,
    registry: {
      events: [{ name: "SlowRequested", validate: any }],
      handlers: {},
      workflows: [
        {
          name: "Slow",
          trigger: "SlowRequested",
          steps: [
            {
              name: "slow",
              async run() {
                stepStarted();
                await new Promise((resolve) => setTimeout(resolve, waitMs));
                stepEnded(Date.now());
                return null;
              },
            },
          ],
        },
      ],
    },
    pollMs: 20,
    onError: (error) => console.error(error),
  });
  await system.start();
  await system.transaction(db, { tenantId: TENANT }, (_tx, emit) => emit({ name: "SlowRequested", payload: {} }));
  await started;
  const kv = runtime.kvFor(db, TENANT);
  const latencies = [];
  const from = Date.now();
  for (let i = 0; i < writes; i++) {
    const t = process.hrtime.bigint();
    await kv.increment("counter");
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const stepEnd = await ended;
  const firstDone = from + latencies[0];
  latencies.sort((a, b) => a - b);
  console.log(
    `${db.dialect}: step waits ${waitMs} ms; ${writes} KV increments meanwhile: ` +
      `max ${latencies.at(-1).toFixed(1)} ms, median ${latencies[Math.floor(writes / 2)].toFixed(1)} ms; ` +
      `first increment ${firstDone >= stepEnd ? "after" : "before"} the step's wait ended`,
  );
} finally {
  await system?.stop();
  await db.close();
  await database.drop();
}
