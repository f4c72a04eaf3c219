/**
 * Incremental checking (src/program/lowering-memo.ts): compiling through a `CompileCache` kept
 * between compilations gives exactly the diagnostics and the schema of a fresh compilation, after
 * any sequence of edits (body edits, renames, added and removed declarations and imports, errors
 * introduced and fixed, edits that move the declarations after them); and a body-only edit lowers
 * again only the edited declaration and what read it, also when it changes the text's length.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../src/program/compile.js";
import { CompileCache } from "../src/program/compile-cache.js";
import { overlayHost } from "../src/program/host.js";

const features = { database: true, eventStore: true };
const horatio = readFileSync(new URL("../../shared/examples/horatio.hamlet", import.meta.url), "utf8").split("\n");
const COMMON = "/project/common.hamlet";
const MAIN = "/project/main.hamlet";
/** The Horatio example split in two files: the alias and the enum, and the rest importing them. */
const START = new Map([
  [COMMON, ["package horatio", "", ...horatio.slice(3, 8), ""].join("\n")],
  [MAIN, ["package horatio", "", 'import "./common.hamlet"', "", ...horatio.slice(9)].join("\n")],
]);

type Edit = readonly [file: string, change: (text: string, k: number) => string];
const EDITS: readonly Edit[] = [
  // Body edits, keeping or changing the length of the text.
  [MAIN, (t, k) => t.replace(/@length\(1, \d+\)/, `@length(1, ${500 + (k % 10)})`)],
  [MAIN, (t, k) => t.replace(/@length\(1, \d+\)/, `@length(1, ${50 + k * 37})`)],
  [
    MAIN,
    (t, k) => t.replace("  reactions: Map<String, Int>\n}", `  reactions: Map<String, Int>\n  note${k}: String?\n}`),
  ],
  [MAIN, (t) => t.replace(/\n {2}note\d+: String\?/, "")],
  [COMMON, (t) => t.replace('@pattern("^[a-z0-9_]{3,20}$")', "@length(3, 20)")],
  [COMMON, (t) => t.replace("@length(3, 20)", '@pattern("^[a-z0-9_]{3,20}$")')],
  // Renames: the references break, then work again.
  [COMMON, (t) => t.replace("enum Visibility", "enum Visible")],
  [COMMON, (t) => t.replace("enum Visible", "enum Visibility")],
  [MAIN, (t) => t.replace("record Post {", "record Posting {")],
  [MAIN, (t) => t.replace("record Posting {", "record Post {")],
  // Added and removed declarations (also a duplicate name, and a clash of model tables).
  [MAIN, (t, k) => `${t}\nrecord Extra${k} {\n  post: Post\n  seen: Visibility\n}\n`],
  [MAIN, (t) => t.replace(/\nrecord Extra\d+ \{\n {2}post: Post\n {2}seen: Visibility\n\}\n/, "")],
  [MAIN, (t) => `${t}\nenum Visibility { Hidden }\n`],
  [MAIN, (t) => t.replace("\nenum Visibility { Hidden }\n", "")],
  [MAIN, (t) => t.replace("sse LiveFeed: FeedUpdate\n", "")],
  [MAIN, (t) => (t.includes("sse LiveFeed") ? t : `${t}\nsse LiveFeed: FeedUpdate\n`)],
  [MAIN, (t) => t.replace('@table("users")', '@table("posts")')],
  [
    MAIN,
    (t) => t.replace(/(model UserRow[^]*?)@table\("posts"\)|@table\("posts"\)(\nmodel UserRow)/, '$1@table("users")$2'),
  ],
  // Generated names: a record whose name becomes `Post` in generated code clashes (HAM0215), and a
  // constraint added to a record without any gives it an Elm validator (a generated name).
  [
    MAIN,
    (t, k) => (t.includes("record post ") ? t : `${t}\nrecord post {\n  id: Uuid\n  n: Int @range(0, ${k + 1})\n}\n`),
  ],
  [MAIN, (t) => t.replace(/\nrecord post \{\n {2}id: Uuid\n {2}n: Int @range\(0, \d+\)\n\}\n/, "")],
  [MAIN, (t) => (t.includes("record Validated") ? t : `${t}\nrecord Validated {\n  n: Int\n}\n`)],
  [MAIN, (t) => t.replace("record Validated {\n  n: Int\n}", "record Validated {\n  n: Int @min(1)\n}")],
  [MAIN, (t) => t.replace("record Validated {\n  n: Int @min(1)\n}", "record Validated {\n  n: Int\n}")],
  // Imports removed and restored.
  [MAIN, (t) => t.replace('import "./common.hamlet"\n', "")],
  [
    MAIN,
    (t) => (t.includes("import") ? t : t.replace("package horatio\n", 'package horatio\n\nimport "./common.hamlet"')),
  ],
  // Errors introduced and fixed; a syntax error.
  [MAIN, (t) => t.replace("  author: Handle\n", "  author: Handel\n")],
  [MAIN, (t) => t.replace("  author: Handel\n", "  author: Handle\n")],
  [MAIN, (t) => t.replace("  likes: Int @min(0)", "  likes: Int @min(")],
  [MAIN, (t) => t.replace("  likes: Int @min(\n", "  likes: Int @min(0)\n")],
  // Text inserted above declarations, moving everything after it.
  [MAIN, (t, k) => t.replace("/// A page of the feed", `// note ${k}\n/// A page of the feed`)],
  [COMMON, (t) => t.replace("/// Who can see", "// moved\n/// Who can see")],
];

describe("incremental checking", () => {
  it("equals a fresh compilation after any sequence of edits", () => {
    const step = fc.tuple(fc.nat({ max: EDITS.length - 1 }), fc.nat(20));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        const texts = new Map(START);
        const cache = new CompileCache();
        const compileCached = () =>
          compile({ entries: [MAIN], features, host: cache.host(overlayHost(texts)), lowered: cache.lowered });
        compileCached();
        for (const [which, k] of steps) {
          const [file, change] = EDITS[which]!;
          texts.set(file, change(texts.get(file)!, k));
          const cached = compileCached();
          const fresh = compile({ entries: [MAIN], features, host: overlayHost(texts) });
          expect(cached.diagnostics).toEqual(fresh.diagnostics);
          expect(cached.schema).toEqual(fresh.schema);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("lowers again only the edited declaration and what read it", () => {
    const files = new Map<string, string>();
    const entry = "/project/main.hamlet";
    const imports: string[] = [];
    for (let f = 0; f < 10; f++) {
      const lines = ["package many", ""];
      for (let r = 0; r < 5; r++)
        lines.push(`record File${f}Item${r} {`, "  id: Uuid", "  title: String @length(1, 200)", "}", "");
      lines.push(
        `endpoint GetFile${f}: GET "/file${f}/{id}" {`,
        "  request { id: Uuid }",
        `  response File${f}Item0`,
        "}",
      );
      files.set(`/project/file${f}.hamlet`, lines.join("\n"));
      imports.push(`import "./file${f}.hamlet"`);
    }
    files.set(entry, ["package many", "", ...imports, ""].join("\n"));
    const cache = new CompileCache();
    const run = () =>
      compile({ entries: [entry], features, host: cache.host(overlayHost(files)), lowered: cache.lowered });
    expect(run().schema).toBeDefined();
    expect(cache.lowered.last).toEqual({ reused: 0, lowered: 60 });
    expect(run().schema).toBeDefined();
    expect(cache.lowered.last).toEqual({ reused: 60, lowered: 0 });

    // A body edit of a record nothing else reads: that record alone.
    const edited = "/project/file4.hamlet";
    files.set(
      edited,
      files
        .get(edited)!
        .replace(
          "record File4Item3 {\n  id: Uuid\n  title: String @length(1, 200)",
          "record File4Item3 {\n  id: Uuid\n  title: String @length(1, 300)",
        ),
    );
    expect(run().schema).toBeDefined();
    expect(cache.lowered.last).toEqual({ reused: 59, lowered: 1 });

    // A body edit of the record an endpoint responds with: the record and the endpoint.
    files.set(
      edited,
      files
        .get(edited)!
        .replace(
          "record File4Item0 {\n  id: Uuid\n  title: String @length(1, 200)",
          "record File4Item0 {\n  id: Uuid\n  title: String @length(2, 200)",
        ),
    );
    expect(run().schema).toBeDefined();
    expect(cache.lowered.last).toEqual({ reused: 58, lowered: 2 });

    // A length-changing edit of a file's first record moves every later declaration of the file:
    // they keep their nodes (spans moved in place), so only the edited record and its endpoint.
    const moved = "/project/file6.hamlet";
    files.set(moved, files.get(moved)!.replace("@length(1, 200)", "@length(1, 20000)"));
    const cached = run();
    expect(cache.lowered.last).toEqual({ reused: 58, lowered: 2 });
    const fresh = compile({ entries: [entry], features, host: overlayHost(files) });
    expect(cached.schema).toEqual(fresh.schema);
    expect(cached.diagnostics).toEqual(fresh.diagnostics);
  });
});
