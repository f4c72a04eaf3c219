/**
 * Typed worker pools on real piscina threads: a schema with one worker is compiled, its
 * TypeScript emitted into test/.tmp, the worker body (importing the generated `workers.ts`) is
 * bundled with esbuild for the threads, and the pool is driven through every outcome: output,
 * progress, declared error, malformed messages both ways, cancellation, timeout, a crashing and a
 * hanging thread (each replaced, the pool keeps serving).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerPool, WorkerResult } from "../src/workers/index.js";
import { compileSchema, emitTypescript, tmpRoot, writeFiles } from "../../test/support/ts-emit.js";

const SCHEMA = `package workers_test

/// Squares a number, slowly.
worker Squarer {
  input SquareJob { n: Int @range(0, 1000), mode: String }
  progress SquareProgress { percent: Float @range(0, 100) }
  output SquareDone { square: Int }
  error SquareRefused { reason: String }
}
`;

/** The app's worker body: \`mode\` picks the behaviour under test. */
const BODY = `import { defineSquarer } from "./typescript/workers.js";

export default defineSquarer(async (job, { progress, fail }) => {
  switch (job.mode) {
    case "square":
      return { square: job.n * job.n };
    case "progress":
      for (let i = 1; i <= 4; i++) progress({ percent: i * 25 });
      return { square: job.n * job.n };
    case "refuse":
      return fail({ reason: "odd numbers only" });
    case "bad-output":
      return { square: "nine" };
    case "bad-progress":
      progress({ percent: 250 });
      return { square: 0 };
    case "throw":
      throw new Error("boom");
    case "exit":
      process.exit(3);
    case "hang":
      for (;;) {}
    case "slow":
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      return { square: 0 };
  }
  return fail({ reason: "unknown mode " + job.mode });
});
`;

interface SquareJob {
  n: number;
  mode: string;
}
type Pool = WorkerPool<SquareJob, { percent: number }, { square: number }, { reason: string }>;

const dir = join(tmpRoot, `workers-${process.pid}`);
let pool: Pool;

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
    // The thread loads piscina through the generated file's pool half; keep it a real import.
    external: ["piscina"],
    logLevel: "silent",
  });
  const generated = (await import(join(dir, "typescript", "workers.ts"))) as {
    createSquarerPool: (options: { filename: string; maxThreads?: number; minThreads?: number }) => Pool;
  };
  pool = generated.createSquarerPool({ filename: join(dir, "body.mjs"), minThreads: 1, maxThreads: 2 });
});

afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The pool still answers a plain run after a failure. */
async function expectServing(): Promise<void> {
  expect(await pool.run({ n: 7, mode: "square" })).toEqual({ tag: "output", output: { square: 49 } });
}

describe("typed worker pool", () => {
  it("returns the typed output", async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => pool.run({ n, mode: "square" })));
    expect(results).toEqual([1, 4, 9, 16].map((square) => ({ tag: "output", output: { square } })));
  });

  it("delivers every decoded progress message before the result", async () => {
    const seen: number[] = [];
    const result = await pool.run({ n: 3, mode: "progress" }, { onProgress: (p) => seen.push(p.percent) });
    expect(seen).toEqual([25, 50, 75, 100]);
    expect(result).toEqual({ tag: "output", output: { square: 9 } });
  });

  it("returns the declared typed error", async () => {
    expect(await pool.run({ n: 3, mode: "refuse" })).toEqual({ tag: "error", error: { reason: "odd numbers only" } });
  });

  it("rejects a malformed input in the thread with path-precise issues, before the body runs", async () => {
    const result = await pool.run({ n: 5000, mode: "square" });
    expect(result).toMatchObject({
      tag: "failure",
      failure: { tag: "invalid-message", direction: "toWorker", message: "input" },
    });
    const issues = (result as Extract<WorkerResult<unknown, unknown>, { tag: "failure" }>).failure;
    expect(issues).toHaveProperty("issues", [expect.objectContaining({ path: "$.n" })]);
    const missing = await pool.run({ n: 2 } as SquareJob);
    expect(missing).toMatchObject({ failure: { tag: "invalid-message", direction: "toWorker" } });
    expect(JSON.stringify(missing)).toContain("$.mode");
  });

  it("rejects a malformed output from the body and never delivers it", async () => {
    const result = await pool.run({ n: 3, mode: "bad-output" });
    expect(result).toMatchObject({
      tag: "failure",
      failure: { tag: "invalid-message", direction: "fromWorker", message: "output" },
    });
    expect(JSON.stringify(result)).toContain("$.square");
  });

  it("rejects a malformed progress message, never passing it to onProgress", async () => {
    const seen: unknown[] = [];
    const result = await pool.run({ n: 3, mode: "bad-progress" }, { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([]);
    expect(result).toMatchObject({
      tag: "failure",
      failure: { tag: "invalid-message", direction: "fromWorker", message: "progress" },
    });
    expect(JSON.stringify(result)).toContain("$.percent");
    await expectServing();
  });

  it("turns a thrown exception into a crash failure", async () => {
    expect(await pool.run({ n: 1, mode: "throw" })).toEqual({
      tag: "failure",
      failure: { tag: "crash", message: "boom" },
    });
    await expectServing();
  });

  it("turns a thread that exits into a crash failure and replaces it", async () => {
    const result = await pool.run({ n: 1, mode: "exit" });
    expect(result).toMatchObject({ tag: "failure", failure: { tag: "crash" } });
    await expectServing();
  });

  it("stops a hanging thread at its timeout and keeps serving", async () => {
    const started = Date.now();
    const result = await pool.run({ n: 1, mode: "hang" }, { timeoutMs: 300 });
    expect(result).toEqual({ tag: "failure", failure: { tag: "timeout", timeoutMs: 300 } });
    expect(Date.now() - started).toBeLessThan(30_000);
    // Both threads hang at once: the pool replaces both.
    const both = await Promise.all([1, 2].map(() => pool.run({ n: 1, mode: "hang" }, { timeoutMs: 300 })));
    expect(both.map((r) => r.tag)).toEqual(["failure", "failure"]);
    await expectServing();
  });

  it("cancels a running task through its AbortSignal", async () => {
    const controller = new AbortController();
    const running = pool.run({ n: 1, mode: "slow" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toEqual({ tag: "failure", failure: { tag: "cancelled" } });
    const aborted = AbortSignal.abort();
    expect(await pool.run({ n: 1, mode: "square" }, { signal: aborted })).toEqual({
      tag: "failure",
      failure: { tag: "cancelled" },
    });
    await expectServing();
  });
});
