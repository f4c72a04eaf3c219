/**
 * The guides under docs/guides cannot rot: for each page, its `hamlet` blocks are compiled together
 * as one project (no errors), its `ts` blocks type-checked with `tsc --strict` against the
 * TypeScript generated from those blocks (server, client, events, repositories), its `elm` blocks compiled with `elm make` against the
 * generated Elm, its `toml` blocks parsed, and its `sh` blocks parsed with `bash -n`, every
 * `hamletc <command>` they name being a real command. Pages and images they link to must exist.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseTOML } from "toml-eslint-parser";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { elmMakeSnippets, fencedBlocks as blocks, generateFromBlocks, tscSnippets } from "./support/doc-snippets.js";
import { elmReady } from "./support/elm-project.js";
import { horatioDir } from "./support/horatio.js";
import { tmpRoot } from "./support/ts-emit.js";

const guidesDir = join(repoRoot, "docs", "guides");
const pages = readdirSync(guidesDir)
  .filter((f) => f.endsWith(".md"))
  .sort();
const run = promisify(execFile);
const horatioElmJson = JSON.parse(readFileSync(join(horatioDir, "elm", "elm.json"), "utf8")) as object;
const canRunElm = elmReady("test/guides.test.ts");

const hamletcCommands = [
  ...readFileSync(join(repoRoot, "src", "cli", "main.ts"), "utf8").matchAll(/\.command\("([a-z-]+)/g),
].map((m) => m[1]!);

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

it("has the guides the issue asks for", () => {
  for (const page of [
    "README.md",
    "getting-started.md",
    "http-and-errors.md",
    "database-and-migrations.md",
    "events-and-workflows.md",
    "deployment.md",
    "degraded-modes.md",
    "live-feed-sse.md",
    "chat-websocket.md",
    "photo-uploads.md",
    "workers.md",
  ])
    expect(pages).toContain(page);
});

describe.each(pages)("docs/guides/%s", (page) => {
  const text = readFileSync(join(guidesDir, page), "utf8");
  const hamlet = blocks(text, "hamlet");
  const ts = blocks(text, "ts");
  const elm = blocks(text, "elm");
  // Inside the repository, so that `@hamlet/runtime-node` resolves through the workspace link.
  const dir = join(tmpRoot, `guide-${page.replace(/\.md$/, "")}-${process.pid}`);
  workDirs.push(dir);

  /** Compiles the page's schema blocks and writes the generated TypeScript and Elm under `dir/generated`. */
  let generated: Promise<void> | undefined;
  const generate = () => (generated ??= generateFromBlocks(dir, hamlet, ["typescript", "repository", "elm"]));

  it.runIf(hamlet.length > 0)("its hamlet blocks compile together without errors", async () => {
    await generate();
  });

  it.runIf(ts.length > 0)(
    "its TypeScript blocks pass tsc --strict against the generated code",
    { timeout: 120_000 },
    async () => {
      expect(hamlet.length, "a page with TypeScript needs the schema it is written against").toBeGreaterThan(0);
      await generate();
      const output = await tscSnippets(dir, ts);
      expect(output).toBe("");
    },
  );

  it.runIf(elm.length > 0 && canRunElm)("its Elm blocks pass elm make", { timeout: 180_000 }, async () => {
    await generate();
    // Horatio's app dependencies (elm/browser, elm/html besides what generated code needs).
    await elmMakeSnippets(dir, elm, horatioElmJson);
  });

  it("its TOML blocks parse", () => {
    for (const code of blocks(text, "toml")) expect(() => parseTOML(code)).not.toThrow();
  });

  it("its shell blocks parse and name only real hamletc commands", async () => {
    for (const code of blocks(text, "sh")) {
      const parsed = await run("bash", ["-n", "-c", code]).then(
        () => "",
        (e: { stderr?: string }) => e.stderr ?? "bash -n failed",
      );
      expect(parsed, code).toBe("");
      for (const match of code.matchAll(/hamletc ([a-z-]+)/g)) expect(hamletcCommands).toContain(match[1]);
    }
  });

  it("links only to files that exist", () => {
    for (const match of text.matchAll(/\]\((?!https?:)([^)#\s]+)/g))
      expect(existsSync(join(guidesDir, match[1]!)), `${page} links to ${match[1]}`).toBe(true);
  });
});
