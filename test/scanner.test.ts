/**
 * The hand-written tokenizer (grammar/scanner.ts) produces what Chevrotain's lexer produces for
 * the same token definitions: the same tokens (type, text, offsets, lines, columns), the same
 * comments and the same errors, on every corpus schema and example, on the corpus cut and
 * mutated, and on arbitrary text.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Lexer, type IToken } from "../grammar/chevrotain.js";
import { scan } from "../grammar/scanner.js";
import { allTokens } from "../grammar/tokens.js";
import { corpus, sharedExamples } from "./support/corpus.js";

const reference = new Lexer([...allTokens], { positionTracking: "full", ensureOptimizations: true });

const fields = (tokens: readonly IToken[]) =>
  tokens.map((t) => ({
    type: t.tokenType.name,
    typeIdx: t.tokenTypeIdx,
    image: t.image,
    startOffset: t.startOffset,
    endOffset: t.endOffset,
    startLine: t.startLine,
    endLine: t.endLine,
    startColumn: t.startColumn,
    endColumn: t.endColumn,
  }));

function expectSameAsChevrotain(text: string): void {
  const expected = reference.tokenize(text);
  const actual = scan(text);
  expect(fields(actual.tokens)).toEqual(fields(expected.tokens));
  expect(fields(actual.comments)).toEqual(fields(expected.groups["comments"] ?? []));
  expect(actual.errors).toEqual(
    expected.errors.map((e) => ({ offset: e.offset, length: e.length, line: e.line, column: e.column })),
  );
}

const sources = [
  ...sharedExamples(),
  ...corpus("valid").flatMap((e) => e.files),
  ...corpus("invalid").flatMap((e) => e.files),
].map((f) => readFileSync(f, "utf8"));

const pieces = [
  ...'{}()<>[],:=?@-"\\/\n\r\t\f\uFEFF #$%é😀x',
  "\r\n",
  "///",
  "//",
  "->",
  "record",
  "records",
  "errors",
  "error",
  "error_x",
  "files",
  "true",
  "@range(",
  "10MB",
  "10KBx",
  "4096x4096",
  "4096x",
  "5m",
  "500ms",
  "2h3",
  "-12",
  "-1.5e+3",
  "1e5",
  "1.5s",
  '"a\\"b"',
  '"\\',
  '"\\u00e9"',
];

describe("scanner", () => {
  it("tokenizes every corpus schema and example as Chevrotain does", () => {
    expect(sources.length).toBeGreaterThan(10);
    for (const text of sources) expectSameAsChevrotain(text);
  });

  it("tokenizes arbitrary text as Chevrotain does", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => expectSameAsChevrotain(text)),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) =>
        expectSameAsChevrotain(parts.join("")),
      ),
      { numRuns: 1000 },
    );
  });

  it("tokenizes the corpus cut and mutated as Chevrotain does", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...pieces),
        (text, at, cut, piece) => {
          const i = at % (text.length + 1);
          expectSameAsChevrotain(text.slice(0, i) + piece + text.slice(i + (cut % 20)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
