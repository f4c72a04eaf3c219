/**
 * Re-parsing only the edited declarations (src/program/reparse.ts) gives exactly the parse of
 * the whole file, after any sequence of random edits to the corpus; and it does take over for
 * ordinary edits inside a declaration (otherwise the property would hold trivially).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/parser.js";
import { ParseCache } from "../src/program/parse-cache.js";
import { reparse } from "../src/program/reparse.js";
import { corpus, sharedExamples } from "./support/corpus.js";

const sources = [...sharedExamples(), ...corpus("valid").flatMap((e) => e.files)]
  .map((f) => readFileSync(f, "utf8"))
  .filter((text) => parse(text, "/p/a.hamlet").diagnostics.length === 0);
const pieces = [
  "{",
  "}",
  "\n",
  "\n\n",
  " ",
  "x",
  "1",
  "///",
  "/// doc\n",
  "// note\n",
  "record R {\n  id: Uuid\n}\n",
  "\nrecord S { a: Int }",
  "@length(1, 5)",
  "@range(0, 9)",
  "String",
  "List<Int>",
  "enum E { A, B }\n",
  "package p\n",
  'import "./x.hamlet"\n',
  "alias A = Int\n",
  "@auth(session)\n",
  '"',
  "?",
  ",",
];
const inserted = ["record Z {\n  id: Uuid\n}\n", "enum Q { A, B }\n", "/// doc\nalias W = Int\n", "\n", "// c\n"];
const edit = fc.record({
  kind: fc.constantFrom("random", "digit", "declaration", "identifier"),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.nat({ max: 12 }),
  insert: fc.constantFrom("", ...pieces),
});
const FILE = "/p/a.hamlet";

/** Random text edits, and edits that keep the file valid more often (as typing mostly does). */
function apply(text: string, e: { kind: string; at: number; remove: number; insert: string }): string {
  const at = Math.floor(e.at * text.length);
  const pick = (pattern: RegExp): number | undefined => {
    const found = [...text.matchAll(pattern)];
    return found.length === 0 ? undefined : found[at % found.length]!.index;
  };
  if (e.kind === "digit") {
    const i = pick(/[0-9]/g);
    if (i !== undefined) return `${text.slice(0, i)}${(at % 9) + 1}${text.slice(i + 1)}`;
  } else if (e.kind === "declaration") {
    const i = pick(/\n/g);
    if (i !== undefined) return text.slice(0, i + 1) + inserted[at % inserted.length]! + text.slice(i + 1);
  } else if (e.kind === "identifier") {
    const i = pick(/[a-z](?=[ :\n])/g);
    if (i !== undefined) return `${text.slice(0, i + 1)}x${text.slice(i + 1)}`;
  }
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

describe("incremental re-parse", () => {
  it("equals a full parse after any sequence of edits", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 10 }), (which, edits) => {
        const cache = new ParseCache();
        let text = sources[which % sources.length]!;
        cache.parse(text, FILE);
        for (const e of edits) {
          text = apply(text, e);
          expect(cache.parse(text, FILE)).toEqual(parse(text, FILE));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("re-parses only the edited declaration for an edit inside one", () => {
    const text = sources.find((s) => s.includes("@length(")) ?? sources[0]!;
    const at = text.lastIndexOf("@length(");
    const edited = `${text.slice(0, at)}@length(2, 77) ${text.slice(at)}`;
    const reused = reparse(text, parse(text, FILE), edited, FILE);
    expect(reused).toBeDefined();
    expect(reused).toEqual(parse(edited, FILE));
    // Declarations before the edit are the very same nodes.
    const before = parse(text, FILE);
    const again = reparse(text, before, edited, FILE)!;
    expect(again.document.declarations[0]).toBe(before.document.declarations[0]);
  });

  it("falls back to a full parse for an edit in the header", () => {
    const text = "package shop\n\nrecord A {\n  id: Uuid\n}\n";
    expect(reparse(text, parse(text, FILE), text.replace("shop", "store"), FILE)).toBeUndefined();
  });
});
