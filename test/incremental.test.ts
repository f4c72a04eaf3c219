/**
 * Compiling with a parse cache kept between compilations (watch mode, the language server) gives
 * the same result as a fresh compilation, whatever sequence of edits the files went through.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../src/program/compile.js";
import { overlayHost } from "../src/program/host.js";
import { ParseCache } from "../src/program/parse-cache.js";

const FILES = ["/project/common.hamlet", "/project/a.hamlet", "/project/b.hamlet"];
const VARIANTS: Record<string, string[]> = {
  "/project/common.hamlet": [
    "package shop\n\nenum Kind { Small, Large }\n",
    "package shop\n\nenum Kind { Small, Medium, Large }\n",
    "package shop\n\nenum Kind { Small, Small }\n",
    "package shop\n\nalias Kind = String @length(1, 10)\n",
  ],
  "/project/a.hamlet": [
    'package shop\n\nimport "./common.hamlet"\n\nrecord A {\n  id: Uuid\n  kind: Kind\n}\n',
    'package shop\n\nimport "./common.hamlet"\n\nrecord A {\n  id: Uuid\n  kind: Kind?\n  name: String @length(1, 20)\n}\n',
    'package shop\n\nimport "./common.hamlet"\n\nrecord A {\n  id: Uuid\n  kind: Knd\n}\n',
    "package shop\n\nrecord A {\n  id: Uuid\n",
  ],
  "/project/b.hamlet": [
    'package shop\n\nimport "./a.hamlet"\n\nendpoint GetA: GET "/a/{id}" {\n  request { id: Uuid }\n  response A\n}\n',
    'package shop\n\nimport "./a.hamlet"\n\nrecord B {\n  a: A\n  tags: List<String>\n}\n',
    'package shop\n\nimport "./common.hamlet"\n\nrecord B {\n  kind: Kind\n}\n',
  ],
};
const features = { database: true, eventStore: true };

describe("compiling through a parse cache", () => {
  it("equals a fresh compilation after any sequence of edits", () => {
    const edit = fc.record({ file: fc.constantFrom(...FILES), variant: fc.nat() });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), (edits) => {
        const cache = new ParseCache();
        const texts = new Map(FILES.map((f) => [f, VARIANTS[f]![0]!]));
        for (const { file, variant } of edits) {
          const variants = VARIANTS[file]!;
          texts.set(file, variants[variant % variants.length]!);
          const entries = ["/project/b.hamlet"];
          const fresh = compile({ entries, features, host: overlayHost(texts) });
          const cached = compile({ entries, features, host: overlayHost(texts, cache.host(overlayHost(texts))) });
          expect(cached.diagnostics).toEqual(fresh.diagnostics);
          expect(cached.schema).toEqual(fresh.schema);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("parses an unchanged file once", () => {
    const cache = new ParseCache();
    const text = "package shop\n\nrecord A {\n  id: Uuid\n}\n";
    const first = cache.parse(text, "/project/a.hamlet");
    expect(cache.parse(text, "/project/a.hamlet")).toBe(first);
    expect(cache.parse(`${text}\n`, "/project/a.hamlet")).not.toBe(first);
  });
});
