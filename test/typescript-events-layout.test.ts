/**
 * `events.ts` is printed in its final layout, without a formatter pass: Prettier (printWidth 100,
 * the generated code's width) must leave every golden `events.ts` unchanged.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";

const goldenRoot = join(repoRoot, "test", "golden", "typescript");
const files = readdirSync(goldenRoot)
  .map((name) => join(goldenRoot, name, "events.ts"))
  .filter((path) => existsSync(path));

describe("generated events.ts layout", () => {
  it("has goldens with events", () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
  for (const path of files) {
    it(path.slice(goldenRoot.length + 1), async () => {
      const text = readFileSync(path, "utf8");
      expect(await format(text, { parser: "typescript", printWidth: 100 })).toBe(text);
    });
  }
});
