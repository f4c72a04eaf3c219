/**
 * What `build --watch` does on each change (src/cli/commands/watch.ts): `runBuild` with a compile
 * cache kept between builds (an edited file is re-parsed only where it changed, and only the
 * declarations an edit touches, with what read them, are checked again). After any
 * sequence of edits its output folder equals a fresh build's, file for file, and a rebuild
 * writes exactly the files whose text changed.
 */
import {
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
];

describe("watch rebuilds", () => {
  it("equal a fresh build after any sequence of edits and write only changed files", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: EDITS.length - 1 }), fc.nat(50)), { minLength: 1, maxLength: 8 }),
        async (edits) => {
          const dir = join(root, `p${run++}`);
          mkdirSync(join(dir, "schema"), { recursive: true });
          writeFileSync(join(dir, "schema", "common.hamlet"), COMMON);
          const file = join(dir, "schema", "items.hamlet");
          let text = records(
            3,
            20,
            'endpoint GetItem: GET "/items/{id}" {\n  request { id: Uuid }\n  response Item0\n}\n',
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
            const report = recorder();
            const code = await runBuild({ files, out: watched }, report, cache);
            const fresh = join(dir, `fresh${k}-${which}`);
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
      { numRuns: 20 },
    );
  });

  it("rewrites an output file changed by hand although the schema did not change", async () => {
    const dir = join(root, "by-hand");
    mkdirSync(join(dir, "schema"), { recursive: true });
    writeFileSync(join(dir, "schema", "common.hamlet"), COMMON);
    const file = join(dir, "schema", "items.hamlet");
    writeFileSync(file, records(2, 20, ""));
    const out = join(dir, "out");
    const cache = new CompileCache();
    expect(await runBuild({ files: [file], out }, recorder(), cache)).toBe(0);
    const built = snapshot(out);
    // The watch session remembers what it wrote; a file edited since is read again and restored.
    writeFileSync(join(out, "typescript", "types.ts"), "// edited by hand\n");
    const report = recorder();
    expect(await runBuild({ files: [file], out }, report, cache)).toBe(0);
    expect(report.lines.join("\n")).toMatch(/\(1 written/);
    expect(snapshot(out)).toEqual(built);
  });

  it("rewrites an output file changed by hand that kept its size and modification time", async () => {
    const dir = join(root, "same-size");
    mkdirSync(join(dir, "schema"), { recursive: true });
    writeFileSync(join(dir, "schema", "common.hamlet"), COMMON);
    const file = join(dir, "schema", "items.hamlet");
    writeFileSync(file, records(2, 20, ""));
    const out = join(dir, "out");
    const cache = new CompileCache();
    expect(await runBuild({ files: [file], out }, recorder(), cache)).toBe(0);
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
