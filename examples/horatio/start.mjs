#!/usr/bin/env node
// Builds and starts the Horatio example: runs `hamletc build` on its schema (generated/ is
// committed, so this only rewrites what changed), `hamletc migrate` (as the database's owner: in
// production run it separately with the owner role and start the server as the app role), compiles
// src/ + generated/typescript/ (which import @hamlet/runtime-node through the workspace link in
// node_modules) with examples/horatio/tsconfig.json into examples/horatio/.hamlet/build, compiles
// the Elm app (elm/src/Main.elm → elm/public/main.js, `elm make --optimize`) and runs src/main.js,
// which serves the API and the app on one origin. Environment: see src/main.ts.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildElmApp } from "./elm/build.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const hamletc = join(here, "..", "..", "bin", "hamletc.js");
const generated = spawnSync(process.execPath, [hamletc, "build"], { cwd: here, stdio: "inherit" });
if (generated.status !== 0) {
  console.error("horatio: hamletc build failed");
  process.exit(generated.status ?? 1);
}
// The database gets its tables (the models' and the runtime's sessions/KV) from the migrations.
const migrateArgs = [hamletc, "migrate", ...(process.env.DATABASE_URL ? ["--database", process.env.DATABASE_URL] : [])];
const migrated = spawnSync(process.execPath, migrateArgs, { cwd: here, stdio: "inherit" });
if (migrated.status !== 0) {
  console.error("horatio: hamletc migrate failed");
  process.exit(migrated.status ?? 1);
}
const built = spawnSync(process.execPath, [tsc, "-p", join(here, "tsconfig.json")], { stdio: "inherit" });
if (built.status !== 0) {
  console.error("horatio: compilation failed");
  process.exit(built.status ?? 1);
}
// The Elm app: elm/src/Main.elm → elm/public/main.js (+ runtime-elm's JS companions), served by
// the same server (src/app.ts).
const elmBuilt = buildElmApp({ optimize: true, stdio: "inherit" });
if (elmBuilt.status !== 0) {
  console.error(`horatio: elm make failed ${elmBuilt.output}`);
  process.exit(elmBuilt.status);
}
await import(pathToFileURL(join(here, ".hamlet", "build", "examples", "horatio", "src", "main.js")).href);
