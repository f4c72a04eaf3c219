/** `hamletc lsp` as an editor drives it: a real process speaking JSON-RPC over stdio. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { LspClient, type Notification } from "./support/lsp-client.js";

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface LspDiagnostic {
  range: Range;
  code: string;
  source: string;
  message: string;
  severity: number;
}
interface DocumentSymbol {
  name: string;
  children?: DocumentSymbol[];
}

const COMMON = `package blog

/// A user handle.
alias Handle = String @length(3, 20)
`;

const BROKEN = `package blog

import "./common.hamlet"

/// A post as clients see it.
record Post {
  id:   Uuid
  author: Handle
  body: Strng @length(1, 500)
}

/// One post by id.
endpoint GetPost: GET "/api/posts/{id}" {
  request { id: Uuid }
  response Post
}
`;
const FIXED = BROKEN.replace("Strng", "String");

/** The position of the `nth` occurrence of `needle` in `text`, plus `delta` characters. */
function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`${needle} not in text`);
  offset += delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

let work: string;
let client: LspClient;
let mainUri: string;
let commonUri: string;

/** The next diagnostics published for `uri` after notification number `since` (that satisfy `accept`). */
function diagnosticsOf(uri: string, since: number, accept: (d: LspDiagnostic[]) => boolean = () => true): Promise<LspDiagnostic[]> {
  const params = (n: Notification) => n.params as { uri: string; diagnostics: LspDiagnostic[] };
  return client
    .waitFor((n) => n.method === "textDocument/publishDiagnostics" && params(n).uri === uri && accept(params(n).diagnostics), since)
    .then((n) => params(n).diagnostics);
}

beforeAll(async () => {
  // The launcher runs the compiled CLI; make sure dist/ is current.
  const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: repoRoot, encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  work = mkdtempSync(join(tmpdir(), "hamletc-lsp-"));
  writeFileSync(join(work, "common.hamlet"), COMMON);
  writeFileSync(join(work, "main.hamlet"), FIXED);
  mainUri = pathToFileURL(join(work, "main.hamlet")).href;
  commonUri = pathToFileURL(join(work, "common.hamlet")).href;
  client = new LspClient(process.execPath, [join(repoRoot, "bin", "hamletc.js"), "lsp", "--stdio"], { cwd: work });
}, 120_000);

afterAll(() => {
  client?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe("hamletc lsp", () => {
  it("initializes with the features it serves", async () => {
    const result = await client.request<{ capabilities: Record<string, unknown> }>("initialize", { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: {} });
    expect(result.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentSymbolProvider: true, documentFormattingProvider: true });
    expect(result.capabilities["completionProvider"]).toBeDefined();
    client.notify("initialized", {});
  });

  it("publishes diagnostics for an open document with an error, and clears them once fixed", async () => {
    let since = client.notifications.length;
    client.notify("textDocument/didOpen", { textDocument: { uri: mainUri, languageId: "hamlet", version: 1, text: BROKEN } });
    const diagnostics = await diagnosticsOf(mainUri, since);
    // The unknown type, and `@length` on a field whose type is unknown.
    expect(diagnostics.map((d) => d.code)).toContain("HAM0201");
    const d = diagnostics.find((x) => x.code === "HAM0201");
    expect(d).toMatchObject({ code: "HAM0201", source: "hamlet", severity: 1 });
    expect(d!.message).toContain("Strng");
    expect(d!.message).toContain("String"); // the hint
    const start = positionOf(BROKEN, "Strng");
    expect(d!.range).toEqual({ start, end: { line: start.line, character: start.character + 5 } });

    since = client.notifications.length;
    client.notify("textDocument/didChange", { textDocument: { uri: mainUri, version: 2 }, contentChanges: [{ text: FIXED }] });
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);
  });

  it("re-checks open files that import a changed file", async () => {
    let since = client.notifications.length;
    client.notify("textDocument/didOpen", { textDocument: { uri: commonUri, languageId: "hamlet", version: 1, text: COMMON } });
    expect(await diagnosticsOf(commonUri, since)).toEqual([]);
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);

    since = client.notifications.length;
    const edit = { start: positionOf(COMMON, "Handle"), end: positionOf(COMMON, "Handle", 6) };
    client.notify("textDocument/didChange", { textDocument: { uri: commonUri, version: 2 }, contentChanges: [{ range: edit, text: "Handel" }] });
    const broken = await diagnosticsOf(mainUri, since, (d) => d.length > 0);
    expect(broken.map((d) => d.code)).toEqual(["HAM0201"]);
    expect(broken[0]!.range.start).toEqual(positionOf(FIXED, "Handle"));

    since = client.notifications.length;
    client.notify("textDocument/didChange", { textDocument: { uri: commonUri, version: 3 }, contentChanges: [{ text: COMMON }] });
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);
  });

  it("shows the declaration and its doc comment on hover over a type reference", async () => {
    const hover = await client.request<{ contents: { value: string }; range: Range }>("textDocument/hover", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "response Post", 10) });
    expect(hover.contents.value).toContain("record Post");
    expect(hover.contents.value).toContain("A post as clients see it.");
    expect(hover.contents.value).toContain("author: Handle");

    const field = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "body:", 1) });
    expect(field.contents.value).toContain("body: String @length(1, 500)");

    const annotation = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "@length", 2) });
    expect(annotation.contents.value).toContain("@length(min?, max?)");

    const imported = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "author: Handle", 9) });
    expect(imported.contents.value).toContain("A user handle.");
  });

  it("goes to the definition in the same file and across an import", async () => {
    const local = await client.request<{ uri: string; range: Range }>("textDocument/definition", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "response Post", 10) });
    const name = positionOf(FIXED, "record Post", 7);
    expect(local).toEqual({ uri: mainUri, range: { start: name, end: { line: name.line, character: name.character + 4 } } });

    const across = await client.request<{ uri: string; range: Range }>("textDocument/definition", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "author: Handle", 9) });
    const handle = positionOf(COMMON, "Handle");
    expect(across).toEqual({ uri: commonUri, range: { start: handle, end: { line: handle.line, character: handle.character + 6 } } });
  });

  it("completes annotations after @ and types after a colon", async () => {
    const annotations = await client.request<{ label: string }[]>("textDocument/completion", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "@length", 1) });
    expect(annotations.map((i) => i.label)).toEqual(expect.arrayContaining(["length", "pattern", "references"]));

    const types = await client.request<{ label: string }[]>("textDocument/completion", { textDocument: { uri: mainUri }, position: positionOf(FIXED, "author: ", 8) });
    expect(types.map((i) => i.label)).toEqual(expect.arrayContaining(["String", "Int", "List", "Map", "Post", "Handle"]));
    expect(types.map((i) => i.label)).not.toContain("GetPost");
  });

  it("lists declarations with their children as document symbols", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: mainUri } });
    expect(symbols.map((s) => s.name)).toEqual(["Post", "GetPost"]);
    expect(symbols[0]!.children!.map((c) => c.name)).toEqual(["id", "author", "body"]);
    expect(symbols[1]!.children!.map((c) => c.name)).toEqual(["request", "response"]);
  });

  it("formats the whole document", async () => {
    const edits = await client.request<{ range: Range; newText: string }[]>("textDocument/formatting", { textDocument: { uri: mainUri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.range.start).toEqual({ line: 0, character: 0 });
    expect(edits[0]!.newText).toContain("  id: Uuid\n");
    expect(edits[0]!.newText).not.toContain("id:   Uuid");
  });

  it("shuts down and exits with code 0", async () => {
    await client.request("shutdown");
    client.notify("exit");
    expect(await client.exited).toBe(0);
  });
});
