/**
 * Workers that emit events (`@emits` on a `worker`): the body emits in its thread, the events come
 * back with the output, the parent decodes them with the generated event validators and stores
 * them in one transaction: durable on the event store (SQLite and PostgreSQL as an ordinary role),
 * delivered after the transaction in memory. A declared error, a malformed payload or a missing
 * sink emit nothing; a workflow step hands its CPU work to the worker and continues with its output.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEventSystem } from "../src/events/durable.js";
import { createMemoryEventSystem } from "../src/events/memory.js";
import type { EventRegistry, EventSystem, PayloadValidator } from "../src/events/types.js";
import type { RunOptions, WorkerPool, WorkerResult } from "../src/workers/index.js";
import { compileSchema, emitTypescript, tmpRoot, writeFiles } from "../../test/support/ts-emit.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";

const SCHEMA = `package worker_events_test

/// A square was computed.
event SquareComputed { n: Int, square: Int }

/// Audit trail of small inputs.
event SquareAudited { n: Int @range(0, 100) }

/// A square was asked for (a workflow trigger).
event SquareRequested { n: Int }

@emits(SquareComputed)
@emits(SquareAudited)
worker Squarer {
  input SquareJob { n: Int, mode: String }
  output SquareDone { square: Int }
  error SquareRefused { reason: String }
}
`;

const BODY = `import { defineSquarer } from "./typescript/workers.js";

export default defineSquarer((job, { emit, fail }) => {
  const square = job.n * job.n;
  switch (job.mode) {
    case "emit":
      emit("SquareComputed", { n: job.n, square });
      emit("SquareAudited", { n: job.n }, { idempotencyKey: "audit-" + job.n });
      return { square };
    case "refuse":
      emit("SquareComputed", { n: job.n, square });
      return fail({ reason: "refused after emitting" });
    case "undeclared":
      emit("SquareRequested", { n: job.n });
      return { square };
    case "throw":
      emit("SquareComputed", { n: job.n, square });
      throw new Error("boom after emitting");
  }
  return { square };
});
`;

interface SquareJob {
  n: number;
  mode: string;
}
type Pool = WorkerPool<SquareJob, never, { square: number }, { reason: string }>;
type Generated = {
  createSquarerPool: (options: { filename: string; minThreads?: number; maxThreads?: number }) => Pool;
};
type Validators = Record<string, PayloadValidator<unknown>>;

const dir = join(tmpRoot, `workers-events-${process.pid}`);
let pool: Pool;
let validators: Validators;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "schema.hamlet"), SCHEMA);
  writeFiles(
    join(dir, "typescript"),
    await emitTypescript(compileSchema(join(dir, "schema.hamlet")), "../../../../runtime-node/src/index.js"),
  );
  writeFileSync(join(dir, "body.ts"), BODY);
  await build({
    entryPoints: [join(dir, "body.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: join(dir, "body.mjs"),
    external: ["piscina"],
    logLevel: "silent",
  });
  const generated = (await import(join(dir, "typescript", "workers.ts"))) as Generated;
  validators = (await import(join(dir, "typescript", "validators.ts"))) as Validators;
  pool = generated.createSquarerPool({ filename: join(dir, "body.mjs"), minThreads: 1, maxThreads: 2 });
});

afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The registry: handlers record what they received, so delivery is observed, not assumed. */
function registry(seen: string[], extra: Partial<EventRegistry> = {}): EventRegistry {
  const record = (name: string) => async (payload: unknown) => void seen.push(`${name} ${JSON.stringify(payload)}`);
  return {
    events: ["SquareComputed", "SquareAudited", "SquareRequested"].map((name) => ({
      name,
      validate: validators[`decode${name}`]!,
    })),
    handlers: { SquareComputed: record("SquareComputed"), SquareAudited: record("SquareAudited") },
    ...extra,
  };
}

function failureOf(result: WorkerResult<unknown, unknown>) {
  if (result.tag !== "failure") throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.failure;
}

/** The failures shared by both modes: nothing is emitted and the reason is typed. */
async function expectNothingEmitted(events: RunOptions<never>["events"]): Promise<void> {
  expect(await pool.run({ n: 3, mode: "refuse" }, { events })).toEqual({
    tag: "error",
    error: { reason: "refused after emitting" },
  });
  expect(failureOf(await pool.run({ n: 3, mode: "throw" }, { events }))).toEqual({
    tag: "crash",
    message: "boom after emitting",
  });
  // SquareAudited has n @range(0, 100): the parent's decoder rejects it, path-precise.
  expect(failureOf(await pool.run({ n: 500, mode: "emit" }, { events }))).toEqual({
    tag: "invalid-message",
    direction: "fromWorker",
    message: "event",
    event: "SquareAudited",
    issues: [expect.objectContaining({ path: "$.n" })],
  });
  expect(failureOf(await pool.run({ n: 3, mode: "undeclared" }, { events }))).toMatchObject({
    tag: "invalid-message",
    message: "event",
    event: "SquareRequested",
    issues: [{ path: "$", message: "SquareRequested is not in the @emits of worker Squarer" }],
  });
}

describe.each(testDialects)("worker events on the event store (%s)", (dialect) => {
  const open = useEventStoreDatabases();
  const systems: EventSystem[] = [];
  const stores: EventStoreDatabase[] = [];
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop({ timeoutMs: 2000 });
    for (const store of stores.splice(0)) await store.close();
  });

  async function setup(seen: string[], extra: Partial<EventRegistry> = {}) {
    const store = await open(dialect);
    stores.push(store);
    const system = createEventSystem({
      db: store.db,
      registry: registry(seen, extra),
      listenUrl: dialect === "postgres" ? store.url : undefined,
      pollMs: 100,
      onError: () => undefined,
    });
    systems.push(system);
    return { store, system };
  }

  async function storedNames(store: EventStoreDatabase, tenant = "t1"): Promise<string[]> {
    const rows = await store.admin.withTenant(tenant, (tx) =>
      tx.query<{ name: string }>("SELECT name FROM hamlet_events WHERE tenant_id = $1 ORDER BY name", [tenant]),
    );
    return rows.map((row) => row.name);
  }

  it("stores the emitted events in one transaction with the run's scope, then delivers them", async () => {
    const seen: string[] = [];
    const { store, system } = await setup(seen);
    const scope = { tenantId: "t1", correlationId: "corr-7" };
    const result = await pool.run({ n: 7, mode: "emit" }, { events: { system, db: store.db, scope } });
    expect(result).toMatchObject({ tag: "output", output: { square: 49 } });
    const emitted = (result as { emitted: { id: string; correlationId: string; created: boolean }[] }).emitted;
    expect(emitted.map((e) => [e.correlationId, e.created])).toEqual([
      ["corr-7", true],
      ["corr-7", true],
    ]);
    const first = await system.admin.getEvent("t1", emitted[0]!.id);
    expect(first).toMatchObject({ name: "SquareComputed", payload: { n: 7, square: 49 }, correlationId: "corr-7" });
    expect(await system.admin.getEvent("t1", emitted[1]!.id)).toMatchObject({
      name: "SquareAudited",
      idempotencyKey: "audit-7",
    });
    // The idempotency key holds across runs: the second audit is not stored again.
    const again = await pool.run({ n: 7, mode: "emit" }, { events: { system, db: store.db, scope } });
    expect((again as { emitted: { created: boolean }[] }).emitted.map((e) => e.created)).toEqual([true, false]);
    expect(await storedNames(store)).toEqual(["SquareAudited", "SquareComputed", "SquareComputed"]);
    expect(await storedNames(store, "t2")).toEqual([]);
    await system.start();
    await eventually(() => seen.length === 3);
    expect(seen.sort()).toEqual([
      'SquareAudited {"n":7}',
      'SquareComputed {"n":7,"square":49}',
      'SquareComputed {"n":7,"square":49}',
    ]);
  });

  it("stores nothing for a declared error, a crash, a malformed or undeclared event, or a failing sink", async () => {
    const { store, system } = await setup([]);
    await expectNothingEmitted({ system, db: store.db, scope: { tenantId: "t1" } });
    expect(failureOf(await pool.run({ n: 2, mode: "emit" }))).toEqual({
      tag: "emit-failed",
      message: "worker Squarer emitted SquareComputed, SquareAudited but run() was given no `events` sink",
    });
    const broken = {
      emit: async () => {
        throw new Error("database is gone");
      },
    };
    expect(failureOf(await pool.run({ n: 2, mode: "emit" }, { events: broken }))).toEqual({
      tag: "emit-failed",
      message: "database is gone",
    });
    expect(await storedNames(store)).toEqual([]);
  });

  it("lets a workflow step hand its CPU work to the worker and continue with its output", async () => {
    const seen: string[] = [];
    const { store, system } = await setup(seen, {
      workflows: [
        {
          name: "Squaring",
          trigger: "SquareRequested",
          retry: { attempts: 2, backoff: { kind: "fixed", delayMs: 20 } },
          steps: [
            {
              name: "square",
              run: async ({ trigger, context }) => {
                const n = (trigger as { n: number }).n;
                // The step's own emit: the worker's events commit with the step's completion.
                const result = await pool.run({ n, mode: "emit" }, { events: { emit: context.emit } });
                if (result.tag !== "output") throw new Error(`worker: ${JSON.stringify(result)}`);
                return result.output;
              },
            },
            {
              name: "report",
              run: async ({ outputs }) => {
                seen.push(`report ${JSON.stringify(outputs)}`);
                return undefined;
              },
            },
          ],
        },
      ],
    });
    await system.start();
    const { id } = await system.transaction(store.db, { tenantId: "t1", correlationId: "wf-1" }, (_tx, emit) =>
      emit({ name: "SquareRequested", payload: { n: 9 } }),
    );
    const runId = `Squaring:${id}`;
    await eventually(async () => (await system.admin.getRun("t1", runId))?.status === "completed");
    const run = (await system.admin.getRun("t1", runId))!;
    expect(run.steps.map((step) => [step.name, step.status, step.output])).toEqual([
      ["square", "done", { square: 81 }],
      ["report", "done", null],
    ]);
    expect(run.events.map((event) => event.name)).toEqual(
      expect.arrayContaining(["SquareRequested", "SquareComputed", "SquareAudited"]),
    );
    await eventually(() => seen.length === 3);
    expect(seen.sort()).toEqual([
      'SquareAudited {"n":9}',
      'SquareComputed {"n":9,"square":81}',
      'report {"square":{"square":81}}',
    ]);
  });
});

describe("worker events without the event store (memory)", () => {
  it("delivers the emitted events after the run's transaction, and nothing on failure", async () => {
    const seen: string[] = [];
    const system = createMemoryEventSystem({ registry: registry(seen), onError: () => undefined });
    await system.start();
    try {
      await expectNothingEmitted({ system, db: null, scope: { tenantId: "t1" } });
      const result = await pool.run(
        { n: 4, mode: "emit" },
        { events: { system, db: null, scope: { tenantId: "t1" } } },
      );
      expect(result).toMatchObject({ tag: "output", output: { square: 16 }, emitted: [{ created: true }, {}] });
      await system.drain({ timeoutMs: 5000 });
      expect(seen.sort()).toEqual(['SquareAudited {"n":4}', 'SquareComputed {"n":4,"square":16}']);
    } finally {
      await system.stop({ timeoutMs: 2000 });
    }
  });
});
