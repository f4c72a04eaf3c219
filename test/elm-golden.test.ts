/**
 * Golden files of the Elm emitter: for every valid corpus case and both shared examples, the
 * generated modules are stored under test/golden/elm/<case>/. `RECORD=1` rewrites them.
 * The runtime modules (Hamlet/*.elm) are copies of runtime-elm/src and are checked against it
 * instead of being stored again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { elmCases, emitElm, schemaOf } from "./support/elm-project.js";

const goldenRoot = join(repoRoot, "test", "golden", "elm");
const record = process.env.RECORD === "1";
const hint = "RECORD=1 npx vitest run test/elm-golden.test.ts";

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

describe("elm emitter golden files", () => {
  it.each(elmCases())("$name", async ({ name, entry }) => {
    const files = (await emitElm(schemaOf(entry))).filter((f) => !f.path.startsWith("Hamlet/"));
    const dir = join(goldenRoot, name);
    if (record) {
      rmSync(dir, { recursive: true, force: true });
      for (const file of files) {
        mkdirSync(dirname(join(dir, file.path)), { recursive: true });
        writeFileSync(join(dir, file.path), file.content);
      }
    }
    expect(listFiles(dir), `the golden files of ${name} are missing or stale; run ${hint}`).toEqual(
      files.map((f) => f.path).sort(),
    );
    for (const file of files) {
      const golden = readFileSync(join(dir, file.path), "utf8");
      expect(
        file.content,
        `${name}/${file.path} differs from its golden file; if the change is intended, run ${hint}`,
      ).toBe(golden);
    }
  });

  it("has no golden folder without a case", () => {
    const cases = new Set(elmCases().map((c) => c.name));
    const folders = existsSync(goldenRoot) ? readdirSync(goldenRoot) : [];
    expect(
      folders.filter((f) => !cases.has(f)),
      `stale golden folders; run ${hint}`,
    ).toEqual([]);
  });

  it("copies the runtime modules unchanged", async () => {
    const files = await emitElm(schemaOf(elmCases()[0]!.entry));
    const runtime = files.filter((f) => f.path.startsWith("Hamlet/"));
    const sources = readdirSync(join(repoRoot, "runtime-elm", "src", "Hamlet"))
      .filter((n) => n.endsWith(".elm"))
      .sort();
    expect(runtime.map((f) => f.path)).toEqual(sources.map((n) => `Hamlet/${n}`));
    for (const file of runtime)
      expect(file.content).toBe(readFileSync(join(repoRoot, "runtime-elm", "src", file.path), "utf8"));
  });
});
