/**
 * Tokenizes `.hamlet` text with the committed TextMate grammar (vscode-textmate + the Oniguruma
 * WASM build, as VS Code does) and checks it two ways: exact scopes for hand-picked tokens, and
 * agreement with the Chevrotain lexer on the example schemas, snippets and random text.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { lex } from "../grammar/lexer.js";
import {
  AnnotationName,
  Colon,
  Comma,
  DimensionLiteral,
  DurationLiteral,
  False,
  FloatLiteral,
  Identifier,
  IntegerLiteral,
  keywordTokens,
  LCurly,
  LParen,
  RCurly,
  RParen,
  SizeLiteral,
  StringLiteral,
  True,
} from "../grammar/tokens.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

interface ScopedToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== "source.hamlet") return null;
      const path = join(repoRoot, "grammar", "hamlet.tmLanguage.json");
      return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
    },
  });
  const loaded = await registry.loadGrammar("source.hamlet");
  if (!loaded) throw new Error("grammar did not load");
  grammar = loaded;
});

/** Tokenizes a whole document; offsets are absolute. Line breaks belong to no token. */
function tokenize(text: string): ScopedToken[] {
  const out: ScopedToken[] = [];
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end > t.startIndex) {
        out.push({
          start: offset + t.startIndex,
          end: offset + end,
          text: line.slice(t.startIndex, end),
          scopes: t.scopes,
        });
      }
    }
    state = result.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

/** Scopes of every character (undefined for line breaks). */
function scopesByOffset(text: string): (readonly string[] | undefined)[] {
  const scopes: (readonly string[] | undefined)[] = new Array(text.length).fill(undefined);
  for (const t of tokenize(text)) for (let i = t.start; i < t.end; i++) scopes[i] = t.scopes;
  return scopes;
}

/** The TextMate token that starts at the `nth` occurrence of `needle`. */
function tokenAt(text: string, needle: string, nth = 0): ScopedToken {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} #${nth} not in ${JSON.stringify(text)}`);
  }
  const token = tokenize(text).find((t) => t.start === at);
  if (!token) throw new Error(`no token starts at ${JSON.stringify(needle)} in ${JSON.stringify(text)}`);
  return token;
}

/** Asserts that `needle` is exactly one TextMate token with exactly these scopes. */
function expectToken(text: string, needle: string, scopes: string[], nth = 0): void {
  const token = tokenAt(text, needle, nth);
  expect({ text: token.text, scopes: token.scopes }, `${needle} in ${text}`).toEqual({
    text: needle,
    scopes: ["source.hamlet", ...scopes],
  });
}

const has = (scopes: readonly string[] | undefined, prefix: string): boolean =>
  (scopes ?? []).some((s) => s === prefix || s.startsWith(`${prefix}.`));
const isKeywordScope = (scopes: readonly string[] | undefined): boolean =>
  (scopes ?? []).some((s) => s.startsWith("keyword.") || s.startsWith("storage.type"));

// ---------------------------------------------------------------------------------------------
// Corpus

function exampleFiles(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of [join(repoRoot, "examples"), join(repoRoot, "spec", "examples"), "/work/shared/examples"]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.endsWith(".hamlet") && !found.has(name)) found.set(name, readFileSync(join(dir, name), "utf8"));
    }
  }
  return found;
}

const GAME = `// A two-player board game over WebSocket, from the roadmap's example.
package game

record Cell { x: Int @range(0, 18), y: Int @range(0, 18) }

websocket GameMessage: "/ws/game" {
  PlayerMove { game_id: String, x: Int, y: Int }
  ChatMessage { text: String }
  GameState { board: List<List<Int>> }
}

endpoint NewGame: POST "/api/games" {
  request { opponent: String? }
  response { game_id: String }
}
`;

const SNIPPETS: readonly string[] = [
  `record Doc {\n  type: String\n  index: Int\n  file: Bytes\n  error: String\n  records: Int\n}\n`,
  `model Files {\n  file: String @index\n  index (file, error, type)\n}\n`,
  `alias Handle = String @pattern("^[a-z0-9_]{3,20}$")\nalias Escaped = String @pattern("\\\\d+\\"\\u00e9\\n")\n`,
  `upload U: POST "/a/{id}" {\n  file {\n    max_size: 10MB\n    max_dimensions: 4096x4096\n  }\n}\n`,
  `@retry(attempts: 5, backoff: exponential(500ms, 5m))\nservice S: POST "https://x.example/v1" { request { a: Int = -3 } }\n`,
  `record Nums { a: Float = 1.5e3, b: Int = 10, c: Bool = true, d: Bool @default(false), e: Int = 1d2 }\n`,
  `worker W {\n  input In { image: Bytes }\n  progress P { percent: Float @range(0, 100) }\n  output O { url: String }\n  error E { error: String }\n}\n`,
  `workflow Flow {\n  trigger Started\n  step one -> { ok: Bool }\n  step two\n}\n`,
  // Malformed input: nothing may leak onto the next line.
  `record A { s: String = "unterminated\nrecord B { t: String }\n`,
  `record A { s: String = "abc\\q" }\nrecord B {}\n`,
  `record A { s: String = "abc\\"\nrecord B {}\n`,
  `record A { s: String = "abc\\\nrecord B {}\n`,
  `record A { id: Uuid /// doc inside a line\n  b: Int }\n`,
  `alias Code = String @pattern("^[A-Z]+$\n\nrecord Next { a: Int }\n`,
  `alias Code = String @length(1,\nrecord Next { a: Int }\n`,
  `model M {\n  index (a,\n  index (b)\n}\n`,
  `record A { id: Uuid // note "quoted\n  b: Int }\n`,
  `record A { s: String = "a // not a comment", t: String = "/// nor this" }\n`,
  `endpoint E: GET "/x/{id}" {\n  request { id: Uuid }\n  response List<Map<String, Post>>\n  errors { NotFound, Gone { why: String } }\n}\n`,
  `sse Live: FeedUpdate\nevent Ev { at: Timestamp }\nimport "./common.hamlet"\nenum V { A, B { x: Int } }\n`,
  `record input {}\nworkflow W { step error }\nmodel M { index (event, file) }\n`,
  `5record records recordx _record record_ x10MB 10x 10MBx 1m 1ms 2h 3d 4s a-5 1e5 -2.5\n`,
];

/** The language spec's corpus (`spec/valid`, `spec/invalid`), when present. */
function specFiles(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".hamlet")) out.push([relative(repoRoot, path), readFileSync(path, "utf8")]);
    }
  };
  walk(join(repoRoot, "spec"));
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

function corpus(): [string, string][] {
  const files = [...exampleFiles(), ...specFiles()];
  if (!files.some(([name]) => name === "game.hamlet")) files.push(["game.hamlet", GAME]);
  return [...files, ...SNIPPETS.map((s, i): [string, string] => [`snippet ${i}`, s])];
}

// ---------------------------------------------------------------------------------------------
// Agreement with the lexer

const NUMERIC_SCOPES = new Map([
  [DimensionLiteral, "constant.numeric.dimension.hamlet"],
  [SizeLiteral, "constant.numeric.size.hamlet"],
  [DurationLiteral, "constant.numeric.duration.hamlet"],
  [FloatLiteral, "constant.numeric.float.hamlet"],
  [IntegerLiteral, "constant.numeric.integer.hamlet"],
]);

/** Offsets where `predicate` holds, as a compact description for error messages. */
function describeOffsets(text: string, offsets: readonly number[]): string[] {
  return offsets.slice(0, 5).map((o) => `${o}: ${JSON.stringify(text.slice(Math.max(0, o - 10), o + 10))}`);
}

/** Characters of lexer strings and comments, and of TextMate string and comment scopes. */
function coverage(text: string): {
  lexString: Set<number>;
  lexComment: Set<number>;
  tmString: Set<number>;
  tmComment: Set<number>;
} {
  const result = lex(text, "test.hamlet");
  const lexString = new Set<number>();
  const lexComment = new Set<number>();
  for (const t of result.tokens) {
    if (t.tokenType !== StringLiteral) continue;
    for (let i = t.startOffset; i <= t.endOffset!; i++) lexString.add(i);
  }
  for (const c of result.comments) for (let i = c.span.start; i < c.span.end; i++) lexComment.add(i);
  const tmString = new Set<number>();
  const tmComment = new Set<number>();
  scopesByOffset(text).forEach((scopes, i) => {
    if (has(scopes, "string")) tmString.add(i);
    if (has(scopes, "comment")) tmComment.add(i);
  });
  return { lexString, lexComment, tmString, tmComment };
}

function expectSameOffsets(text: string, what: string, lexer: Set<number>, textmate: Set<number>): void {
  const onlyLexer = [...lexer].filter((o) => !textmate.has(o));
  const onlyTextMate = [...textmate].filter((o) => !lexer.has(o));
  expect(
    {
      onlyLexer: describeOffsets(text, onlyLexer),
      onlyTextMate: describeOffsets(text, onlyTextMate),
    },
    `${what} in ${JSON.stringify(text)}`,
  ).toEqual({ onlyLexer: [], onlyTextMate: [] });
}

function numericOffsets(text: string): {
  lexer: Map<number, string>;
  textmate: Map<number, string>;
} {
  const lexer = new Map<number, string>();
  for (const t of lex(text, "test.hamlet").tokens) {
    const scope = NUMERIC_SCOPES.get(t.tokenType);
    if (scope) for (let i = t.startOffset; i <= t.endOffset!; i++) lexer.set(i, scope);
  }
  const textmate = new Map<number, string>();
  scopesByOffset(text).forEach((scopes, i) => {
    const scope = scopes?.find((s) => s.startsWith("constant.numeric."));
    if (scope) textmate.set(i, scope);
  });
  return { lexer, textmate };
}

describe("TextMate grammar agrees with the lexer", () => {
  for (const [name, text] of corpus()) {
    describe(name, () => {
      it("string and comment scopes cover exactly the lexer's strings and comments", () => {
        const c = coverage(text);
        expectSameOffsets(text, "strings", c.lexString, c.tmString);
        expectSameOffsets(text, "comments", c.lexComment, c.tmComment);
      });

      it("numeric literals get the scope of their token kind", () => {
        const { lexer, textmate } = numericOffsets(text);
        expect(Object.fromEntries(textmate)).toEqual(Object.fromEntries(lexer));
      });

      it("keywords are keywords in keyword position and names elsewhere", () => {
        const { tokens } = lex(text, name);
        const scopes = scopesByOffset(text);
        const keywordTypes = new Set(keywordTokens);
        tokens.forEach((token, i) => {
          const at = scopes[token.startOffset];
          const where = `${token.image} at ${token.startLine}:${token.startColumn} in ${name}`;
          if (token.tokenType === True || token.tokenType === False) {
            expect(at, where).toContain("constant.language.boolean.hamlet");
            return;
          }
          if (token.tokenType === AnnotationName) {
            for (let o = token.startOffset; o <= token.endOffset!; o++) {
              expect(scopes[o], where).toContain("entity.name.function.decorator.hamlet");
            }
            return;
          }
          if (!keywordTypes.has(token.tokenType)) {
            // Plain identifiers are never keywords (HTTP methods excepted).
            if (token.tokenType === Identifier && !/^[A-Z]+$/.test(token.image)) {
              expect(isKeywordScope(at), where).toBe(false);
            }
            return;
          }
          const previous = tokens[i - 1];
          const next = tokens[i + 1];
          if (next?.tokenType === Colon) {
            expect(has(at, "variable.other.property") || has(at, "variable.parameter"), where).toBe(true);
            return;
          }
          const keywordPosition =
            previous === undefined ||
            previous.endLine! < token.startLine! ||
            previous.tokenType === LCurly ||
            previous.tokenType === RCurly ||
            previous.tokenType === RParen ||
            previous.tokenType === AnnotationName;
          const namePosition =
            previous !== undefined &&
            !keywordPosition &&
            (previous.tokenType === LParen || previous.tokenType === Comma || keywordTypes.has(previous.tokenType));
          if (keywordPosition) expect(isKeywordScope(at), where).toBe(true);
          if (namePosition) expect(isKeywordScope(at), where).toBe(false);
          // The whole keyword carries the scope.
          for (let o = token.startOffset; o <= token.endOffset!; o++) expect(scopes[o], where).toBe(at);
        });
      });
    });
  }

  it("agrees on strings, comments and numbers in random text", () => {
    const fragment = fc.constantFrom(
      '"',
      "\\",
      "\\q",
      '\\"',
      "\\u00e9",
      "\\u12",
      "/",
      "//",
      "///",
      " ",
      "\n",
      "\t",
      "record",
      "x",
      "_",
      ":",
      "{",
      "}",
      "(",
      "<",
      "@a",
      "-",
      ".",
      "5",
      "10",
      "MB",
      "ms",
      "m",
      "x4",
      "e3",
      "d",
      "KB",
      "{id}",
      "GET",
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        const c = coverage(text);
        expectSameOffsets(text, "strings", c.lexString, c.tmString);
        expectSameOffsets(text, "comments", c.lexComment, c.tmComment);
        const { lexer, textmate } = numericOffsets(text);
        expect(Object.fromEntries(textmate), JSON.stringify(text)).toEqual(Object.fromEntries(lexer));
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Exact scopes

describe("TextMate scopes", () => {
  it("comments", () => {
    const text = "/// A doc\n// a note\nrecord A {} // trailing\n";
    expectToken(text, "///", ["comment.line.documentation.hamlet", "punctuation.definition.comment.hamlet"]);
    expectToken(text, " A doc", ["comment.line.documentation.hamlet"]);
    expectToken(text, "//", ["comment.line.double-slash.hamlet", "punctuation.definition.comment.hamlet"], 2);
    expectToken(text, " trailing", ["comment.line.double-slash.hamlet"]);
  });

  it("header", () => {
    const text = 'package horatio\nimport "./common.hamlet"\n';
    expectToken(text, "package", ["keyword.other.package.hamlet"]);
    expectToken(text, "horatio", ["entity.name.namespace.hamlet"]);
    expectToken(text, "import", ["keyword.control.import.hamlet"]);
    expectToken(text, "./common.hamlet", ["string.quoted.double.path.hamlet"]);
  });

  it("declarations and their names", () => {
    const text = 'record Post {}\nendpoint GetPost: GET "/api/posts/{id}" {}\nsse LiveFeed: FeedUpdate\n';
    expectToken(text, "record", ["meta.declaration.record.hamlet", "keyword.declaration.record.hamlet"]);
    expectToken(text, "Post", ["meta.declaration.record.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, "endpoint", ["meta.declaration.endpoint.hamlet", "keyword.declaration.endpoint.hamlet"]);
    expectToken(text, "GetPost", ["meta.declaration.endpoint.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, ":", ["meta.declaration.endpoint.hamlet", "punctuation.separator.colon.hamlet"]);
    expectToken(text, "GET", ["meta.declaration.endpoint.hamlet", "keyword.other.http-method.hamlet"]);
    const path = ["meta.declaration.endpoint.hamlet", "string.quoted.double.path.hamlet"];
    expectToken(text, '"', [...path, "punctuation.definition.string.begin.hamlet"]);
    expectToken(text, "/api/posts/", path);
    expectToken(text, "{", [...path, "meta.path-parameter.hamlet", "punctuation.definition.parameter.begin.hamlet"], 1);
    expectToken(text, "id", [...path, "meta.path-parameter.hamlet", "variable.parameter.path.hamlet"]);
    expectToken(text, "LiveFeed", ["meta.declaration.sse.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, "FeedUpdate", ["entity.name.type.hamlet"]);
  });

  it("alias", () => {
    const text = 'alias Handle = String @pattern("^[a-z]$")\n';
    expectToken(text, "alias", ["meta.declaration.alias.hamlet", "keyword.declaration.alias.hamlet"]);
    expectToken(text, "Handle", ["meta.declaration.alias.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, "=", ["meta.declaration.alias.hamlet", "keyword.operator.assignment.hamlet"]);
    expectToken(text, "String", ["meta.declaration.alias.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, "@", [
      "meta.annotation.hamlet",
      "entity.name.function.decorator.hamlet",
      "punctuation.definition.annotation.hamlet",
    ]);
    expectToken(text, "pattern", ["meta.annotation.hamlet", "entity.name.function.decorator.hamlet"]);
    expectToken(text, "^[a-z]$", ["meta.annotation.hamlet", "string.quoted.double.hamlet"]);
  });

  it("contextual keywords used as field names", () => {
    const text = "record Doc {\n  type: String\n  index: Int\n  file: Bytes\n  error: String\n}\n";
    for (const field of ["type", "index", "file", "error"]) {
      expectToken(text, field, ["variable.other.property.hamlet"]);
    }
    expectToken(text, "String", ["entity.name.type.hamlet"]);
  });

  it("sections", () => {
    const text =
      "worker W {\n  input ProcessImage { error: String }\n  error Failed { error: String }\n}\nworkflow F {\n  trigger Uploaded\n  step thumbnail -> { url: String }\n}\nmodel M {\n  index (file, created_at)\n}\n";
    expectToken(text, "input", ["keyword.other.input.hamlet"]);
    expectToken(text, "ProcessImage", ["entity.name.type.hamlet"]);
    expectToken(text, "error", ["variable.other.property.hamlet"]);
    expectToken(text, "error", ["keyword.other.error.hamlet"], 1);
    expectToken(text, "trigger", ["keyword.other.trigger.hamlet"]);
    expectToken(text, "Uploaded", ["entity.name.type.hamlet"]);
    expectToken(text, "step", ["keyword.other.step.hamlet"]);
    expectToken(text, "thumbnail", ["entity.name.function.hamlet"]);
    expectToken(text, "->", ["keyword.operator.arrow.hamlet"]);
    expectToken(text, "index", ["meta.index.hamlet", "keyword.other.index.hamlet"]);
    expectToken(text, "(", ["meta.index.hamlet", "punctuation.section.parens.begin.hamlet"]);
    expectToken(text, "file", ["meta.index.hamlet", "variable.other.property.hamlet"]);
    expectToken(text, "created_at", ["meta.index.hamlet", "variable.other.property.hamlet"]);
  });

  it("types", () => {
    const text = "record R { tags: List<String>, m: Map<String, Int>, o: Uuid? }\n";
    expectToken(text, "List", ["entity.name.type.hamlet"]);
    expectToken(text, "<", ["meta.type.parameters.hamlet", "punctuation.definition.typeparameters.begin.hamlet"]);
    expectToken(text, "String", ["meta.type.parameters.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, ">", ["meta.type.parameters.hamlet", "punctuation.definition.typeparameters.end.hamlet"]);
    expectToken(text, "Int", ["meta.type.parameters.hamlet", "entity.name.type.hamlet"]);
    expectToken(text, "?", ["keyword.operator.optional.hamlet"]);
    expectToken(text, ",", ["punctuation.separator.comma.hamlet"]);
    expectToken(text, "{", ["punctuation.section.block.begin.hamlet"]);
  });

  it("literals with units", () => {
    const text = "f { a: 10MB, b: 500ms, c: 4096x4096, d: 1.5e3, e: -3, f: true, g: false }\n";
    expectToken(text, "10", ["constant.numeric.size.hamlet"]);
    expectToken(text, "MB", ["constant.numeric.size.hamlet", "keyword.other.unit.size.hamlet"]);
    expectToken(text, "500", ["constant.numeric.duration.hamlet"]);
    expectToken(text, "ms", ["constant.numeric.duration.hamlet", "keyword.other.unit.duration.hamlet"]);
    expectToken(text, "4096", ["constant.numeric.dimension.hamlet"]);
    expectToken(text, "x", ["constant.numeric.dimension.hamlet", "punctuation.separator.dimension.hamlet"]);
    expectToken(text, "1.5e3", ["constant.numeric.float.hamlet"]);
    expectToken(text, "-3", ["constant.numeric.integer.hamlet"]);
    expectToken(text, "true", ["constant.language.boolean.hamlet"]);
    expectToken(text, "false", ["constant.language.boolean.hamlet"]);
  });

  it("parenthesised arguments span lines but end before the next statement", () => {
    const text = "@retry(attempts: 5,\n  backoff: fixed(1s))\n@length(1,\nrecord Next {}\n";
    expectToken(text, "backoff", ["meta.annotation.hamlet", "variable.parameter.hamlet"]);
    expectToken(text, "fixed", ["meta.annotation.hamlet", "entity.name.function.hamlet"]);
    expectToken(text, "record", ["meta.declaration.record.hamlet", "keyword.declaration.record.hamlet"]);
    expectToken(text, "Next", ["meta.declaration.record.hamlet", "entity.name.type.hamlet"]);
  });

  it("annotations with arguments", () => {
    const text = "@retry(attempts: 5, backoff: exponential(1s, 10m))\n@global\n";
    const meta = ["meta.annotation.hamlet"];
    expectToken(text, "attempts", [...meta, "variable.parameter.hamlet"]);
    expectToken(text, "exponential", [...meta, "entity.name.function.hamlet"]);
    expectToken(text, "1", [...meta, "constant.numeric.duration.hamlet"]);
    expectToken(text, "s", [...meta, "constant.numeric.duration.hamlet", "keyword.other.unit.duration.hamlet"], 1);
    expectToken(text, "global", [...meta, "entity.name.function.decorator.hamlet"]);
  });

  it("string escapes", () => {
    const text = 'a: String = "x\\n\\u00e9\\q"\n';
    const str = ["string.quoted.double.hamlet"];
    expectToken(text, "\\n", [...str, "constant.character.escape.hamlet"]);
    expectToken(text, "\\u00e9", [...str, "constant.character.escape.hamlet"]);
    expectToken(text, "\\q", [...str, "invalid.illegal.escape.hamlet"]);
    const open = 'b: String = "never closed\n';
    expectToken(open, '"', [
      ...str,
      "punctuation.definition.string.begin.hamlet",
      "invalid.illegal.unterminated-string.hamlet",
    ]);
    expectToken(open, "never closed", str);
  });

  it("malformed strings and comments end with their line", () => {
    for (const first of [
      's: String = "unterminated',
      's: String = "abc\\q"',
      's: String = "abc\\"',
      "id: Uuid /// doc",
    ]) {
      const text = `${first}\nrecord B { zed: String }\n`;
      expectToken(text, "record", ["meta.declaration.record.hamlet", "keyword.declaration.record.hamlet"]);
      expectToken(text, "zed", ["variable.other.property.hamlet"]);
      const next = tokenize(text).filter((t) => t.start > first.length);
      for (const t of next) {
        expect(has(t.scopes, "string") || has(t.scopes, "comment"), `${t.text} after ${first}`).toBe(false);
      }
    }
  });
});
