/**
 * The README documents what the code does: the settings table, every command, and code that
 * compiles: every TypeScript and Elm snippet is type-checked (`tsc --strict`) or compiled
 * (`elm make`) against what `hamletc` generates from the README's own schema.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configReferenceMarkdown } from "../src/config/index.js";
import { repoRoot } from "./support/corpus.js";
import { elmMakeSnippets, fencedBlocks, generateFromBlocks, tscSnippets } from "./support/doc-snippets.js";
import { ELM_JSON, elmReady } from "./support/elm-project.js";
import { tmpRoot } from "./support/ts-emit.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

describe("README", () => {
  it("contains the hamlet.toml reference generated from the settings table", () => {
    expect(readme).toContain(configReferenceMarkdown().trim());
  });

  it("documents every hamletc command", () => {
    const main = readFileSync(join(repoRoot, "src", "cli", "main.ts"), "utf8");
    const commands = [...main.matchAll(/\.command\("([a-z]+)"\)/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) expect(readme).toContain(`hamletc ${command}`);
  });

  it("gives the two set-up commands that CI runs", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
    expect(readFileSync(join(repoRoot, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });
});

const blocks = (language: string): string[] => fencedBlocks(readme, language);

describe("README code compiles", () => {
  // Inside the repository, so that `@hamlet/runtime-node` resolves through the workspace link.
  const dir = join(tmpRoot, `readme-${process.pid}`);

  // Every schema block of the README, compiled together as one project.
  beforeAll(() => generateFromBlocks(dir, blocks("hamlet"), ["typescript", "elm"]));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every TypeScript snippet passes tsc --strict", { timeout: 120_000 }, async () => {
    const snippets = blocks("ts");
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    expect(await tscSnippets(dir, snippets)).toBe("");
  });

  it.skipIf(!elmReady("test/readme.test.ts"))("every Elm snippet passes elm make", { timeout: 120_000 }, async () => {
    const snippets = blocks("elm");
    expect(snippets.length).toBeGreaterThanOrEqual(1);
    await elmMakeSnippets(dir, snippets, ELM_JSON);
  });
});
