/** `hamletc lsp` as an editor drives it: a real process speaking JSON-RPC over stdio. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "../grammar/parser.js";
import { completionContext } from "../src/lsp/completion-context.js";
import { completion } from "../src/lsp/completion.js";
import { definition } from "../src/lsp/definition.js";
import { diagnosticsFor } from "../src/lsp/diagnostics.js";
import { formatting } from "../src/lsp/formatting.js";
import { hover } from "../src/lsp/hover.js";
import { nodeAt } from "../src/lsp/node-at.js";
import { uriToPath } from "../src/lsp/uri.js";
import { Workspace } from "../src/lsp/workspace.js";
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
function diagnosticsOf(
  uri: string,
  since: number,
  accept: (d: LspDiagnostic[]) => boolean = () => true,
): Promise<LspDiagnostic[]> {
  const params = (n: Notification) => n.params as { uri: string; diagnostics: LspDiagnostic[] };
  return client
    .waitFor(
      (n) => n.method === "textDocument/publishDiagnostics" && params(n).uri === uri && accept(params(n).diagnostics),
      since,
    )
    .then((n) => params(n).diagnostics);
}

describe("hamletc lsp", () => {
  // dist/ is built once for every suite by test/global-setup.ts.
  beforeAll(async () => {
    const launcher = join(repoRoot, "bin", "hamletc.js");
    work = mkdtempSync(join(tmpdir(), "hamletc-lsp-"));
    writeFileSync(join(work, "common.hamlet"), COMMON);
    writeFileSync(join(work, "main.hamlet"), FIXED);
    mainUri = pathToFileURL(join(work, "main.hamlet")).href;
    commonUri = pathToFileURL(join(work, "common.hamlet")).href;
    client = new LspClient(process.execPath, [launcher, "lsp", "--stdio"], { cwd: work });
  }, 180_000);

  afterAll(() => {
    client?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("initializes with the features it serves", async () => {
    const result = await client.request<{ capabilities: Record<string, unknown> }>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(work).href,
      capabilities: {},
    });
    expect(result.capabilities).toMatchObject({
      hoverProvider: true,
      definitionProvider: true,
      documentSymbolProvider: true,
      documentFormattingProvider: true,
    });
    expect(result.capabilities["completionProvider"]).toBeDefined();
    client.notify("initialized", {});
  });

  it("publishes diagnostics for an open document with an error, and clears them once fixed", async () => {
    let since = client.notifications.length;
    client.notify("textDocument/didOpen", {
      textDocument: { uri: mainUri, languageId: "hamlet", version: 1, text: BROKEN },
    });
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
    client.notify("textDocument/didChange", {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ text: FIXED }],
    });
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);
  });

  it("re-checks open files that import a changed file", async () => {
    let since = client.notifications.length;
    client.notify("textDocument/didOpen", {
      textDocument: { uri: commonUri, languageId: "hamlet", version: 1, text: COMMON },
    });
    expect(await diagnosticsOf(commonUri, since)).toEqual([]);
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);

    since = client.notifications.length;
    const edit = { start: positionOf(COMMON, "Handle"), end: positionOf(COMMON, "Handle", 6) };
    client.notify("textDocument/didChange", {
      textDocument: { uri: commonUri, version: 2 },
      contentChanges: [{ range: edit, text: "Handel" }],
    });
    const broken = await diagnosticsOf(mainUri, since, (d) => d.length > 0);
    expect(broken.map((d) => d.code)).toEqual(["HAM0201"]);
    expect(broken[0]!.range.start).toEqual(positionOf(FIXED, "Handle"));

    since = client.notifications.length;
    client.notify("textDocument/didChange", {
      textDocument: { uri: commonUri, version: 3 },
      contentChanges: [{ text: COMMON }],
    });
    expect(await diagnosticsOf(mainUri, since)).toEqual([]);
  });

  it("shows the declaration and its doc comment on hover over a type reference", async () => {
    const hover = await client.request<{ contents: { value: string }; range: Range }>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "response Post", 10),
    });
    expect(hover.contents.value).toContain("record Post");
    expect(hover.contents.value).toContain("A post as clients see it.");
    expect(hover.contents.value).toContain("author: Handle");

    const field = await client.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "body:", 1),
    });
    expect(field.contents.value).toContain("body: String @length(1, 500)");

    const annotation = await client.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "@length", 2),
    });
    expect(annotation.contents.value).toContain("@length(min?, max?)");

    const imported = await client.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "author: Handle", 9),
    });
    expect(imported.contents.value).toContain("A user handle.");
  });

  it("goes to the definition in the same file and across an import", async () => {
    const local = await client.request<{ uri: string; range: Range }>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "response Post", 10),
    });
    const name = positionOf(FIXED, "record Post", 7);
    expect(local).toEqual({
      uri: mainUri,
      range: { start: name, end: { line: name.line, character: name.character + 4 } },
    });

    const across = await client.request<{ uri: string; range: Range }>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "author: Handle", 9),
    });
    const handle = positionOf(COMMON, "Handle");
    expect(across).toEqual({
      uri: commonUri,
      range: { start: handle, end: { line: handle.line, character: handle.character + 6 } },
    });

    const file = await client.request<{ uri: string }>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "./common", 3),
    });
    expect(file.uri).toBe(commonUri);
  });

  it("completes annotations after @ and types after a colon", async () => {
    const annotations = await client.request<{ label: string }[]>("textDocument/completion", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "@length", 1),
    });
    expect(annotations.map((i) => i.label)).toEqual(expect.arrayContaining(["length", "pattern", "references"]));

    const types = await client.request<{ label: string }[]>("textDocument/completion", {
      textDocument: { uri: mainUri },
      position: positionOf(FIXED, "author: ", 8),
    });
    expect(types.map((i) => i.label)).toEqual(
      expect.arrayContaining(["String", "Int", "List", "Map", "Post", "Handle"]),
    );
    expect(types.map((i) => i.label)).not.toContain("GetPost");
  });

  it("lists declarations with their children as document symbols", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri: mainUri },
    });
    expect(symbols.map((s) => s.name)).toEqual(["Post", "GetPost"]);
    expect(symbols[0]!.children!.map((c) => c.name)).toEqual(["id", "author", "body"]);
    expect(symbols[1]!.children!.map((c) => c.name)).toEqual(["request", "response"]);
  });

  it("formats the whole document", async () => {
    const edits = await client.request<{ range: Range; newText: string }[]>("textDocument/formatting", {
      textDocument: { uri: mainUri },
      options: { tabSize: 2, insertSpaces: true },
    });
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

// ---------------------------------------------------------------------------------------------
// In-process: the same modules the server uses, on a larger schema, without a child process.

const SCHEMA = `package shop

/// A registered customer.
@table("users")
model UserRow {
  id: Uuid @primary @default(uuid)
  email: String @format(email)
}

model OrderRow {
  id: Uuid @primary
  user_id: Uuid @references(UserRow)
}

/// Raised when an order is placed.
event OrderPlaced { order_id: Uuid }

/// Place an order.
@emits(OrderPlaced)
endpoint PlaceOrder: POST "/api/orders" {
  request { items: List<String> @minItems(1) }
  response { order_id: Uuid }
}

worker Packer {
  input PackJob { order_id: Uuid }
  output PackDone { boxes: Int }
}

workflow Fulfil {
  trigger OrderPlaced
  step pack -> { boxes: Int }
}
`;

describe("language server modules", () => {
  let dir: string;
  let file: string;
  let workspace: Workspace;
  const at = (needle: string, delta = 0): number => SCHEMA.indexOf(needle) + delta;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "hamletc-lsp-unit-"));
    file = join(dir, "shop.hamlet");
    writeFileSync(file, SCHEMA);
    workspace = new Workspace({ all: () => [] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tells completion contexts apart from the text before the cursor", () => {
    const ctx = (before: string) => completionContext(before, before.length);
    expect(ctx("@")).toEqual({ kind: "annotation", leading: true });
    expect(ctx("record A {\n  b: String @le")).toEqual({ kind: "annotation", leading: false });
    expect(ctx("model M {\n  u: Uuid @references(")).toEqual({ kind: "argument", annotation: "references" });
    expect(ctx("@retry(attempts: ")).toEqual({ kind: "argument", annotation: "retry" });
    expect(ctx("endpoint E: ")).toEqual({ kind: "method" });
    expect(ctx("workflow W {\n  trigger Or")).toEqual({ kind: "event" });
    for (const type of [
      "record A {\n  b: ",
      "record A {\n  b: List<",
      "record A {\n  b: Map<String, ",
      "alias A = ",
      'endpoint E: GET "/" {\n  response ',
      "record A { b: In",
    ]) {
      expect(ctx(type), type).toEqual({ kind: "type" });
    }
    expect(ctx('endpoint E: GET "/" {\n  re')).toEqual({ kind: "keyword", owner: "endpoint" });
    expect(ctx("record A { b: Int }\nrec")).toEqual({ kind: "keyword", owner: undefined });
    expect(ctx("record A {\n  // see: ")).toEqual({ kind: "none" });
    expect(ctx('endpoint E: GET "/a: ')).toEqual({ kind: "none" });
    expect(ctx('endpoint E: GET "/a/{id}" { request { a: String } }\nworker W {\n  in')).toEqual({
      kind: "keyword",
      owner: "worker",
    });
  });

  it("completes model names in @references, event names in @emits and trigger, keywords in bodies", () => {
    const labels = (text: string, offset: number) => completion(workspace, file, text, offset).map((i) => i.label);
    expect(labels(SCHEMA, at("@references(", 12))).toEqual(["UserRow", "OrderRow"]);
    expect(labels(SCHEMA, at("@emits(", 7))).toEqual(["OrderPlaced"]);
    expect(labels(SCHEMA, at("trigger ", 8))).toEqual(["OrderPlaced"]);
    const types = labels(SCHEMA, at("order_id: Uuid", 10));
    expect(types).toEqual(expect.arrayContaining(["OrderPlaced", "PackJob", "PackDone", "Uuid"]));
    expect(types).not.toContain("UserRow");
    const withKeyword = SCHEMA.replace("  step pack", "  st\n  step pack");
    expect(labels(withKeyword, withKeyword.indexOf("  st\n") + 4)).toEqual(["trigger", "step"]);
  });

  it("finds definitions from annotation arguments, triggers and worker parts", () => {
    const target = (offset: number) => {
      const location = definition(workspace, file, offset);
      return (
        location &&
        SCHEMA.split("\n")[location.range.start.line]!.slice(
          location.range.start.character,
          location.range.end.character,
        )
      );
    };
    expect(target(at("@references(UserRow", 14))).toBe("UserRow");
    expect(target(at("@emits(OrderPlaced", 8))).toBe("OrderPlaced");
    expect(target(at("trigger OrderPlaced", 9))).toBe("OrderPlaced");
    expect(definition(workspace, file, at("trigger OrderPlaced", 9))!.range.start.line).toBe(
      SCHEMA.slice(0, at("event OrderPlaced")).split("\n").length - 1,
    );
    expect(target(at("items", 1))).toBeNull();
  });

  it("hovers endpoints with method and path, worker parts, models and builtins", () => {
    const text = (offset: number) => {
      const h = hover(workspace, file, SCHEMA, offset);
      return h ? (h.contents as { value: string }).value : "";
    };
    expect(text(at("PlaceOrder", 2))).toContain('endpoint PlaceOrder: POST "/api/orders"');
    expect(text(at("PlaceOrder", 2))).toContain("Place an order.");
    expect(text(at("PackJob", 2))).toContain("input PackJob {\n  order_id: Uuid\n}");
    expect(text(at("@references(UserRow", 14))).toContain("A registered customer.");
    expect(text(at("@references(UserRow", 14))).toContain('@table("users")');
    expect(text(at("List<String>", 1))).toContain("Built-in type");
    expect(text(at("@minItems", 3))).toContain("The fewest items");
    expect(text(at("email: String", 1))).toContain("@format(email)");
  });

  it("finds the innermost node at an offset", () => {
    const document = parse(SCHEMA, file).document;
    expect(nodeAt(document, at("boxes: Int }\n}", 1))).toMatchObject({
      kind: "field",
      field: { name: { name: "boxes" } },
    });
    expect(nodeAt(document, at("step pack -> { boxes", 16))).toMatchObject({
      kind: "field",
      field: { name: { name: "boxes" } },
    });
    expect(nodeAt(document, at("@primary", 1))).toMatchObject({
      kind: "annotation",
      annotation: { name: { name: "primary" } },
    });
    expect(nodeAt(document, at("model UserRow", 2))).toBeUndefined();
  });
});

describe("language server edge cases", () => {
  it("gives no formatting edits for text with syntax errors or already formatted text", () => {
    expect(formatting("record A {\n  b: \n", "/x/a.hamlet")).toEqual([]);
    expect(formatting("package a\n\nrecord A { b: Int }\n", "/x/a.hamlet")).toEqual([]);
  });

  it("completes declared types while the document does not parse", () => {
    const text = "package draft\n\nrecord A {\n  b: \n}\n\nenum C { D, E }\n";
    const open = TextDocument.create("untitled:Untitled-2", "hamlet", 1, text);
    const items = completion(new Workspace({ all: () => [open] }), uriToPath(open.uri), text, text.indexOf("b: ") + 3);
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(["A", "C", "String"]));
    const glued = completion(new Workspace({ all: () => [open] }), uriToPath(open.uri), text, text.indexOf("b:") + 2);
    expect(glued.find((i) => i.label === "String")?.insertText).toBe(" String");
  });

  it("checks documents that are not files yet, from their unsaved text", () => {
    const text = "package draft\n\nrecord A { b: Strng }\n";
    const open = TextDocument.create("untitled:Untitled-1", "hamlet", 1, text);
    const workspace = new Workspace({ all: () => [open] });
    const diagnostics = diagnosticsFor(workspace, uriToPath(open.uri), text);
    expect(diagnostics.map((d) => d.code)).toEqual(["HAM0201"]);
    expect(diagnostics[0]!.range.start).toEqual({ line: 2, character: 14 });
  });
});

describe("language server features from hamlet.toml", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "hamletc-lsp-config-"));
    writeFileSync(
      join(dir, "hamlet.toml"),
      '[hamlet]\nschema = ["schema/*.hamlet"]\n\n[hamlet.features]\ndatabase = true\nevent_store = false\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("uses the features of the nearest hamlet.toml", () => {
    const text = "package flows\n\nevent Started { id: Uuid }\n\nworkflow Run {\n  trigger Started\n  step go\n}\n";
    const path = join(dir, "schema", "flows.hamlet");
    const open = TextDocument.create(pathToFileURL(path).href, "hamlet", 1, text);
    const diagnostics = diagnosticsFor(new Workspace({ all: () => [open] }), path, text);
    const workflow = diagnostics.find((d) => d.message.includes("event_store"));
    expect(workflow, JSON.stringify(diagnostics)).toBeDefined();
    expect(workflow!.severity).toBe(1);
    // Without a hamlet.toml, every feature is on.
    const bareDir = mkdtempSync(join(tmpdir(), "hamletc-lsp-bare-"));
    try {
      const bare = join(bareDir, "flows.hamlet");
      const bareOpen = TextDocument.create(pathToFileURL(bare).href, "hamlet", 1, text);
      expect(diagnosticsFor(new Workspace({ all: () => [bareOpen] }), bare, text)).toEqual([]);
    } finally {
      rmSync(bareDir, { recursive: true, force: true });
    }
  });
});
