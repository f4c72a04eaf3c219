/**
 * What `build --watch` does on each change (src/cli/commands/watch.ts): `runBuild` with a compile
 * cache kept between builds (an edited file is re-parsed only where it changed, only the
 * declarations an edit touches, with what read them, are checked again, and only the output
 * files and types whose declarations changed are printed again). After any sequence of edits
 * (body edits, renames, added and removed declarations and imports, endpoints, streams,
 * websockets, uploads, workers, events, errors introduced and fixed) its output folder equals a
 * fresh build's, byte for byte, and a rebuild writes exactly the files whose text changed.
 */
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/cli/commands/build.js";
import type { Reporter } from "../src/cli/report.js";
import type { Diagnostic } from "../src/diagnostics/types.js";
import { CompileCache } from "../src/program/compile-cache.js";

const root = mkdtempSync(join(tmpdir(), "hamlet-watch-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A reporter that keeps what it is told. */
function recorder(): Reporter & { lines: string[]; errors: Diagnostic[] } {
  const lines: string[] = [];
  const errors: Diagnostic[] = [];
  return {
    format: "human",
    lines,
    errors,
    diagnostics: (ds) => {
      errors.push(...ds.filter((d) => d.severity === "error"));
    },
    info: (line) => {
      lines.push(line);
    },
    flush: () => undefined,
  };
}

/** Every file under `dir` with its text (the manifest included). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile())
      files.set(join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), "utf8"));
  return files;
}

const COMMON = "package shop\n\nenum Kind { Small, Large }\n";
const records = (n: number, length: number, extra: string): string => {
  const lines = ["package shop", "", 'import "./common.hamlet"', ""];
  for (let i = 0; i < n; i++)
    lines.push(`record Item${i} {`, "  id: Uuid", `  title: String @length(1, ${length + i})`, "  kind: Kind", "}", "");
  lines.push(extra);
  return lines.join("\n");
};
const EDITS = [
  (text: string, k: number) => text.replace(/@length\(1, (\d+)\)/, (_m, n) => `@length(1, ${Number(n) + k + 1})`),
  // A record further down (in a large file, in the middle of every all-types output file).
  (text: string, k: number) => text.replace(`@length(1, ${20 + k})`, `@length(1, ${20 + k})\n  extra${k}: Int?`),
  (text: string) => text.replace("  kind: Kind\n}", "  kind: Kind\n  note: String?\n}"),
  (text: string, k: number) => `${text}\nrecord Extra${k} {\n  id: Uuid\n}\n`,
  (text: string) => text.replace("record Item1 {", "record Item1 {\n  broken: Nope"),
  (text: string) => text.replace(/\n {2}broken: Nope/, ""),
  (text: string) => text.replace(/\nrecord Extra\d+ \{\n {2}id: Uuid\n\}\n/, ""),
  // Patterns (hoisted to numbered constants in validators.ts) appear, move and go.
  (text: string, k: number) =>
    text.replace(
      /(record Item\d+ \{\n {2}id: Uuid\n {2}title: String) @length/,
      `$1 @pattern("^[a-z]{${k}}$") @length`,
    ),
  (text: string) => text.replace(/ @pattern\("[^"]*"\)/, ""),
  (text: string, k: number) =>
    `${text}\nalias Code${k} = String @pattern("^[A-Z]{${(k % 3) + 1}}$")\n\nrecord Coded${k} {\n  code: Code${k}\n  item: Item0\n}\n`,
  // A rename breaks the records that use the type, then they work again.
  (text: string) => text.replace("record Item0 {", "record Item0Renamed {"),
  (text: string) => text.replace("record Item0Renamed {", "record Item0 {"),
  // Text inserted above a declaration moves every declaration after it.
  (text: string, k: number) => text.replace("record Item1 {", `// moved ${"x".repeat(k)}\nrecord Item1 {`),
  // Endpoints: added, removed, their response changed, an error introduced and fixed.
  (text: string, k: number) =>
    `${text}\nendpoint ListItems${k}: GET "/items${k}" {\n  request { kind: Kind? }\n  response List<Item1>\n}\n`,
  (text: string) =>
    text.replace(/\nendpoint ListItems\d+: GET "[^"]*" \{\n[^}]*\}\n {2}response List<Item1>\n\}\n/, ""),
  (text: string) => text.replace('GET "/items/{id}"', 'GET "/item/{id}"'),
  (text: string) => text.replace('GET "/item/{id}"', 'GET "/items/{id}"'),
  (text: string) => text.replace("  response Item0\n", "  response Item2\n"),
  (text: string) => text.replace("  response Item2\n", "  response Item0\n"),
  (text: string) => text.replace("  response Item0\n", "  response Nope\n"),
  (text: string) => text.replace("  response Nope\n", "  response Item0\n"),
  // Declared errors appear and go (server.ts imports `Failure` only while an endpoint has them).
  (text: string) =>
    text.includes("errors { Missing }")
      ? text
      : text.replace("  response Item0\n}", "  response Item0\n  errors { Missing }\n}"),
  (text: string) => text.replace("  errors { Missing }\n", ""),
  // Streams, websockets, uploads, workers and events appear and go.
  (text: string) => (text.includes("sse Feed") ? text : `${text}\nsse Feed: Item1\n`),
  (text: string) => text.replace("\nsse Feed: Item1\n", ""),
  (text: string, k: number) =>
    text.includes("websocket Talk")
      ? text
      : `${text}\nwebsocket Talk: "/ws/talk" {\n  Say { text: String @length(1, ${k + 5}) }\n  Show { item: Item2 }\n}\n`,
  (text: string) => text.replace(/\nwebsocket Talk: "\/ws\/talk" \{\n[^]*?\n\}\n/, ""),
  (text: string, k: number) =>
    text.includes("upload Picture")
      ? text
      : `${text}\nupload Picture: POST "/items/{id}/picture" {\n  fields {\n    id: Uuid\n    note: String? @length(0, ${k + 10})\n  }\n  file {\n    max_size: 1MB\n    types: ["image/png"]\n  }\n  response Item0\n}\n`,
  (text: string) => text.replace(/\nupload Picture: [^]*?\n {2}response Item0\n\}\n/, ""),
  (text: string) =>
    text.includes("worker Crunch")
      ? text
      : `${text}\nworker Crunch {\n  input CrunchInput { item: Item0 }\n  output CrunchOutput { count: Int }\n}\n`,
  (text: string) => text.replace(/\nworker Crunch \{\n[^]*?\n\}\n/, ""),
  (text: string) => (text.includes("event Happened") ? text : `${text}\nevent Happened {\n  item: Item2\n}\n`),
  (text: string) => text.replace("\nevent Happened {\n  item: Item2\n}\n", ""),
  // A field with a default gives a record an input type (the client's request type); a record
  // that refers to itself is wrapped in Elm: files printed from endpoints read both.
  (text: string, k: number) =>
    text.replace("record Item1 {\n  id: Uuid\n", `record Item1 {\n  id: Uuid\n  count: Int = ${k}\n`),
  (text: string) => text.replace(/\n {2}count: Int = \d+/, ""),
  (text: string) => text.replace("record Item2 {\n  id: Uuid\n", "record Item2 {\n  id: Uuid\n  next: Item2?\n"),
  (text: string) => text.replace("\n  next: Item2?", ""),
  // An enum becomes tagged (a variant with a payload) and plain again: what reads only its name
  // and kind is not checked again, but a path parameter of that type is printed differently.
  (text: string) => text.replace("enum Shade { Light, Dark }", "enum Shade { Light, Dark { level: Int } }"),
  (text: string) => text.replace("enum Shade { Light, Dark { level: Int } }", "enum Shade { Light, Dark }"),
  // The import removed (Kind is unknown: errors) and restored.
  (text: string) => text.replace('import "./common.hamlet"\n', ""),
  (text: string) =>
    text.includes("import") ? text : text.replace("package shop\n", 'package shop\n\nimport "./common.hamlet"'),
];

let run = 0;

/**
 * Random edits of a file of `count` records (and endpoints, streams...) under one compile cache:
 * after each, the output equals a fresh build's and exactly the changed files were written.
 */
async function editsEqualFreshBuilds(count: number, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat({ max: EDITS.length - 1 }), fc.nat(50)), { minLength: 1, maxLength: 10 }),
      async (edits) => {
        const dir = join(root, `p${run++}`);
        mkdirSync(join(dir, "schema"), { recursive: true });
        writeFileSync(join(dir, "schema", "common.hamlet"), COMMON);
        const file = join(dir, "schema", "items.hamlet");
        let text = records(
          count,
          20,
          'endpoint GetItem: GET "/items/{id}" {\n  request { id: Uuid }\n  response Item0\n}\n\nendpoint PutItem: PUT "/items" {\n  request Item1\n  response List<Item2>\n}\n\nenum Shade { Light, Dark }\n\nendpoint ByShade: GET "/shades/{shade}" {\n  request { shade: Shade }\n  response Item0\n}\n',
        );
        writeFileSync(file, text);
        const files = [file];
        const cache = new CompileCache();
        const watched = join(dir, "watched");
        expect(await runBuild({ files, out: watched }, recorder(), cache)).toBe(0);
        for (const [which, k] of edits) {
          text = EDITS[which]!(text, k);
          writeFileSync(file, text);
          const before = snapshot(watched);
          // The fresh build starts from the same output folder: the SQL emitter numbers
          // migrations after the ones already there (a new stream's tables are a migration).
          const fresh = join(dir, `fresh${k}-${which}`);
          rmSync(fresh, { recursive: true, force: true });
          cpSync(watched, fresh, { recursive: true });
          const report = recorder();
          const code = await runBuild({ files, out: watched }, report, cache);
          const freshCode = await runBuild({ files, out: fresh }, recorder());
          expect(code).toBe(freshCode);
          if (code !== 0) {
            expect(snapshot(watched)).toEqual(before); // a failed build changes nothing
            continue;
          }
          const after = snapshot(watched);
          expect(after).toEqual(snapshot(fresh));
          const changed = [...after].filter(
            ([path, content]) => path !== ".hamlet-manifest.json" && before.get(path) !== content,
          );
          const written = /\((\d+) written/.exec(report.lines.join("\n"))?.[1];
          expect(Number(written)).toBe(changed.length);
          rmSync(fresh, { recursive: true, force: true });
        }
      },
    ),
    { numRuns },
  );
}

describe("watch rebuilds", () => {
  it("equal a fresh build after any sequence of edits and write only changed files", async () => {
    await editsEqualFreshBuilds(3, 25);
  });

  it("do so in a file large enough that output files are joined from kept chunks", async () => {
    // 60 records: the all-types files have hundreds of pieces, joined a chunk at a time (joinKept).
    await editsEqualFreshBuilds(60, 6);
  });

  /** A two-file project built once in a watch session (`cache`), for the hand-edit cases. */
  async function builtProject(name: string): Promise<{ file: string; out: string; cache: CompileCache }> {
    const dir = join(root, name);
    mkdirSync(join(dir, "schema"), { recursive: true });
    writeFileSync(join(dir, "schema", "common.hamlet"), COMMON);
    const file = join(dir, "schema", "items.hamlet");
    writeFileSync(file, records(2, 20, ""));
    const out = join(dir, "out");
    const cache = new CompileCache();
    expect(await runBuild({ files: [file], out }, recorder(), cache)).toBe(0);
    return { file, out, cache };
  }

  it("rewrites an output file changed by hand although the schema did not change", async () => {
    const { file, out, cache } = await builtProject("by-hand");
    const built = snapshot(out);
    // The watch session remembers what it wrote; a file edited since is read again and restored.
    writeFileSync(join(out, "typescript", "types.ts"), "// edited by hand\n");
    const report = recorder();
    expect(await runBuild({ files: [file], out }, report, cache)).toBe(0);
    expect(report.lines.join("\n")).toMatch(/\(1 written/);
    expect(snapshot(out)).toEqual(built);
  });

  it("rewrites an output file changed by hand that kept its size and modification time", async () => {
    const { file, out, cache } = await builtProject("same-size");
    const target = join(out, "typescript", "types.ts");
    const time = new Date(Math.floor(Date.now() / 1000) * 1000); // whole seconds: utimes restores it exactly
    utimesSync(target, time, time);
    // Past the window in which a file's stat is not trusted (its change time is in the same tick).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await runBuild({ files: [file], out }, recorder(), cache)).toBe(0);
    const built = snapshot(out);
    const { size, mtimeMs } = statSync(target);
    writeFileSync(target, readFileSync(target, "utf8").replace("Generated", "Handwrite"));
    utimesSync(target, time, time);
    expect(statSync(target).size).toBe(size);
    expect(statSync(target).mtimeMs).toBe(mtimeMs);
    const report = recorder();
    expect(await runBuild({ files: [file], out }, report, cache)).toBe(0);
    expect(report.lines.join("\n")).toMatch(/\(1 written/);
    expect(snapshot(out)).toEqual(built);
  });
});
