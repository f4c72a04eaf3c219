/**
 * Incremental emit (src/emit/fragment-cache.ts): text printed for a type in an earlier watch
 * build is reused only when it cannot differ. The cases where a reused fragment would be wrong:
 * a hoisted pattern renumbered by an edit elsewhere, and a type whose printed code depends on a
 * type it references (an alias whose target changed).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/cli/commands/build.js";
import type { Reporter } from "../src/cli/report.js";
import { CompileCache } from "../src/program/compile-cache.js";

const root = mkdtempSync(join(tmpdir(), "hamlet-incremental-emit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quiet: Reporter = {
  format: "human",
  diagnostics: () => undefined,
  info: () => undefined,
  flush: () => undefined,
};

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) files.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), "utf8"));
  return new Map([...files].map(([path, text]) => [path.slice(dir.length), text]));
}

/**
 * Builds the versions of `first.hamlet` in turn, `second.hamlet` unchanged (so its types are
 * reused), through one cache; after each, the output equals a fresh build's.
 */
async function rebuildsEqualFresh(name: string, second: string, versions: readonly string[]): Promise<void> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, "first.hamlet"), join(dir, "second.hamlet")];
  writeFileSync(files[1]!, second);
  const cache = new CompileCache();
  for (const [i, text] of versions.entries()) {
    writeFileSync(files[0]!, text);
    expect(await runBuild({ files, out: join(dir, "watched") }, quiet, cache)).toBe(0);
    expect(await runBuild({ files, out: join(dir, `fresh${i}`) }, quiet)).toBe(0);
    expect(snapshot(join(dir, "watched"))).toEqual(snapshot(join(dir, `fresh${i}`)));
  }
}

describe("incremental emit", () => {
  it("prints a reader again when its pattern is renumbered", async () => {
    const first = 'package p\n\nrecord A {\n  code: String @pattern("^a+$")\n}\n';
    const second = 'package p\n\nrecord B {\n  code: String @pattern("^b+$")\n}\n';
    await rebuildsEqualFresh("patterns", second, [first, first.replace(' @pattern("^a+$")', ""), first]);
  });

  it("prints a type again when a type it references changed", async () => {
    // The record's lowering reads only that `Inner` is an enum, so the checker reuses it; its
    // encoder passes a plain enum through but encodes a tagged one.
    const inner = (variants: string) => `package p\n\nenum Inner { ${variants} }\n`;
    const outer = "package p\n\nrecord Outer {\n  inner: Inner\n  list: List<Inner>\n}\n";
    await rebuildsEqualFresh("references", outer, [inner("A, B"), inner("A { x: Int }, B"), inner("A, B")]);
  });

  it("prints an Elm type again when an edit elsewhere makes it recursive", async () => {
    // `Outer` is unchanged, but once `Inner` points back at it the Elm emitter wraps it and
    // decodes it lazily: facts from the whole schema, part of the fragment's key.
    const inner = (fields: string) => `package p\n\nrecord Inner {\n  ${fields}\n}\n`;
    const outer = "package p\n\nrecord Outer {\n  inner: Inner?\n  list: List<Inner>\n}\n";
    await rebuildsEqualFresh("recursion", outer, [inner("id: Uuid"), inner("back: Outer?"), inner("id: Uuid")]);
  });

  it("prints an Elm enum again when a type elsewhere takes its constructor's name", async () => {
    // The Elm constructor of `Color.Red` is `Red` until a type named `Red` appears.
    const other = (name: string) => `package p\n\nrecord ${name} {\n  id: Uuid\n}\n`;
    const colors = "package p\n\nenum Color { Red, Blue }\n\nrecord Paint {\n  color: Color\n}\n";
    await rebuildsEqualFresh("constructors", colors, [other("Other"), other("Red"), other("Other")]);
  });

  it("prints a type again when an alias it uses changed", async () => {
    const first = (target: string) => `package p\n\nalias When = ${target}\n`;
    const second = "package p\n\nrecord Event {\n  at: When\n  tags: List<When>\n}\n";
    await rebuildsEqualFresh("aliases", second, [first("String"), first("Timestamp"), first("Uuid"), first("String")]);
  });
});
