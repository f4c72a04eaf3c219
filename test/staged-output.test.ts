/**
 * The build writes each emitter's files as it finishes (src/emit/write.ts `StagedOutput`):
 * nothing changes in the output folder until `commit`, `abort` leaves it as it was, unchanged
 * files are not rewritten and files the last build wrote but this one does not are removed.
 */
import {
  existsSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MANIFEST, OutputMemory, StagedOutput } from "../src/emit/write.js";

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});
function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-staged-"));
  folders.push(dir);
  return dir;
}
/** Every file under `dir`, hidden ones included, relative and sorted. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("staged build output", () => {
  it("writes nothing visible before commit and removes its hidden files on abort", () => {
    const dir = outDir();
    const staged = new StagedOutput(dir);
    staged.add([{ path: "elm/Api/Types.elm", content: "module Api.Types exposing (..)\n" }]);
    staged.add([{ path: "typescript/types.ts", content: "export {};\n" }]);
    expect(existsSync(join(dir, "elm/Api/Types.elm"))).toBe(false);
    staged.abort();
    expect(listing(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("moves changed files into place, leaves unchanged ones alone and removes dropped ones", () => {
    const dir = outDir();
    const first = new StagedOutput(dir);
    first.add([
      { path: "a.txt", content: "one\n" },
      { path: "sub/b.txt", content: "two\n" },
    ]);
    expect(first.commit()).toEqual({ written: ["a.txt", "sub/b.txt"], unchanged: [], removed: [] });
    expect(listing(dir)).toEqual([MANIFEST, "a.txt", "sub/b.txt"]);

    const old = new Date(2000, 0, 1);
    utimesSync(join(dir, "a.txt"), old, old);
    const second = new StagedOutput(dir);
    second.add([{ path: "a.txt", content: "one\n" }]);
    second.add([{ path: "c.txt", content: "three\n" }]);
    expect(second.commit()).toEqual({ written: ["c.txt"], unchanged: ["a.txt"], removed: ["sub/b.txt"] });
    expect(listing(dir)).toEqual([MANIFEST, "a.txt", "c.txt"]);
    expect(statSync(join(dir, "a.txt")).mtime.getTime()).toBe(old.getTime());
    expect(readFileSync(join(dir, "c.txt"), "utf8")).toBe("three\n");
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")).files).toEqual(["a.txt", "c.txt"]);
  });

  it("compares and writes large files with multi-byte text a piece at a time", () => {
    const dir = outDir();
    // A surrogate pair straddles the first megabyte boundary (1 << 20 UTF-16 units).
    const big = `${"a".repeat((1 << 20) - 1)}😀${"é".repeat(1 << 20)}ü\n`;
    const first = new StagedOutput(dir);
    first.add([{ path: "big.txt", content: big }]);
    first.commit();
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(big);
    const same = new StagedOutput(dir);
    same.add([{ path: "big.txt", content: big }]);
    expect(same.commit().unchanged).toEqual(["big.txt"]);
    const changed = new StagedOutput(dir);
    changed.add([{ path: "big.txt", content: big.replace("ü", "u\u0308") }]);
    expect(changed.commit().written).toEqual(["big.txt"]);
    const sameLength = new StagedOutput(dir);
    sameLength.add([{ path: "big.txt", content: big.replace("ü", "ý") }]);
    expect(sameLength.commit().written).toEqual(["big.txt"]);
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(big.replace("ü", "ý"));
  });

  it("replaces a watch build's changed files at commit, atomically, from the pieces a text is made of", () => {
    const dir = outDir();
    // Texts made of pieces (as `joinKept` gives them): one longer than a write's megabyte, with a
    // surrogate pair across that boundary.
    const made = new Map<string, readonly string[]>();
    const text = (...pieces: string[]): string => {
      const joined = pieces.join("");
      made.set(joined, pieces);
      return joined;
    };
    const memory = new OutputMemory((content) => made.get(content));
    const build = (content: string, commit = true) => {
      const staged = new StagedOutput(dir, memory);
      staged.add([{ path: "big.txt", content }]);
      if (!commit) {
        staged.abort();
        return undefined;
      }
      return staged.commit();
    };
    const long = `${"a".repeat((1 << 20) - 1)}😀${"é".repeat(1000)}`;
    const first = text("head\n", long, "\ntail\n");
    expect(build(first)?.written).toEqual(["big.txt"]);
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(first);
    expect(build(text("head\n", long, "\ntail\n"))?.unchanged).toEqual(["big.txt"]);
    // Replaced by a rename, never written through: a reader holding the old file (here a hard link
    // to it) keeps the whole old text, not a mix of new and old bytes.
    linkSync(join(dir, "big.txt"), join(dir, "held.txt"));
    // Shorter (the old bytes past the new end are cut off), then longer; an aborted build writes nothing.
    const shorter = text("h\n", long, "\n");
    expect(build(shorter)?.written).toEqual(["big.txt"]);
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(shorter);
    expect(readFileSync(join(dir, "held.txt"), "utf8")).toBe(first);
    rmSync(join(dir, "held.txt"));
    build(text("head\n", long, "\nmore tail\n"), false);
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(shorter);
    const longer = text("head\n", long, long, "\nmore tail\n");
    expect(build(longer)?.written).toEqual(["big.txt"]);
    expect(readFileSync(join(dir, "big.txt"), "utf8")).toBe(longer);
    expect(listing(dir)).toEqual([MANIFEST, "big.txt"]);
  });

  it("keeps the previous output when a later build aborts", () => {
    const dir = outDir();
    const first = new StagedOutput(dir);
    first.add([{ path: "a.txt", content: "one\n" }]);
    first.commit();
    const second = new StagedOutput(dir);
    second.add([{ path: "a.txt", content: "changed\n" }]);
    second.abort();
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("one\n");
    expect(listing(dir)).toEqual([MANIFEST, "a.txt"]);
    writeFileSync(join(dir, "note.txt"), "mine");
    expect(listing(dir)).toContain("note.txt");
  });
});
