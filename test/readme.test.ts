/** The README documents what the code does: the settings table and every command. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configReferenceMarkdown } from "../src/config/index.js";
import { repoRoot } from "./support/corpus.js";

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
