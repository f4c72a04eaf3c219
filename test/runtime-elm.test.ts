/**
 * Compiles every hand-written Elm runtime module (runtime-elm/src/Hamlet/*.elm) with the real
 * Elm compiler and runs the Elm test suite (runtime-elm/tests) with elm-test-rs, offline.
 *
 * Needs the Elm package cache (`scripts/setup-elm.sh` fills it from git mirrors). Without it the
 * suite prints a loud warning and is skipped instead of failing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runtimeDir = join(repoRoot, "runtime-elm");
const bin = join(repoRoot, "node_modules", ".bin");
const elm = join(bin, "elm");
const elmTestRs = join(bin, "elm-test-rs");
const elmHome = process.env.ELM_HOME ?? join(homedir(), ".elm");
const coreDir = join(elmHome, "0.19.1", "packages", "elm", "core", "1.0.5");
const TIMEOUT_MS = 120_000;

const elmReady = existsSync(coreDir) && existsSync(elm) && existsSync(elmTestRs);

if (!elmReady) {
  const line = "#".repeat(80);
  console.warn(
    [
      "",
      line,
      "## WARNING: skipping the Elm runtime tests (test/runtime-elm.test.ts).",
      `## The Elm package cache lacks elm/core 1.0.5 (${coreDir})`,
      "## or node_modules/.bin has no elm / elm-test-rs.",
      "## Run scripts/setup-elm.sh (needs git mirrors of the Elm packages) and npm install.",
      line,
      "",
    ].join("\n"),
  );
}

const modules = readdirSync(join(runtimeDir, "src", "Hamlet"))
  .filter((name) => name.endsWith(".elm"))
  .sort();

/** Runs a tool in runtime-elm and returns its exit code with all of its output. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    cwd: runtimeDir,
    encoding: "utf8",
    env: {
      ...process.env,
      ELM_HOME: elmHome,
      PATH: `${bin}:${process.env.PATH ?? ""}`,
    },
    timeout: TIMEOUT_MS - 5_000,
  });
  const output = [result.error ? String(result.error) : "", result.stdout ?? "", result.stderr ?? ""]
    .filter((part) => part.length > 0)
    .join("\n");
  return { status: result.status, output };
}

describe.skipIf(!elmReady)("runtime-elm", () => {
  it("has modules to check", () => {
    expect(modules).toContain("Http.elm");
    expect(modules.length).toBeGreaterThanOrEqual(7);
  });

  it.each(modules)(
    "elm make compiles Hamlet/%s",
    (name) => {
      const { status, output } = run(elm, ["make", join("src", "Hamlet", name), "--output=/dev/null"]);
      expect(status, output).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    "elm-test-rs --offline passes",
    () => {
      const { status, output } = run(elmTestRs, ["--offline", "--compiler", elm]);
      expect(status, output).toBe(0);
      expect(output).toContain("TEST RUN PASSED");
    },
    TIMEOUT_MS,
  );
});
