/** The hamletc command line, run as a user runs it: a real process, real files, real exit codes. */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, sharedExamples, specDir } from "./support/corpus.js";

const bin = join(repoRoot, "bin", "hamletc.js");
let work: string;

/**
 * Runs a command without blocking the test worker's event loop (a synchronous spawn starves
 * vitest's own messaging on a busy machine).
 */
function run(
  file: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function hamletc(args: string[], cwd = work) {
  return run(process.execPath, [bin, ...args], cwd);
}

// dist/ is built once for every suite by test/global-setup.ts.
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hamletc-cli-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hamletc check", () => {
  it("accepts both shared examples as bare files", async () => {
    for (const file of sharedExamples()) {
      const r = await hamletc(["check", file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("no errors");
    }
  });

  it("prints file:line:col, a code frame and a hint, and exits 1 on schema errors", async () => {
    const r = await hamletc(["check", join(specDir, "invalid", "names-unknown-type.hamlet")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/names-unknown-type\.hamlet:3:22 - error HAM0201: Unknown type `Strng`\./);
    expect(r.stderr).toContain("record Post { title: Strng, author: Person }");
    expect(r.stderr).toMatch(/\n\s+~~~~~\n/);
    expect(r.stderr).toContain("hint: Did you mean `String`?");
    expect(r.stderr).toContain("Found 2 errors and 0 warnings.");
  });

  it("prints diagnostics as JSON with 1-based positions", async () => {
    const r = await hamletc(["check", "--format", "json", join(specDir, "invalid", "names-unknown-type.hamlet")]);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({
      code: "HAM0201",
      severity: "error",
      line: 3,
      column: 22,
      endLine: 3,
      endColumn: 27,
    });
    expect(Object.keys(parsed[0]!)).toEqual(
      expect.arrayContaining(["code", "severity", "message", "file", "line", "column", "endLine", "endColumn"]),
    );
  });

  it("exits 0 with warnings only", async () => {
    const file = join(work, "warn.hamlet");
    writeFileSync(file, "record A { a: Int }\n");
    const r = await hamletc(["check", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning HAM0105");
  });

  it("exits 2 on usage errors and missing files", async () => {
    expect((await hamletc(["check", "--nope"])).code).toBe(2);
    expect((await hamletc(["frobnicate"])).code).toBe(2);
    const missing = await hamletc(["check", join(work, "missing.hamlet")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("HAM0103");
    expect((await hamletc(["check"], tmpdir())).code).toBe(2);
  });

  it("applies feature flags over the defaults", async () => {
    const r = await hamletc([
      "check",
      "--event-store",
      "off",
      sharedExamples().find((f) => f.endsWith("horatio.hamlet"))!,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("HAM0501");
    expect(r.stderr).toContain("event_store = true");
  });
});

describe("hamlet.toml projects", () => {
  it("init creates a project that builds at once, and build --check detects stale output", async () => {
    const project = join(work, "starter");
    expect((await hamletc(["init", project])).code).toBe(0);
    expect((await hamletc(["init", project])).code).toBe(2);
    const build = await hamletc(["build"], project);
    expect(build.code, build.stderr).toBe(0);
    expect(existsSync(join(project, "generated", "json", "schema.json"))).toBe(true);
    expect((await hamletc(["build", "--check"], project)).code).toBe(0);
    const schema = join(project, "schema", "app.hamlet");
    writeFileSync(schema, readFileSync(schema, "utf8").replace("record Note {", "record Note {\n  pinned: Bool"));
    const stale = await hamletc(["build", "--check"], project);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale: generated/json/schema.json");
    expect((await hamletc(["build"], project)).code).toBe(0);
    expect((await hamletc(["build", "--check"], project)).code).toBe(0);
  });

  it("reports unknown config keys with their location and exits 2", async () => {
    const project = join(work, "badconfig");
    cpSync(join(specDir, "valid", "imports"), join(project, "schema"), { recursive: true });
    writeFileSync(join(project, "hamlet.toml"), '[hamlet]\nschema = ["schema/main.hamlet"]\nouts = "gen"\n');
    const r = await hamletc(["check"], project);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hamlet\.toml:3:1 - error HAM0701: Unknown setting/);
    expect(r.stderr).toContain("Did you mean `out`?");
  });

  it("builds multi-file schemas through imports", async () => {
    const r = await hamletc([
      "build",
      "--out",
      join(work, "imports-out"),
      join(specDir, "valid", "imports", "main.hamlet"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const schema = JSON.parse(readFileSync(join(work, "imports-out", "json", "schema.json"), "utf8")) as {
      types: { name: string }[];
    };
    expect(schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(["Cents", "Price", "Product"]));
  });
});

describe("hamletc fmt", () => {
  it("--check exits 1 on unformatted files and fmt fixes them", async () => {
    const file = join(work, "messy.hamlet");
    writeFileSync(file, "package p\nrecord   A {a:Int,b :String} // keep me\n");
    expect((await hamletc(["fmt", "--check", file])).code).toBe(1);
    expect((await hamletc(["fmt", file])).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("// keep me");
    expect((await hamletc(["fmt", "--check", file])).code).toBe(0);
  });
});

describe("help", () => {
  it("documents every command", async () => {
    for (const command of ["check", "build", "fmt", "init"]) {
      const r = await hamletc([command, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: hamletc ${command}`);
    }
    expect((await hamletc(["--help"])).stdout).toContain("Exit codes");
  });
});

describe("hamletc build --watch", () => {
  it("rebuilds when a schema file changes", async () => {
    const dir = join(work, "watch");
    const out = join(dir, "out");
    const schema = join(dir, "w.hamlet");
    cpSync(join(specDir, "valid", "enums.hamlet"), schema);
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [bin, "build", "--watch", "--out", out, schema], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 600 && !predicate(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!predicate()) throw new Error(`timed out waiting for ${what}; stderr:\n${stderr}`);
    };
    try {
      const schemaJson = join(out, "json", "schema.json");
      await waitFor(() => existsSync(schemaJson), "the first build");
      expect(readFileSync(schemaJson, "utf8")).not.toContain("Triangle");
      await waitFor(() => stderr.includes("Built"), "the first build's summary");
      writeFileSync(schema, readFileSync(schema, "utf8").replace("  Point\n", "  Point\n  Triangle { side: Float }\n"));
      await waitFor(() => readFileSync(schemaJson, "utf8").includes("Triangle"), "the rebuild");
    } finally {
      child.kill();
    }
  });
});
