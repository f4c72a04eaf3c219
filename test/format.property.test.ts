/**
 * Properties of `hamletc fmt` over generated schemas: idempotence, meaning kept (the syntax
 * tree without spans, doc comments included), and every comment kept.
 *
 * The generator builds well-formed files of every declaration kind as a list of pieces
 * (tokens and gaps); a seeded layout then fills each gap with random spaces, tabs, line
 * breaks, blank lines, `//` comments and stray `///` comments, and each member separator with
 * a comma, a line break or both.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../grammar/parser.js";
import { formatDocument } from "../src/format/format.js";

// -- pieces ----------------------------------------------------------------------------------

/**
 * `gap`: anything (may hold a line break or a comment); `same`: spaces only (alias constraints
 * must stay on the type's line); `sep`: between members, a comma and/or a line break;
 * `decl`: between declarations, at least one line break; `docs`: where doc comments may go.
 */
type Piece = string | { readonly gap: "gap" | "same" | "sep" | "decl" } | { readonly docs: readonly string[] };

const gap: Piece = { gap: "gap" };
const same: Piece = { gap: "same" };
const sep: Piece = { gap: "sep" };
const declGap: Piece = { gap: "decl" };

/** Tokens with gaps between them. */
function spaced(...parts: (string | Piece[])[]): Piece[] {
  const out: Piece[] = [];
  for (const part of parts) {
    if (out.length > 0) out.push(gap);
    if (typeof part === "string") out.push(part);
    else out.push(...part);
  }
  return out;
}

function joinWith(items: readonly Piece[][], separator: Piece, trailingComma = false): Piece[] {
  const out: Piece[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(separator);
    out.push(...item);
  });
  if (trailingComma && items.length > 0) out.push(gap, ",");
  return out;
}

// -- arbitraries -----------------------------------------------------------------------------

const commentText = fc
  .string({ unit: fc.constantFrom(..."abc XYZ019_/*{}@\"'é→\t:;,.-"), maxLength: 20 })
  .map((s) => s.trimEnd());
const docLines = fc.array(
  commentText.map((t) => `/// ${t}`.trimEnd()),
  { maxLength: 2 },
);

const fieldNames = [
  "id",
  "name",
  "type",
  "index",
  "file",
  "request",
  "step",
  "error",
  "input",
  "trigger",
  "records",
  "x",
];
const lowerName = fc.oneof(
  fc.constantFrom(...fieldNames),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((n) => n !== "true" && n !== "false"),
);
const upperName = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,7}$/);
const typeName = fc.oneof(
  fc.constantFrom("String", "Int", "Float", "Bool", "Uuid", "Timestamp", "Json", "Post"),
  upperName,
);

const value: fc.Arbitrary<Piece[]> = fc.letrec<{ value: Piece[] }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ maxLength: 8 }).map((s) => [JSON.stringify(s)]),
    fc.integer({ min: -1000, max: 100000 }).map((n) => [String(n)]),
    fc.constantFrom("1.5", "-0.25", "2e3", "1.0E-2", "007").map((n) => [n]),
    fc.constantFrom(true, false).map((b) => [String(b)]),
    fc.tuple(fc.nat(999), fc.constantFrom("ms", "s", "m", "h", "d")).map(([n, u]) => [`${n}${u}`]),
    fc.tuple(fc.nat(999), fc.constantFrom("B", "KB", "MB", "GB", "TB")).map(([n, u]) => [`${n}${u}`]),
    fc.tuple(fc.nat(9999), fc.nat(9999)).map(([w, h]) => [`${w}x${h}`]),
    lowerName.map((n) => [n]),
    fc
      .tuple(lowerName, fc.array(fc.tuple(fc.option(lowerName, { nil: undefined }), tie("value")), { maxLength: 3 }))
      .map(([callee, args]) => [callee, gap, ...argList(args)]),
    fc
      .tuple(fc.array(fc.tuple(tie("value"), fc.boolean()), { maxLength: 3 }), fc.boolean())
      .map(([items, trailing]) => {
        const out: Piece[] = ["["];
        items.forEach(([item, comma], i) => {
          if (i > 0 && items[i - 1]![1]) out.push(gap, ",");
          out.push(gap, ...item);
          void comma;
        });
        if (trailing && items.length > 0) out.push(gap, ",");
        out.push(gap, "]");
        return out;
      }),
  ),
})).value;

/** Only simple values as positional or named arguments, to keep files readable. */
function argList(args: readonly [string | undefined, Piece[]][]): Piece[] {
  const out: Piece[] = ["("];
  args.forEach(([name, v], i) => {
    if (i > 0) out.push(gap, ",");
    out.push(gap);
    if (name !== undefined) out.push(name, gap, ":", gap);
    out.push(...v);
  });
  out.push(gap, ")");
  return out;
}

const annotation: fc.Arbitrary<Piece[]> = fc
  .tuple(
    fc.constantFrom("length", "range", "min", "pattern", "primary", "default", "auth", "retry", "deprecated", "unique"),
    fc.option(fc.array(fc.tuple(fc.option(lowerName, { nil: undefined }), value), { maxLength: 3 }), {
      nil: undefined,
    }),
  )
  .map(([name, args]) => (args === undefined ? [`@${name}`] : [`@${name}`, gap, ...argList(args)]));

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
type Arbs = {
  type: Piece[];
  field: Piece[];
  fieldBlock: Piece[];
};

const { type, field, fieldBlock } = fc.letrec<Arbs>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    typeName.map((n) => [n]),
    tie("type").map((t) => spaced("List", "<", t, ">")),
    tie("type").map((t) => spaced("Map", "<", "String", ",", t, ">")),
    tie("type").map((t) => [...t, gap, "?"]),
    tie("fieldBlock"),
  ),
  field: fc
    .tuple(
      fc.constant(null),
      lowerName,
      tie("type"),
      fc.array(annotation, { maxLength: 2 }),
      fc.option(value, { nil: undefined }),
      fc.nat(2),
      docLines,
    )
    .map(([, name, t, anns, dflt, at, docs]) => {
      const tail: Piece[][] = anns.map((a) => [gap, ...a]);
      if (dflt) tail.splice(Math.min(at, tail.length), 0, [gap, "=", gap, ...dflt]);
      return [{ docs }, name, gap, ":", gap, ...t, ...tail.flat()];
    }),
  fieldBlock: fc
    .tuple(fc.array(tie("field"), { maxLength: 3 }), fc.boolean())
    .map(([fields, trailing]) => ["{", gap, ...joinWith(fields, sep, trailing), gap, "}"]),
}));

const variant: fc.Arbitrary<Piece[]> = fc
  .tuple(upperName, fc.option(fieldBlock, { nil: undefined }), fc.array(annotation, { maxLength: 1 }), docLines)
  .map(([name, fields, anns, docs]) => [
    { docs },
    name,
    ...(fields ? [gap, ...fields] : []),
    ...anns.flatMap((a) => [gap, ...a]),
  ]);

const block = (members: fc.Arbitrary<Piece[]>, max = 4): fc.Arbitrary<Piece[]> =>
  fc
    .tuple(fc.array(members, { maxLength: max }), fc.boolean())
    .map(([ms, trailing]) => ["{", gap, ...joinWith(ms, sep, trailing), gap, "}"]);

const property: fc.Arbitrary<Piece[]> = fc
  .tuple(fc.constantFrom("max_size", "types", "max_dimensions", "other"), value, docLines)
  .map(([name, v, docs]) => [{ docs }, name, gap, ":", gap, ...v]);

const section: fc.Arbitrary<Piece[]> = fc
  .tuple(
    docLines,
    fc.oneof(
      fc.tuple(fc.constantFrom("request", "response"), type).map(([k, t]) => [k, gap, ...t]),
      block(variant).map((b) => ["errors", gap, ...b]),
      fieldBlock.map((b) => ["fields", gap, ...b]),
      block(property).map((b) => ["file", gap, ...b]),
      fc
        .tuple(
          fc.constantFrom("input", "progress", "output", "error"),
          upperName,
          fc.option(fieldBlock, { nil: undefined }),
        )
        .map(([k, n, b]) => [k, gap, n, ...(b ? [gap, ...b] : [])]),
      upperName.map((e) => ["trigger", gap, e]),
      fc
        .tuple(lowerName, fc.option(type, { nil: undefined }))
        .map(([n, t]) => ["step", gap, n, ...(t ? [gap, "->", gap, ...t] : [])]),
    ),
  )
  .map(([docs, s]) => [{ docs }, ...s]);

/** Sections may follow each other with nothing but a space. */
const sectionBlock = fc
  .tuple(fc.array(fc.tuple(section, fc.boolean()), { maxLength: 4 }))
  .map(([ss]) => [
    "{",
    gap,
    ...ss.flatMap(([s, comma], i) => [...(i > 0 ? [gap] : []), ...s, ...(comma ? [gap, ","] : [])]),
    gap,
    "}",
  ]);

const indexClause: fc.Arbitrary<Piece[]> = fc
  .tuple(fc.array(lowerName, { minLength: 1, maxLength: 3 }), fc.array(annotation, { maxLength: 1 }), docLines)
  .map(([cols, anns, docs]) => [
    { docs },
    "index",
    gap,
    "(",
    gap,
    ...joinWith(
      cols.map((c) => [c]),
      { gap: "gap" },
    ).flatMap((p): Piece[] => (typeof p === "object" ? [gap, ",", gap] : [p])),
    gap,
    ")",
    ...anns.flatMap((a) => [gap, ...a]),
  ]);

const path = fc.constantFrom('"/api/x"', '"/api/posts/{id}"', '"https://example.com/v1"', '"/ws"');
const method = fc.constantFrom("GET", "POST", "PUT", "DELETE");

const declaration: fc.Arbitrary<Piece[]> = fc
  .tuple(
    docLines,
    fc.array(annotation, { maxLength: 2 }),
    upperName,
    fc.oneof(
      fc
        .tuple(type, fc.array(annotation, { maxLength: 2 }))
        .map(([t, cs]) => (name: string) => [
          "alias",
          gap,
          name,
          gap,
          "=",
          gap,
          ...t,
          ...cs.flatMap((c) => [same, ...c]),
        ]),
      fc
        .tuple(fc.constantFrom("record", "event"), fieldBlock)
        .map(([k, b]) => (name: string) => [k, gap, name, gap, ...b]),
      block(variant).map((b) => (name: string) => ["enum", gap, name, gap, ...b]),
      fc
        .tuple(fc.constantFrom("endpoint", "service", "upload"), method, path, sectionBlock)
        .map(([k, m, p, b]) => (name: string) => [k, gap, name, gap, ":", gap, m, gap, p, gap, ...b]),
      type.map((t) => (name: string) => ["sse", gap, name, gap, ":", gap, ...t]),
      fc
        .tuple(path, block(variant))
        .map(([p, b]) => (name: string) => ["websocket", gap, name, gap, ":", gap, p, gap, ...b]),
      fc
        .tuple(fc.constantFrom("worker", "workflow"), sectionBlock)
        .map(([k, b]) => (name: string) => [k, gap, name, gap, ...b]),
      block(fc.oneof(field, indexClause), 5).map((b) => (name: string) => ["model", gap, name, gap, ...b]),
    ),
  )
  .map(([docs, anns, name, body]) => [{ docs }, ...anns.flatMap((a) => [...a, gap]), ...body(name)]);

const schemaPieces: fc.Arbitrary<Piece[]> = fc
  .tuple(
    docLines,
    fc.option(lowerName, { nil: undefined }),
    fc.array(fc.tuple(docLines, fc.constantFrom('"./a.hamlet"', '"../b.hamlet"')), { maxLength: 2 }),
    fc.array(declaration, { maxLength: 6 }),
  )
  .map(([pkgDocs, pkg, imports, decls]) => {
    const out: Piece[] = [];
    if (pkg !== undefined) out.push({ docs: pkgDocs }, "package", gap, pkg);
    for (const [docs, p] of imports) out.push(declGap, { docs }, "import", gap, p);
    for (const d of decls) out.push(declGap, ...d);
    return out;
  });

// -- layout ----------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so each case's layout comes from one seed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const wordy = /[A-Za-z0-9_@]/;
const someComments = ["// note", "// TODO: tidy", "//", "// a // b", "//// four", '// "quoted" {braces}'];

function layoutPieces(pieces: readonly Piece[], seed: number): string {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const comment = (): string => (rand(8) === 0 ? `/// stray ${rand(100)}` : pick(someComments));
  let out = "";
  let pendingGap = "";
  const emitToken = (token: string): void => {
    let g = pendingGap;
    if (g === "" && out !== "" && wordy.test(out[out.length - 1]!) && wordy.test(token[0]!)) g = " ";
    out += g + token;
    pendingGap = "";
  };
  const indent = (): string => pick(["", "  ", "    ", "\t", " "]);
  /** Half the cases are mostly written on one line, so that one-line blocks come up. */
  const quiet = rand(2) === 0;
  for (const piece of pieces) {
    if (typeof piece === "string") emitToken(piece);
    else if ("docs" in piece) {
      for (const d of piece.docs) pendingGap += `${pick(["\n", "\n\n", " "])}${indent()}${d}\n${indent()}`;
    } else {
      switch (piece.gap) {
        case "same":
          pendingGap += pick(["", " ", "  ", "\t"]);
          break;
        case "gap":
          pendingGap +=
            quiet && rand(25) > 0
              ? pick(["", " ", " "])
              : pick([
                  "",
                  "",
                  " ",
                  " ",
                  " ",
                  "  ",
                  "\t",
                  "\n",
                  "\n" + indent(),
                  "\n\n",
                  ` ${comment()}\n`,
                  `\n${indent()}${comment()}\n${indent()}`,
                ]);
          break;
        case "sep":
          pendingGap +=
            quiet && rand(10) > 0
              ? pick([", ", ","])
              : pick([
                  ",",
                  ", ",
                  " ,",
                  "\n",
                  "\n",
                  ",\n",
                  "\n,",
                  "\n\n\n",
                  `, ${comment()}\n`,
                  `\n${indent()}${comment()}\n`,
                  " ,  \n\n",
                ]) + indent();
          break;
        case "decl":
          pendingGap += pick(["\n", "\n\n", "\n\n\n\n", `\n${comment()}\n`, `\n\n${comment()}\n\n`, ` ${comment()}\n`]);
          break;
      }
    }
  }
  out += pendingGap.replace(/[ \t]+$/, "");
  if (rand(3) === 0) out = `${pick(someComments)}\n${out}`;
  if (rand(3) === 0) out += `\n${pick(someComments)}`;
  return out;
}

const schemaText = fc.tuple(schemaPieces, fc.integer()).map(([pieces, seed]) => layoutPieces(pieces, seed));

// -- mutations of the examples ---------------------------------------------------------------

const exampleTexts = ["game.hamlet", "horatio.hamlet"].map((n) => readFileSync(`/work/shared/examples/${n}`, "utf8"));

const mutatedExample = fc.tuple(fc.constantFrom(...exampleTexts), fc.integer()).map(([text, seed]) => {
  const rand = prng(seed);
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const r = rand(20);
    if (r === 0) out.push(`${" ".repeat(rand(6))}// inserted ${rand(1000)}`);
    else if (r === 1) out.push("");
    else if (r === 2) out.push(`/// inserted doc ${rand(1000)}`);
    else if (r === 3) out.push("\t \t");
    let l = line.replace(/^\s*/, () => " ".repeat(rand(8)));
    if (rand(4) === 0 && l.trim() !== "" && !l.includes("//")) l += `${" ".repeat(rand(3))}// trailing ${rand(1000)}`;
    if (rand(5) === 0 && !l.includes('"')) l = l.replace(/: /g, " : ").replace(/, /g, " ,");
    if (line === "" && rand(2) === 0) continue;
    out.push(l);
  }
  return out.join(rand(4) === 0 ? "\r\n" : "\n");
});

// -- properties ------------------------------------------------------------------------------

/** The tree without positions and without the comment list (compared on its own). */
function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "comments") out[k] = stripSpans(v);
    return out;
  }
  return node;
}

const commentsOf = (text: string): string[] =>
  parse(text, "p.hamlet")
    .document.comments.map((c) => c.text.trimEnd())
    .sort();

function formatted(text: string): string {
  const before = parse(text, "p.hamlet");
  const errors = before.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`generated an invalid schema:\n${text}\n${JSON.stringify(errors, null, 1)}`);
  const result = formatDocument(text, "p.hamlet");
  if (result.output === undefined)
    throw new Error(`no output for:\n${text}\n${JSON.stringify(result.diagnostics, null, 1)}`);
  return result.output;
}

const params = { numRuns: 200, seed: 20240501 };

describe.each([
  ["generated schemas", schemaText],
  ["mutated examples", mutatedExample],
] as const)("fmt on %s", (_, inputs) => {
  it("is idempotent", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const once = formatted(text);
        expect(formatted(once)).toBe(once);
      }),
      params,
    );
  });

  it("keeps the meaning (the tree without spans, docs included)", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const once = formatted(text);
        expect(stripSpans(parse(once, "p.hamlet").document)).toEqual(stripSpans(parse(text, "p.hamlet").document));
      }),
      params,
    );
  });

  it("keeps every comment", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(inputs, (text) => {
        expect(commentsOf(formatted(text))).toEqual(commentsOf(text));
      }),
      params,
    );
  });

  it("writes canonical whitespace", { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const once = formatted(text);
        expect(once).not.toMatch(/[ \t]$|\r|\n\n\n/m);
        if (once !== "") expect(once.endsWith("\n") && !once.endsWith("\n\n")).toBe(true);
        for (const line of once.split("\n")) expect(line).toMatch(/^(  )*(\S.*)?$/);
      }),
      params,
    );
  });
});

describe("fmt on arbitrary text", () => {
  it("never throws, and refuses exactly the files with errors", { timeout: 120_000 }, () => {
    const noisy = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'record enum{}:,<>?@()="/ \nabcXY019-'), maxLength: 60 }),
      fc.tuple(fc.constantFrom(...exampleTexts), fc.nat(), fc.string({ maxLength: 3 })).map(([t, at, s]) => {
        const i = at % t.length;
        return t.slice(0, i) + s + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        const hasErrors = parse(text, "n.hamlet").diagnostics.some((d) => d.severity === "error");
        const result = formatDocument(text, "n.hamlet");
        expect(result.output === undefined).toBe(hasErrors);
        if (result.output !== undefined) expect(formatDocument(result.output, "n.hamlet").output).toBe(result.output);
      }),
      params,
    );
  });
});
