/**
 * The committed TextMate grammar (and the VS Code extension's copy) must be exactly what
 * `grammar/textmate.ts` generates from the token module, so highlighting cannot drift from the
 * lexer. `RECORD=1 npx vitest run test/textmate.test.ts` rewrites both files.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  capturingGroups,
  generateTextMateGrammar,
  renderTextMateGrammar,
  SCOPE_NAME,
  toOniguruma,
} from "../grammar/textmate.js";
import { declarationKeywords, headerKeywords, sectionKeywords } from "../grammar/tokens.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(repoRoot, "grammar", "hamlet.tmLanguage.json");
const extensionCopy = join(repoRoot, "editors", "vscode", "syntaxes", "hamlet.tmLanguage.json");
const record = process.env["RECORD"] === "1";

describe("generated TextMate grammar", () => {
  const rendered = renderTextMateGrammar();

  for (const [label, file] of [
    ["grammar/hamlet.tmLanguage.json", committed],
    ["editors/vscode/syntaxes/hamlet.tmLanguage.json", extensionCopy],
  ] as const) {
    it(`${label} equals the generated grammar`, () => {
      if (record) writeFileSync(file, rendered);
      expect(existsSync(file), `${label} is missing; run RECORD=1 npx vitest run test/textmate.test.ts`).toBe(true);
      const text = readFileSync(file, "utf8");
      expect(text, `${label} is stale; run RECORD=1 npx vitest run test/textmate.test.ts`).toBe(rendered);
    });
  }

  it("is deterministic and valid JSON", () => {
    expect(renderTextMateGrammar()).toBe(rendered);
    const parsed = JSON.parse(rendered) as Record<string, unknown>;
    expect(parsed["scopeName"]).toBe(SCOPE_NAME);
    expect(parsed["fileTypes"]).toEqual(["hamlet"]);
  });

  it("mentions every keyword of the token tables", () => {
    const grammar = JSON.stringify(generateTextMateGrammar());
    for (const word of [
      ...Object.keys(declarationKeywords),
      ...Object.keys(headerKeywords),
      ...Object.keys(sectionKeywords),
    ]) {
      expect(grammar, word).toMatch(new RegExp(`\\b${word}\\b`));
    }
  });

  it("only references repository rules that exist", () => {
    const grammar = generateTextMateGrammar();
    const repository = grammar["repository"] as Record<string, unknown>;
    const includes = [...JSON.stringify(grammar).matchAll(/"include":"#([^"]+)"/g)].map((m) => m[1]!);
    expect(includes.length).toBeGreaterThan(0);
    for (const name of includes) expect(Object.keys(repository), name).toContain(name);
  });

  it("converts JavaScript regex syntax to Oniguruma", () => {
    expect(toOniguruma(/[ \t\uFEFF]+/)).toBe("[ \\t\\x{FEFF}]+");
    expect(toOniguruma(/\/\/[^\n\r]*/)).toBe("//[^\\n\\r]*");
    expect(toOniguruma(/ab/i)).toBe("(?i:ab)");
    expect(() => toOniguruma(/^a/)).toThrow(/anchors/);
    expect(() => toOniguruma(/a$/)).toThrow(/anchors/);
    expect(() => toOniguruma(/[^]/)).toThrow();
    expect(() => toOniguruma(/a/u)).toThrow(/flags/);
    expect(() => toOniguruma(/(a)\1/)).toThrow(/escape/);
    expect(toOniguruma(/[$^]/)).toBe("[$^]");
    expect(toOniguruma(/[[&&a]/)).toBe("[\\[\\&\\&a]");
  });

  it("counts capturing groups", () => {
    expect(capturingGroups("(?:a)(b)[(](?<n>c)\\(")).toBe(2);
  });

  it("is the grammar the VS Code extension contributes", () => {
    const dir = join(repoRoot, "editors", "vscode");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      publisher: string;
      main: string;
      engines: { vscode: string };
      dependencies: Record<string, string>;
      contributes: {
        languages: {
          id: string;
          extensions: string[];
          configuration: string;
        }[];
        grammars: { language: string; scopeName: string; path: string }[];
      };
    };
    expect(manifest.name).toBe("hamlet-vscode");
    expect(manifest.publisher).toBe("hamlet");
    expect(manifest.engines.vscode).toBe("^1.80.0");
    expect(manifest.dependencies).toHaveProperty("vscode-languageclient");
    expect(existsSync(join(dir, manifest.main))).toBe(true);
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: "hamlet", extensions: [".hamlet"] });
    const configuration = JSON.parse(readFileSync(join(dir, language!.configuration), "utf8")) as {
      comments: { lineComment: string };
    };
    expect(configuration.comments.lineComment).toBe("//");
    const [grammar] = manifest.contributes.grammars;
    expect(grammar).toMatchObject({
      language: "hamlet",
      scopeName: SCOPE_NAME,
    });
    expect(resolve(dir, grammar!.path)).toBe(extensionCopy);
    const client = readFileSync(join(dir, manifest.main), "utf8");
    expect(client).toContain('require("vscode-languageclient/node")');
    expect(client).toMatch(/args: \["lsp"/);
  });
});
