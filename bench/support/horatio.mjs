// What the Horatio benchmarks (feed, live-audience) share: the example compiled as start.mjs does,
// and a database to run it on (a SQLite file, or a fresh PostgreSQL database with --postgres).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./child-server.mjs";

export const example = join(root, "examples", "horatio");
/** Where compileHoratio puts the example's JavaScript (src/ and generated/typescript/ below it). */
export const horatioBuild = join(example, ".hamlet", "build", "examples", "horatio");

/** Compiles runtime-node and the example's sources (scripts/bench.js builds only the compiler). */
export function compileHoratio() {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: join(root, "runtime-node"),
    stdio: "inherit",
  });
  execFileSync(process.execPath, [tsc, "-p", join(example, "tsconfig.json")], { stdio: "inherit" });
}

/**
 * The URL of an empty database for benchmark `name`: a SQLite file in a temporary folder, or with
 * `postgres` a fresh database on HAMLET_TEST_PG_URL; `drop()` removes it.
 */
export async function benchDatabase(runtime, name, postgres) {
  const dir = mkdtempSync(join(tmpdir(), `hamlet-bench-${name}-`));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (!postgres) return { url: `sqlite:${join(dir, `${name}.db`)}`, drop: async () => removeDir() };
  const base = process.env.HAMLET_TEST_PG_URL;
  if (!base) throw new Error("--postgres needs HAMLET_TEST_PG_URL");
  const database = `bench_${name.replaceAll("-", "_")}_${process.pid}`;
  const admin = runtime.openDatabase(base);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.close();
      removeDir();
    },
  };
}
