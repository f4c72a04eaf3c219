/**
 * The project's own Elm package cache (`<repo>/.elm-home`, gitignored), filled offline by
 * scripts/setup-elm.sh from ../shared/elm/packages.tar.gz; every test that runs `elm` uses it.
 * Without it a developer sees a loud warning and the Elm checks skip; under `CI=true` the run
 * fails instead, so CI can never stay green without the Elm checks.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./corpus.js";

export const elmHome = join(repoRoot, ".elm-home");
export const elmBinDir = join(repoRoot, "node_modules", ".bin");
export const elmBin = join(elmBinDir, "elm");

/** Whether the cache holds elm/core (the setup script's last step writes it with the registry). */
export function elmCacheReady(): boolean {
  return existsSync(join(elmHome, "0.19.1", "packages", "registry.dat"));
}

/**
 * True when `elm make` (and `tools`, from node_modules/.bin) can run offline. Otherwise prints a
 * warning naming `testFile` and returns false, or throws under `CI=true`.
 */
export function elmReady(testFile: string, tools: readonly string[] = ["elm"]): boolean {
  const missing = [
    ...(elmCacheReady() ? [] : [`the Elm package cache ${elmHome}`]),
    ...tools.filter((tool) => !existsSync(join(elmBinDir, tool))).map((tool) => `node_modules/.bin/${tool}`),
  ];
  if (missing.length === 0) return true;
  const message = `${testFile} needs ${missing.join(" and ")}: run scripts/setup-elm.sh and npm install.`;
  if (process.env["CI"] === "true") throw new Error(`CI=true and Elm is not set up: ${message}`);
  const line = "#".repeat(80);
  console.warn(["", line, `## WARNING: skipping the Elm checks. ${message}`, line, ""].join("\n"));
  return false;
}
