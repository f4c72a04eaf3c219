#!/usr/bin/env node
// Worker pool benchmark: round trips per second through the typed pool (runtime-node/workers:
// input encoded, validated in the thread, output encoded and validated in the parent) against raw
// piscina on the same trivial task (square a number), same thread count, in one run.
// The codec is written out as the generated validators are for `{ n: Int }` / `{ square: Int }`.
// Needs runtime-node/dist (npm run build in runtime-node, or any vitest run).
// Usage: node bench/workers.mjs [--calls 20000] [--concurrency 64] [--threads 2] [--rounds 6]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workersUrl = pathToFileURL(join(root, "runtime-node", "dist", "workers", "index.js")).href;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const calls = option("--calls", 20000);
const concurrency = option("--concurrency", 64);
const threads = option("--threads", 2);
const rounds = option("--rounds", 6);

const CODEC = `
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const intField = (type, key) => ({
  encode: (value) => ({ [key]: value[key] }),
  decode(value) {
    const errors = [];
    if (!isObject(value)) return { ok: false, errors: [{ path: "$", message: "expected an object" }] };
    const n = value[key];
    if (!Number.isSafeInteger(n)) errors.push({ path: "$." + key, message: "expected an integer" });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { [key]: n } };
  },
});
const never = { encode: () => null, decode: () => ({ ok: false, errors: [{ path: "$", message: "none" }] }) };
export const codec = { name: "Square", input: intField("SquareJob", "n"), progress: never, output: intField("SquareDone", "square"), error: never };
`;

const dir = mkdtempSync(join(tmpdir(), "hamlet-bench-workers-"));
writeFileSync(join(dir, "codec.mjs"), CODEC);
writeFileSync(join(dir, "raw.mjs"), "export default ({ n }) => ({ square: n * n });\n");
writeFileSync(
  join(dir, "typed.mjs"),
  `import { defineWorker } from ${JSON.stringify(workersUrl)};\nimport { codec } from "./codec.mjs";\n` +
    `export default defineWorker(codec, (job) => ({ square: job.n * job.n }));\n`,
);

const { createWorkerPool } = await import(workersUrl);
const { codec } = await import(pathToFileURL(join(dir, "codec.mjs")).href);
const raw = new Piscina({ filename: join(dir, "raw.mjs"), minThreads: threads, maxThreads: threads });
const typed = createWorkerPool(codec, { filename: join(dir, "typed.mjs"), minThreads: threads, maxThreads: threads });

/** Runs `calls` round trips with `concurrency` in flight; returns round trips per second. */
async function measure(call) {
  let next = 0;
  const started = process.hrtime.bigint();
  async function lane() {
    while (next < calls) {
      const n = next++;
      const square = await call(n % 1000);
      if (square !== (n % 1000) ** 2) throw new Error(`wrong result for ${n % 1000}: ${square}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return calls / (Number(process.hrtime.bigint() - started) / 1e9);
}

const rawCall = async (n) => (await raw.run({ n })).square;
const typedCall = async (n) => {
  const result = await typed.run({ n });
  if (result.tag !== "output") throw new Error(JSON.stringify(result));
  return result.output.square;
};

try {
  await measure(rawCall); // warm-up both
  await measure(typedCall);
  const best = { raw: 0, typed: 0 };
  // Alternate which goes first: on a shared machine the load drifts between measurements.
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) best.raw = Math.max(best.raw, await measure(rawCall));
    best.typed = Math.max(best.typed, await measure(typedCall));
    if (r % 2 === 1) best.raw = Math.max(best.raw, await measure(rawCall));
  }
  console.log(`workers: ${calls} round trips, ${concurrency} in flight, ${threads} threads, best of ${rounds}`);
  console.log(`  raw piscina   ${Math.round(best.raw).toLocaleString("en")} round trips/s`);
  console.log(`  typed pool    ${Math.round(best.typed).toLocaleString("en")} round trips/s`);
  console.log(`  typed / raw   ${((best.typed / best.raw) * 100).toFixed(1)}% (target: at least 90%)`);
} finally {
  await raw.destroy();
  await typed.close();
  rmSync(dir, { recursive: true, force: true });
}
