/**
 * Compiles every hand-written Elm runtime module (runtime-elm/src/Hamlet/*.elm) with the real
 * Elm compiler and runs the Elm test suite (runtime-elm/tests) with elm-test-rs, offline.
 *
 * Needs the project's Elm package cache (`scripts/setup-elm.sh`); see test/support/elm-home.ts.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { elmHome, elmReady } from "./support/elm-home.js";

const runtimeDir = join(repoRoot, "runtime-elm");
const bin = join(repoRoot, "node_modules", ".bin");
const elm = join(bin, "elm");
const elmTestRs = join(bin, "elm-test-rs");
const TIMEOUT_MS = 120_000;

const ready = elmReady("test/runtime-elm.test.ts", ["elm", "elm-test-rs"]);

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

describe.skipIf(!ready)("runtime-elm", () => {
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
