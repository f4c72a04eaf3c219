/** The parser never throws: on arbitrary text, and on the corpus cut and mutated at random. */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, validateGrammar } from "../grammar/parser.js";
import { compile } from "../src/program/compile.js";
import { overlayHost } from "../src/program/host.js";
import { corpus, sharedExamples } from "./support/corpus.js";

const sources = [...sharedExamples(), ...corpus("valid").flatMap((e) => e.files)].map((f) => readFileSync(f, "utf8"));
const pieces = [
  "{",
  "}",
  "(",
  ")",
  "<",
  ">",
  ",",
  ":",
  "=",
  "?",
  "@",
  "->",
  '"',
  "///",
  "//",
  "\n",
  " ",
  "record",
  "enum",
  "endpoint",
  "model",
  "index",
  "10MB",
  "4096x",
  "-",
  "@range(",
  "List<",
];

/** Every diagnostic has a span inside the text and a code from the table. */
function checkResult(text: string): void {
  const { document, diagnostics } = parse(text, "fuzz.hamlet");
  expect(document.kind).toBe("Document");
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^HAM\d{4}$/);
    expect(d.span!.start).toBeGreaterThanOrEqual(0);
    expect(d.span!.end).toBeLessThanOrEqual(text.length);
    expect(d.span!.start).toBeLessThanOrEqual(d.span!.end);
  }
}

describe("parser robustness", () => {
  it("has a valid grammar (Chevrotain self-analysis with validations)", () => {
    expect(() => validateGrammar()).not.toThrow();
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => checkResult(text)),
      { numRuns: 500 },
    );
  });

  it("never throws on token soup", () => {
    const soup = fc.array(
      fc.oneof(fc.constantFrom(...pieces), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), fc.integer().map(String)),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(soup, (parts) => checkResult(parts.join(" "))),
      { numRuns: 500 },
    );
  });

  it("never throws on mutated corpus files, and the checker tolerates the partial trees", () => {
    const mutation = fc.record({
      source: fc.nat(sources.length - 1),
      at: fc.nat(),
      remove: fc.nat(20),
      insert: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 5 })),
    });
    fc.assert(
      fc.property(mutation, ({ source, at, remove, insert }) => {
        const text = sources[source]!;
        const cut = at % (text.length + 1);
        const mutated = text.slice(0, cut) + insert + text.slice(cut + remove);
        checkResult(mutated);
        const file = "/virtual/fuzz.hamlet";
        const result = compile({
          entries: [file],
          features: { database: true, eventStore: true },
          host: overlayHost(new Map([[file, mutated]])),
        });
        if (result.diagnostics.some((d) => d.severity === "error")) expect(result.schema).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it("keeps declarations after a broken one", () => {
    const { document, diagnostics } = parse(
      "package p\nrecord A { a: }\nrecord B { b: Int }\nenum C { X }\n",
      "x.hamlet",
    );
    expect(diagnostics.map((d) => d.code)).toEqual(["HAM0004"]);
    expect(document.declarations.map((d) => d.name.name)).toEqual(["A", "B", "C"]);
  });
});
