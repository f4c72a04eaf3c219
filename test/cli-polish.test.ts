/**
 * What a new user ran into in a first hour with hamletc, each as a real process in a real folder:
 * bare `hamletc`, a bad option value, feature flags on `fmt`, a misspelt setting, a disabled
 * emitter's folder, and `hamletc migrate` with a schema newer than its migrations.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";

const bin = join(repoRoot, "bin", "hamletc.js");
let work: string;

function hamletc(args: string[], cwd = work): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A project folder with hamlet.toml and schema/app.hamlet. */
function project(name: string, toml: string, schema: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "schema"), { recursive: true });
  writeFileSync(join(dir, "hamlet.toml"), toml);
  writeFileSync(join(dir, "schema", "app.hamlet"), schema);
  return dir;
}

const TOML = '[hamlet]\nschema = ["schema/*.hamlet"]\nout = "gen"\n';

// dist/ is built once for every suite by test/global-setup.ts.
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hamletc-polish-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hamletc usage", () => {
  it("prints help on stdout and exits 0 when run bare", async () => {
    const r = await hamletc([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: hamletc");
    expect(r.stdout).toContain("Exit codes");
    expect(r.stderr).toBe("");
  });

  it("answers a bad option value with one line, not the whole help", async () => {
    const r = await hamletc(["build", "--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are human, json.",
    ]);
    expect(r.stdout).toBe("");
  });

  it("does not accept feature flags on fmt", async () => {
    const dir = project("fmt", TOML, "package demo\nrecord A { x: Int }\n");
    const r = await hamletc(["fmt", "--database", "off"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("error: unknown option '--database'");
    expect((await hamletc(["fmt", "--help"])).stdout).not.toContain("--event-store");
  });
});

describe("hamlet.toml", () => {
  it("suggests the setting a misspelt key meant, swapped letters included", async () => {
    const dir = project("typo", `${TOML}\n[hamlet.server]\nprot = 8080\n`, "package demo\nrecord A { x: Int }\n");
    const r = await hamletc(["check"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error HAM0701: Unknown setting `hamlet.server.prot`.");
    expect(r.stderr).toContain("hint: Did you mean `port`?");
  });
});

describe("names in generated code", () => {
  it("are checked against the emitters the project runs", async () => {
    const schema = "package demo\nrecord Just { x: Int }\n";
    const withElm = await hamletc(["check"], project("with-elm", TOML, schema));
    expect(withElm.code).toBe(1);
    expect(withElm.stderr).toContain("error HAM0214: `Just` cannot be used as a name here: the Elm constructor");
    const dir = project("without-elm", `${TOML}\n[hamlet.emitters.elm]\nenabled = false\n`, schema);
    const withoutElm = await hamletc(["check"], dir);
    expect(withoutElm.code, withoutElm.stderr).toBe(0);
    expect((await hamletc(["build"], dir)).code).toBe(0);
  });
});

describe("hamletc build", () => {
  it("removes the folder of an emitter that was turned off", async () => {
    const dir = project("disable", TOML, "package demo\nrecord A { x: Int }\n");
    expect((await hamletc(["build"], dir)).code).toBe(0);
    expect(existsSync(join(dir, "gen", "elm", "Api"))).toBe(true);
    writeFileSync(join(dir, "hamlet.toml"), `${TOML}\n[hamlet.emitters.elm]\nenabled = false\n`);
    const r = await hamletc(["build"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "gen", "elm"))).toBe(false);
    expect(existsSync(join(dir, "gen", "typescript", "types.ts"))).toBe(true);
  });

  it("keeps a folder that still holds a file of the user's", async () => {
    const dir = project("keep", TOML, "package demo\nrecord A { x: Int }\n");
    expect((await hamletc(["build"], dir)).code).toBe(0);
    writeFileSync(join(dir, "gen", "elm", "Mine.elm"), "module Mine exposing (..)\n");
    writeFileSync(join(dir, "hamlet.toml"), `${TOML}\n[hamlet.emitters.elm]\nenabled = false\n`);
    expect((await hamletc(["build"], dir)).code).toBe(0);
    expect(existsSync(join(dir, "gen", "elm", "Mine.elm"))).toBe(true);
    expect(existsSync(join(dir, "gen", "elm", "Api"))).toBe(false);
  });
});

describe("hamletc migrate", () => {
  it("warns when the schema's models changed since the last build, and is quiet when they did not", async () => {
    const dir = project("migrate", TOML, "package demo\nmodel Note {\n  id: Int @primary\n}\n");
    expect((await hamletc(["build"], dir)).code).toBe(0);
    const first = await hamletc(["migrate", "--database", "sqlite:.hamlet/app.db"], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain("warning");
    writeFileSync(
      join(dir, "schema", "app.hamlet"),
      "package demo\nmodel Note {\n  id: Int @primary\n  body: String?\n}\n",
    );
    const second = await hamletc(["migrate", "--database", "sqlite:.hamlet/app.db"], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("warning: the schema's models differ from the migrations in gen/sql/sqlite");
    expect(second.stderr).toContain("run `hamletc build`");
  });
});
