/** Every corpus schema: valid ones check cleanly, invalid ones yield exactly the marked diagnostics. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { lineStarts, positionAt } from "../src/diagnostics/position.js";
import { compile } from "../src/program/compile.js";
import { corpus, repoRoot, sharedExamples } from "./support/corpus.js";
import { formatExpectation, readExpectations, readFeatures } from "./support/markers.js";

function actual(entry: string, features: { database: boolean; eventStore: boolean }) {
  const result = compile({ entries: [entry], features });
  return {
    result,
    found: result.diagnostics.map((d) => {
      const file = d.span ? relative(repoRoot, d.span.file) : "<none>";
      if (!d.span) return `${file}:0:0 ${d.code}`;
      const starts = lineStarts(result.sources.get(d.span.file) ?? "");
      const s = positionAt(starts, d.span.start);
      const e = positionAt(starts, d.span.end);
      return { file, code: d.code, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    }),
  };
}

describe("shared examples compile unchanged", () => {
  for (const file of sharedExamples()) {
    it(relative(repoRoot, file), () => {
      const { result } = actual(file, { database: true, eventStore: true });
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(result.schema).toBeDefined();
    });
  }
});

describe("valid corpus", () => {
  for (const entry of corpus("valid")) {
    it(entry.name, () => {
      const features = readFeatures(readFileSync(entry.entry, "utf8"));
      const { result } = actual(entry.entry, features);
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(result.schema).toBeDefined();
    });
  }
});

describe("invalid corpus", () => {
  for (const entry of corpus("invalid")) {
    it(entry.name, () => {
      const expected = entry.files.flatMap((f) => readExpectations(relative(repoRoot, f), readFileSync(f, "utf8")));
      expect(expected.length).toBeGreaterThan(0);
      const { result, found } = actual(entry.entry, readFeatures(readFileSync(entry.entry, "utf8")));
      const got = found.map((f) => {
        if (typeof f === "string") return f;
        const wanted = expected.find(
          (e) =>
            e.file === f.file &&
            e.code === f.code &&
            e.line === f.line &&
            e.column === f.column &&
            e.endLine === undefined,
        );
        return formatExpectation(wanted ? { ...f, endLine: undefined, endColumn: undefined } : f);
      });
      expect(got.sort()).toEqual(expected.map(formatExpectation).sort());
      if (result.diagnostics.some((d) => d.severity === "error")) expect(result.schema).toBeUndefined();
    });
  }
});

describe("corpus coverage", () => {
  it("has an invalid case for every schema diagnostic code (HAM00xx–HAM06xx)", async () => {
    const { messages } = await import("../src/diagnostics/messages.js");
    // HAM0103 (an unreadable file) needs a file system failure; test/cli.test.ts covers it.
    const elsewhere = new Set(["HAM0103"]);
    const marked = new Set(
      corpus("invalid").flatMap((e) =>
        e.files.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/HAM\d{4}/g)].map((m) => m[0])),
      ),
    );
    const missing = Object.keys(messages).filter(
      (code) => /^HAM0[0-6]/.test(code) && !elsewhere.has(code) && !marked.has(code),
    );
    expect(missing, "add a case to spec/invalid for each").toEqual([]);
  });
});
