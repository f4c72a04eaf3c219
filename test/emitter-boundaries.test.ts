/**
 * Emitters never import each other: rules they share (follow an alias, is an enum tagged, find a
 * record, a column's storable type, wire examples) live in src/schema/ (query.ts, examples.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";

const emittersDir = join(repoRoot, "emitters");
const emitterFolders = readdirSync(emittersDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("emitter boundaries", () => {
  it("no emitter imports another emitter's modules", () => {
    const crossings: string[] = [];
    for (const folder of emitterFolders) {
      for (const file of readdirSync(join(emittersDir, folder)).filter((f) => f.endsWith(".ts"))) {
        const source = readFileSync(join(emittersDir, folder, file), "utf8");
        for (const m of source.matchAll(/from\s+"\.\.\/([a-z-]+)\//g))
          if (emitterFolders.includes(m[1]!)) crossings.push(`emitters/${folder}/${file} imports ../${m[1]}/`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
