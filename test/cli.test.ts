/** The hamletc command line, run as a user runs it: a real process, real files, real exit codes. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, sharedExamples, specDir } from "./support/corpus.js";

const bin = join(repoRoot, "bin", "hamletc.js");
let work: string;

function hamletc(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The launcher runs the compiled CLI; make sure dist/ is current.
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: repoRoot, encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  work = mkdtempSync(join(tmpdir(), "hamletc-cli-"));
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hamletc check", () => {
  it("accepts both shared examples as bare files", () => {
    for (const file of sharedExamples()) {
      const r = hamletc(["check", file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("no errors");
    }
  });

  it("prints file:line:col, a code frame and a hint, and exits 1 on schema errors", () => {
    const r = hamletc(["check", join(specDir, "invalid", "names-unknown-type.hamlet")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/names-unknown-type\.hamlet:3:22 - error HAM0201: Unknown type `Strng`\./);
    expect(r.stderr).toContain("record Post { title: Strng, author: Person }");
    expect(r.stderr).toMatch(/\n\s+~~~~~\n/);
    expect(r.stderr).toContain("hint: Did you mean `String`?");
    expect(r.stderr).toContain("Found 2 errors and 0 warnings.");
  });

  it("prints diagnostics as JSON with 1-based positions", () => {
    const r = hamletc(["check", "--format", "json", join(specDir, "invalid", "names-unknown-type.hamlet")]);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ code: "HAM0201", severity: "error", line: 3, column: 22, endLine: 3, endColumn: 27 });
    expect(Object.keys(parsed[0]!)).toEqual(expect.arrayContaining(["code", "severity", "message", "file", "line", "column", "endLine", "endColumn"]));
  });

  it("exits 0 with warnings only", () => {
    const file = join(work, "warn.hamlet");
    writeFileSync(file, "record A { a: Int }\n");
    const r = hamletc(["check", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning HAM0105");
  });

  it("exits 2 on usage errors and missing files", () => {
    expect(hamletc(["check", "--nope"]).code).toBe(2);
    expect(hamletc(["frobnicate"]).code).toBe(2);
    const missing = hamletc(["check", join(work, "missing.hamlet")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("HAM0103");
    expect(hamletc(["check"], tmpdir()).code).toBe(2);
  });

  it("applies feature flags over the defaults", () => {
    const r = hamletc(["check", "--event-store", "off", sharedExamples().find((f) => f.endsWith("horatio.hamlet"))!]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("HAM0501");
    expect(r.stderr).toContain("event_store = true");
  });
});

describe("hamlet.toml projects", () => {
  it("init creates a project that builds at once, and build --check detects stale output", () => {
    const project = join(work, "starter");
    expect(hamletc(["init", project]).code).toBe(0);
    expect(hamletc(["init", project]).code).toBe(2);
    const build = hamletc(["build"], project);
    expect(build.code, build.stderr).toBe(0);
    expect(existsSync(join(project, "generated", "json", "schema.json"))).toBe(true);
    expect(hamletc(["build", "--check"], project).code).toBe(0);
    const schema = join(project, "schema", "app.hamlet");
    writeFileSync(schema, readFileSync(schema, "utf8").replace("record Note {", "record Note {\n  pinned: Bool"));
    const stale = hamletc(["build", "--check"], project);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale: generated/json/schema.json");
    expect(hamletc(["build"], project).code).toBe(0);
    expect(hamletc(["build", "--check"], project).code).toBe(0);
  });

  it("reports unknown config keys with their location and exits 2", () => {
    const project = join(work, "badconfig");
    cpSync(join(specDir, "valid", "imports"), join(project, "schema"), { recursive: true });
    writeFileSync(join(project, "hamlet.toml"), '[hamlet]\nschema = ["schema/main.hamlet"]\nouts = "gen"\n');
    const r = hamletc(["check"], project);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hamlet\.toml:3:1 - error HAM0701: Unknown setting/);
    expect(r.stderr).toContain("Did you mean `out`?");
  });

  it("builds multi-file schemas through imports", () => {
    const r = hamletc(["build", "--out", join(work, "imports-out"), join(specDir, "valid", "imports", "main.hamlet")]);
    expect(r.code, r.stderr).toBe(0);
    const schema = JSON.parse(readFileSync(join(work, "imports-out", "json", "schema.json"), "utf8")) as { types: { name: string }[] };
    expect(schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(["Cents", "Price", "Product"]));
  });
});

describe("hamletc fmt", () => {
  it("--check exits 1 on unformatted files and fmt fixes them", () => {
    const file = join(work, "messy.hamlet");
    writeFileSync(file, "package p\nrecord   A {a:Int,b :String} // keep me\n");
    expect(hamletc(["fmt", "--check", file]).code).toBe(1);
    expect(hamletc(["fmt", file]).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("// keep me");
    expect(hamletc(["fmt", "--check", file]).code).toBe(0);
  });
});

describe("help", () => {
  it("documents every command", () => {
    for (const command of ["check", "build", "fmt", "init"]) {
      const r = hamletc([command, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: hamletc ${command}`);
    }
    expect(hamletc(["--help"]).stdout).toContain("Exit codes");
  });
});
