import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/parser.js";
import { checkFormatting, formatDocument } from "../src/format/format.js";

const examples = "/work/shared/examples";

/** Formats `source`, checks that formatting again changes nothing, and returns the output. */
function fmt(source: string): string {
  const result = formatDocument(source, "test.hamlet");
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toEqual([]);
  expect(result.output).toBeDefined();
  const output = result.output!;
  expect(formatDocument(output, "test.hamlet").output).toBe(output);
  return output;
}

/** Joins lines with LF and a final newline: expected outputs read like the files they are. */
const lines = (...ls: string[]): string => `${ls.join("\n")}\n`;

describe("examples", () => {
  for (const name of ["game.hamlet", "horatio.hamlet"]) {
    it(`${name} is already canonical`, () => {
      const source = readFileSync(`${examples}/${name}`, "utf8");
      expect(fmt(source)).toBe(source);
    });
    it(`${name} squashed onto few lines comes back the same shape`, () => {
      const source = readFileSync(`${examples}/${name}`, "utf8");
      const messy = source.replace(/\n\n+/g, "\n").replace(/^ +/gm, "\t\t ").replace(/ +$/gm, "   ");
      expect(fmt(messy)).toBe(source);
    });
    it(`${name} with CRLF line ends`, () => {
      const source = readFileSync(`${examples}/${name}`, "utf8");
      expect(fmt(source.replace(/\n/g, "\r\n"))).toBe(source);
    });
  }
});

describe("file layout", () => {
  it("puts one blank line after the package, after the imports and between declarations", () => {
    const source =
      'package   p\nimport "./a.hamlet"\nimport "./b.hamlet"\nrecord A { x: Int }\n\n\n\nrecord B { y: Int }';
    expect(fmt(source)).toBe(
      lines(
        "package p",
        "",
        'import "./a.hamlet"',
        'import "./b.hamlet"',
        "",
        "record A { x: Int }",
        "",
        "record B { y: Int }",
      ),
    );
  });

  it("keeps at most one blank line between imports", () => {
    expect(fmt('package p\nimport "./a.hamlet"\n\n\n\nimport "./b.hamlet"\n')).toBe(
      lines("package p", "", 'import "./a.hamlet"', "", 'import "./b.hamlet"'),
    );
  });

  it("leaves an empty file empty and gives others exactly one final newline", () => {
    expect(fmt("")).toBe("");
    expect(fmt("\n\n  \n")).toBe("");
    expect(fmt("package p\n\n\n")).toBe("package p\n");
    expect(fmt("// only a comment")).toBe("// only a comment\n");
  });

  it("formats a file with no package line", () => {
    expect(fmt("record A {x: Int}")).toBe(lines("record A { x: Int }"));
  });

  it("refuses files with syntax errors", () => {
    for (const broken of [
      "record A {",
      "record A { x: }",
      "package p\nrecord { x: Int }",
      'alias A = String @pattern("\\q")',
      "record A { a: Int b: Int }",
    ]) {
      const result = formatDocument(broken, "broken.hamlet");
      expect(result.output, broken).toBeUndefined();
      expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
    }
  });

  it("passes warnings through and still formats", () => {
    const result = formatDocument("record A { x: Int }\n/// dangling", "w.hamlet");
    expect(result.output).toBe("record A { x: Int }\n/// dangling\n");
    expect(result.diagnostics.map((d) => d.code)).toEqual(["HAM0006"]);
  });
});

describe("blocks", () => {
  it("keeps a one-line block on one line with commas when it fits", () => {
    expect(fmt("record A {x:Int,y:String}")).toBe(lines("record A { x: Int, y: String }"));
    expect(fmt("enum E{A,B,C}")).toBe(lines("enum E { A, B, C }"));
    expect(fmt("enum E{A B}".replace("A B", "A,B"))).toBe(lines("enum E { A, B }"));
  });

  it("breaks a block written over several lines, dropping commas", () => {
    expect(fmt("record A { x: Int,\n y: String, }")).toBe(lines("record A {", "  x: Int", "  y: String", "}"));
    expect(fmt("enum E {\nA, B\n}")).toBe(lines("enum E {", "  A", "  B", "}"));
  });

  it("breaks a one-line block that does not fit in 80 columns", () => {
    const long = "record A { first_field: String, second_field: String, third_field: String, x: Int }";
    expect(fmt(long)).toBe(
      lines("record A {", "  first_field: String", "  second_field: String", "  third_field: String", "  x: Int", "}"),
    );
    const fits = "record A { first_field: String, second_field: String, third_field: String }";
    expect(fits.length).toBeLessThanOrEqual(80);
    expect(fmt(fits)).toBe(lines(fits));
  });

  it("counts what follows a block on its line", () => {
    const source =
      "record A {\n  a: { first: String, second: String, third: String, fourth: Int } @maxItems(3) @minItems(1)\n}";
    expect(fmt(source)).toBe(
      lines(
        "record A {",
        "  a: {",
        "    first: String",
        "    second: String",
        "    third: String",
        "    fourth: Int",
        "  } @maxItems(3) @minItems(1)",
        "}",
      ),
    );
  });

  it("prints empty blocks as {}", () => {
    expect(fmt("record A {\n\n}\nenum E { }\nworker W {}")).toBe(
      lines("record A {}", "", "enum E {}", "", "worker W {}"),
    );
  });

  it("keeps at most one blank line between members, none at the ends", () => {
    expect(fmt("record A {\n\n\n  a: Int\n\n\n\n  b: Int\n  c: Int\n\n}")).toBe(
      lines("record A {", "  a: Int", "", "  b: Int", "  c: Int", "}"),
    );
  });

  it("always breaks bodies of endpoints, services, uploads, workers, workflows and models", () => {
    expect(fmt('endpoint E: GET "/e" { request { id: Uuid } response Post }')).toBe(
      lines('endpoint E: GET "/e" {', "  request { id: Uuid }", "  response Post", "}"),
    );
    expect(fmt("model M { id: Uuid @primary }")).toBe(lines("model M {", "  id: Uuid @primary", "}"));
    expect(fmt("worker W { input I { a: Int }, output O }")).toBe(
      lines("worker W {", "  input I { a: Int }", "  output O", "}"),
    );
  });
});

describe("members", () => {
  it("prints fields as name: Type @annotations = default", () => {
    expect(fmt("record A {\n  limit :Int=20 @range( 1,100 )\n  b: Bool @default( false )\n}")).toBe(
      lines("record A {", "  limit: Int @range(1, 100) = 20", "  b: Bool @default(false)", "}"),
    );
  });

  it("prints types canonically", () => {
    expect(fmt("record A {\n  a: List < Map<String,List<Int>> >\n  b: Int ?\n  c: Map<String , Post>?\n}")).toBe(
      lines("record A {", "  a: List<Map<String, List<Int>>>", "  b: Int?", "  c: Map<String, Post>?", "}"),
    );
  });

  it("prints values as written", () => {
    const source = lines(
      "record A {",
      '  a: String @pattern("^\\\\d+\\u00e9$") = "x\\"y"',
      "  b: Float = -1.50e3",
      "  c: Int = -007",
      "  d: List<String> = []",
      "}",
    );
    expect(fmt(source)).toBe(source);
  });

  it("prints annotations with and without arguments", () => {
    expect(fmt("@retry(attempts:5,backoff:exponential(1s,10m))  @global @deprecated() event E { a: Int }")).toBe(
      lines("@retry(attempts: 5, backoff: exponential(1s, 10m))", "@global", "@deprecated()", "event E { a: Int }"),
    );
  });

  it("keeps alias constraints on the type's line", () => {
    expect(fmt('alias H=String   @pattern("x")@length(3, 20)')).toBe(
      lines('alias H = String @pattern("x") @length(3, 20)'),
    );
    expect(fmt('alias R = {\n  a: Int\n} @deprecated("no")')).toBe(
      lines("alias R = {", "  a: Int", '} @deprecated("no")'),
    );
  });

  it("prints inline records on one line when short and comment-free", () => {
    expect(fmt("sse S: { a: Int, b: { c: String } }")).toBe(lines("sse S: { a: Int, b: { c: String } }"));
    expect(fmt("sse S: {\n  a: Int, b: { c: String }\n}")).toBe(
      lines("sse S: {", "  a: Int", "  b: { c: String }", "}"),
    );
    expect(fmt("sse S: List<{ a: Int }>?")).toBe(lines("sse S: List<{ a: Int }>?"));
  });

  it("prints enum variants with payloads and annotations", () => {
    expect(fmt('enum E {\n  A {x:Int}  @deprecated("old"), B\n  C {}\n}')).toBe(
      lines("enum E {", '  A { x: Int } @deprecated("old")', "  B", "  C {}", "}"),
    );
  });

  it("keeps model index clauses among the columns in source order", () => {
    const source = "model M {\n  a: Int, index ( a,b ) @unique\n  b: Int\n  index(b)\n}";
    expect(fmt(source)).toBe(lines("model M {", "  a: Int", "  index (a, b) @unique", "  b: Int", "  index (b)", "}"));
  });

  it("prints upload file blocks", () => {
    const source = 'upload U: POST "/u" {\n  file { max_size: 10MB types: ["image/png" "image/gif",] }\n}';
    expect(fmt(source.replace("10MB types", "10MB, types"))).toBe(
      lines('upload U: POST "/u" {', '  file { max_size: 10MB, types: ["image/png", "image/gif"] }', "}"),
    );
    expect(fmt('upload U: POST "/u" { file {\nmax_size: 1GB\nmax_dimensions: 10x20 } }')).toBe(
      lines('upload U: POST "/u" {', "  file {", "    max_size: 1GB", "    max_dimensions: 10x20", "  }", "}"),
    );
  });

  it("prints workflow steps", () => {
    expect(fmt("workflow W { trigger E\nstep a->{ x: Int }\nstep b -> List<Int>\nstep c }")).toBe(
      lines("workflow W {", "  trigger E", "  step a -> { x: Int }", "  step b -> List<Int>", "  step c", "}"),
    );
  });

  it("prints websocket and service declarations", () => {
    expect(
      fmt(
        'websocket C:"/ws" { M { t: String }, P }\n@retry(attempts: 2)\nservice S : POST "https://x" { request Req }',
      ),
    ).toBe(
      lines(
        'websocket C: "/ws" { M { t: String }, P }',
        "",
        "@retry(attempts: 2)",
        'service S: POST "https://x" {',
        "  request Req",
        "}",
      ),
    );
  });
});

describe("comments", () => {
  it("keeps own-line and trailing comments everywhere", () => {
    const source = [
      "// header",
      "package p // package",
      "// before import",
      'import "./a.hamlet" // import',
      "// before A",
      "record A { // open",
      "  // before a",
      "  a: Int // a",
      "",
      "  // before b",
      "  b: Int",
      "  // before close",
      "} // close",
      "// end of file",
    ].join("\n");
    expect(fmt(source)).toBe(
      lines(
        "// header",
        "package p // package",
        "",
        "// before import",
        'import "./a.hamlet" // import',
        "",
        "// before A",
        "record A { // open",
        "  // before a",
        "  a: Int // a",
        "",
        "  // before b",
        "  b: Int",
        "  // before close",
        "} // close",
        "// end of file",
      ),
    );
  });

  it("breaks a one-line block that holds a comment", () => {
    expect(fmt("record A { a: Int, // a\n b: Int }")).toBe(lines("record A {", "  a: Int // a", "  b: Int", "}"));
  });

  it("moves comments in odd places to the line above their member", () => {
    const source =
      "record A {\n  a: List< // inside a type\n    Int>\n  b: Int @range(0, // between arguments\n    10) // after b\n}";
    expect(fmt(source)).toBe(
      lines(
        "record A {",
        "  // inside a type",
        "  a: List<Int>",
        "  // between arguments",
        "  b: Int @range(0, 10) // after b",
        "}",
      ),
    );
  });

  it("keeps a comment after a dropped comma", () => {
    expect(fmt("enum E {\n  A // a\n  , // comma\n  B\n}")).toBe(
      lines("enum E {", "  A // a", "  // comma", "  B", "}"),
    );
  });

  it("indents comments inside empty blocks", () => {
    expect(fmt("record A {\n// nothing yet\n}")).toBe(lines("record A {", "  // nothing yet", "}"));
    expect(fmt("record A { /* no */ }".replace("/* no */", "// no\n"))).toBe(lines("record A { // no", "}"));
  });

  it("drops trailing whitespace in comments", () => {
    expect(fmt("// a   \nrecord A { x: Int } // b\t \n")).toBe(lines("// a", "record A { x: Int } // b"));
  });

  it("keeps a blank line between a comment and what follows when the source had one", () => {
    expect(fmt("record A { x: Int }\n// about B\n\nrecord B { x: Int }\n\n\n// about C\nrecord C { x: Int }")).toBe(
      lines(
        "record A { x: Int }",
        "",
        "// about B",
        "",
        "record B { x: Int }",
        "",
        "// about C",
        "record C { x: Int }",
      ),
    );
  });
});

describe("doc comments", () => {
  it("puts docs above annotations and keeps them on fields, variants, sections and properties", () => {
    const source = [
      "/// The package.",
      "package p",
      "/// Import docs.",
      'import "./a.hamlet"',
      "@auth(session)",
      "/// misplaced: documents nothing",
      'endpoint E: POST "/e" {',
      "  /// The request.",
      "  request {",
      "    /// The id.",
      "    id: Uuid }",
      "  /// The errors.",
      "  errors { /// Not found.",
      "    NotFound, Gone }",
      "}",
      '/// A post.\nupload U: POST "/u" { file { /// Size.',
      "max_size: 1MB } }",
    ].join("\n");
    expect(fmt(source)).toBe(
      lines(
        "/// The package.",
        "package p",
        "",
        "/// Import docs.",
        'import "./a.hamlet"',
        "",
        "@auth(session)",
        "/// misplaced: documents nothing",
        'endpoint E: POST "/e" {',
        "  /// The request.",
        "  request {",
        "    /// The id.",
        "    id: Uuid",
        "  }",
        "  /// The errors.",
        "  errors {",
        "    /// Not found.",
        "    NotFound",
        "    Gone",
        "  }",
        "}",
        "",
        "/// A post.",
        'upload U: POST "/u" {',
        "  file {",
        "    /// Size.",
        "    max_size: 1MB",
        "  }",
        "}",
      ),
    );
  });

  it("moves a doc comment written after code onto its own line above what it documents", () => {
    expect(fmt("record A {\n  a: Int /// Docs of b.\n  b: Int\n}")).toBe(
      lines("record A {", "  a: Int", "  /// Docs of b.", "  b: Int", "}"),
    );
  });

  it("keeps docs on model columns and index clauses", () => {
    expect(fmt("model M {\n/// The id.\nid: Uuid\n/// By id.\nindex (id)\n}")).toBe(
      lines("model M {", "  /// The id.", "  id: Uuid", "  /// By id.", "  index (id)", "}"),
    );
  });

  it("keeps a doc comment that documents nothing documenting nothing", () => {
    expect(fmt("record A {\n  a: /// nothing\n    Int\n  b: Int /// still nothing\n  , c: Int\n}")).toBe(
      lines("record A {", "  a:", "    /// nothing", "    Int", "  b: Int", "  c: Int", "  /// still nothing", "}"),
    );
  });
});

describe("safety net", () => {
  const source = "// keep me\nrecord A {\n  /// The a.\n  a: Int @min(0)\n}\n";
  const document = parse(source, "s.hamlet").document;

  it("accepts the formatter's own output", () => {
    expect(checkFormatting(document, fmt(source), "s.hamlet")).toBeUndefined();
  });

  it("catches lost comments, changed meaning, lost docs and broken output", () => {
    expect(checkFormatting(document, "record A {\n  /// The a.\n  a: Int @min(0)\n}\n", "s.hamlet")).toMatch(/comment/);
    expect(
      checkFormatting(document, "// keep me\nrecord A {\n  /// The a.\n  a: Int @min(1)\n}\n", "s.hamlet"),
    ).toMatch(/meaning/);
    expect(checkFormatting(document, "// keep me\nrecord A {\n  a: Int @min(0) /// The a.\n}\n", "s.hamlet")).toMatch(
      /meaning/,
    );
    expect(checkFormatting(document, "// keep me\nrecord A {\n  /// The a.\n  a: Int @min(0)\n", "s.hamlet")).toMatch(
      /parse/,
    );
  });
});
