// The build steps of the Horatio example, shared by start.mjs (one process) and scale.mjs (two
// processes behind a proxy). Each step throws an Error saying which step failed.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildElmApp } from "./elm/build.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const hamletc = join(here, "..", "..", "bin", "hamletc.js");

/** The compiled server entry point (src/main.ts), once {@link compileHoratio} ran. */
export const horatioMain = join(here, ".hamlet", "build", "examples", "horatio", "src", "main.js");

function check(result, what) {
  if (result.status !== 0) throw new Error(`${what} failed${result.error ? `: ${result.error.message}` : ""}`);
}

/** `hamletc build` on the schema (generated/ is committed, so this only rewrites what changed). */
export function generateHoratio(stdio = "inherit") {
  check(spawnSync(process.execPath, [hamletc, "build"], { cwd: here, stdio }), "hamletc build");
}

/**
 * `hamletc migrate` on `databaseUrl` (default: hamlet.toml's database). Run it as the database's
 * owner: in production the server runs as another role (docs/guides/deployment.md).
 */
export function migrateHoratio(databaseUrl, stdio = "inherit") {
  const args = [hamletc, "migrate", ...(databaseUrl ? ["--database", databaseUrl] : [])];
  check(spawnSync(process.execPath, args, { cwd: here, stdio }), "hamletc migrate");
}

/**
 * Compiles src/ + generated/typescript/ (which import @hamlet/runtime-node through the workspace
 * link in node_modules) into .hamlet/build, and the Elm app (elm/src/Main.elm → elm/public/main.js,
 * `elm make --optimize`, plus runtime-elm's JS companions), which the server serves on its origin.
 */
export function compileHoratio(stdio = "inherit") {
  check(spawnSync(process.execPath, [tsc, "-p", join(here, "tsconfig.json")], { stdio }), "compilation");
  const elmBuilt = buildElmApp({ optimize: true, stdio });
  if (elmBuilt.status !== 0) throw new Error(`elm make failed ${elmBuilt.output}`);
}
