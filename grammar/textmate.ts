/**
 * Generates the TextMate grammar (`grammar/hamlet.tmLanguage.json`) from the token module.
 *
 * Nothing lexical is written twice: keyword lists come from the keyword tables, comment, string,
 * number and annotation regexes are the lexer's own patterns (converted from JavaScript regex
 * syntax to Oniguruma), and punctuation comes from the punctuation table. `test/textmate.test.ts`
 * fails when the committed grammar differs from what this module generates, and
 * `test/colorization.test.ts` checks the grammar against the lexer on real schemas.
 *
 * Keywords are contextual in the language, so the grammar is too: a keyword followed by `:` is a
 * field name, a declaration keyword is followed by the declared name, and the columns of an
 * `index (...)` are never keywords.
 */
import type { TokenType } from "chevrotain";
import {
  AnnotationName,
  DocComment,
  declarationKeywords,
  DimensionLiteral,
  DurationLiteral,
  False,
  FloatLiteral,
  headerKeywords,
  Identifier,
  IntegerLiteral,
  LineComment,
  literalTokens,
  punctuationTokens,
  sectionKeywords,
  SizeLiteral,
  StringLiteral,
  True,
} from "./tokens.js";

export const SCOPE_NAME = "source.hamlet";

/** HTTP methods accepted before a path (they lex as identifiers). */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** Characters after a backslash that form a JSON escape; `\u` takes four hex digits. */
const SIMPLE_ESCAPES = `"\\/bfnrt`;

/** Scopes of the punctuation tokens, by token name. Every punctuation token must be listed. */
const PUNCTUATION_SCOPES: Record<string, string> = {
  Arrow: "keyword.operator.arrow.hamlet",
  LCurly: "punctuation.section.block.begin.hamlet",
  RCurly: "punctuation.section.block.end.hamlet",
  LParen: "punctuation.section.parens.begin.hamlet",
  RParen: "punctuation.section.parens.end.hamlet",
  LSquare: "punctuation.section.brackets.begin.hamlet",
  RSquare: "punctuation.section.brackets.end.hamlet",
  LAngle: "punctuation.definition.typeparameters.begin.hamlet",
  RAngle: "punctuation.definition.typeparameters.end.hamlet",
  Colon: "punctuation.separator.colon.hamlet",
  Comma: "punctuation.separator.comma.hamlet",
  Equals: "keyword.operator.assignment.hamlet",
  Question: "keyword.operator.optional.hamlet",
};

/** Scope kinds of the numeric literal tokens, by token name. */
const NUMERIC_KINDS: Record<string, string> = {
  [DimensionLiteral.name]: "dimension",
  [SizeLiteral.name]: "size",
  [DurationLiteral.name]: "duration",
  [FloatLiteral.name]: "float",
  [IntegerLiteral.name]: "integer",
};

// ---------------------------------------------------------------------------------------------
// Regex conversion

/** The source of a token's pattern, as an Oniguruma regex. */
export function tokenRegex(token: TokenType): string {
  const pattern = token.PATTERN;
  if (typeof pattern === "string") return escapeRegex(pattern);
  if (!(pattern instanceof RegExp)) throw new Error(`token ${token.name} has no regex pattern`);
  return toOniguruma(pattern);
}

/** Escapes text so that a regex matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => (c === "/" ? c : `\\${c}`));
}

/**
 * Converts a JavaScript regex to Oniguruma syntax (as used by TextMate). The two dialects agree
 * on everything the token module uses except `\uXXXX` (Oniguruma: `\x{XXXX}`) and escaped
 * slashes; constructs whose meaning differs (anchors, `[^]`, backreferences by name, flags other
 * than `i`) are rejected so that a new token pattern cannot silently change meaning.
 */
export function toOniguruma(regex: RegExp): string {
  const flags = regex.flags.replace(/[gi]/g, "");
  if (flags !== "") throw new Error(`unsupported regex flags /${regex.flags} in ${regex.source}`);
  let out = "";
  let inClass = false;
  const src = regex.source;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const next = src[i + 1];
      if (next === undefined) throw new Error(`dangling backslash in ${src}`);
      if (next === "u") {
        const hex = /^[0-9a-fA-F]{4}/.exec(src.slice(i + 2))?.[0];
        if (!hex) throw new Error(`unsupported \\u escape in ${src}`);
        out += `\\x{${hex.toUpperCase()}}`;
        i += 5;
      } else if (next === "/") {
        out += "/";
        i += 1;
      } else if (next === "k" || next === "c" || /[1-9]/.test(next)) {
        throw new Error(`unsupported escape \\${next} in ${src}`);
      } else {
        out += c + next;
        i += 1;
      }
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      // Inside a JS class `[` and `&` are literals; in Oniguruma they nest and intersect sets.
      out += c === "[" || c === "&" ? `\\${c}` : c;
      continue;
    }
    if (c === "[") {
      if (src.startsWith("[^]", i) || src.startsWith("[]", i)) throw new Error(`unsupported class in ${src}`);
      inClass = true;
      if (src[i + 1] === "^") {
        out += "[^";
        i += 1;
      } else {
        out += c;
      }
      // A `]` right after `[` or `[^` is a literal in JS only when escaped; nothing to do.
      continue;
    }
    if (c === "^" || c === "$") throw new Error(`anchors are not supported in token patterns: ${src}`);
    out += c;
  }
  return regex.flags.includes("i") ? `(?i:${out})` : out;
}

/** Number of capturing groups in a regex source (escapes and classes skipped). */
export function capturingGroups(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" && source[i + 1] !== "?") {
      count++;
    } else if (c === "(" && source[i + 1] === "?" && source[i + 2] === "<" && /[A-Za-z]/.test(source[i + 3] ?? "")) {
      count++;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Pieces of regexes with their capture scopes

type Capture = { name?: string; patterns?: Rule[] };
type Rule = Record<string, unknown>;

/** A piece of a `match`/`begin`: its regex, and optionally a scope for the whole piece. */
interface Piece {
  readonly re: string;
  readonly scope?: string;
  readonly patterns?: Rule[];
  /** Sub-pieces, captured inside this one. */
  readonly parts?: readonly (Piece | string)[];
}

/** Assembles pieces into a regex and a capture table (TextMate numbers groups left to right). */
function assemble(parts: readonly (Piece | string)[]): {
  re: string;
  captures: Record<string, Capture>;
} {
  const captures: Record<string, Capture> = {};
  let group = 0;
  const walk = (items: readonly (Piece | string)[]): string =>
    items
      .map((item) => {
        if (typeof item === "string") {
          group += capturingGroups(item);
          return item;
        }
        const captured = item.scope !== undefined || item.patterns !== undefined;
        if (!captured) {
          if (item.parts) return walk(item.parts);
          group += capturingGroups(item.re);
          return item.re;
        }
        group += 1;
        const index = group;
        const capture: Capture = {};
        if (item.scope !== undefined) capture.name = item.scope;
        if (item.patterns !== undefined) capture.patterns = item.patterns;
        captures[String(index)] = capture;
        let inner: string;
        if (item.parts) {
          inner = walk(item.parts);
        } else {
          group += capturingGroups(item.re);
          inner = item.re;
        }
        return `(${inner})`;
      })
      .join("");
  const re = walk(parts);
  return { re, captures };
}

function cap(re: string, scope?: string, patterns?: Rule[]): Piece {
  return {
    re,
    ...(scope !== undefined ? { scope } : {}),
    ...(patterns !== undefined ? { patterns } : {}),
  };
}

function group(scope: string | undefined, parts: readonly (Piece | string)[]): Piece {
  return { re: "", ...(scope !== undefined ? { scope } : {}), parts };
}

function matchRule(name: string | undefined, parts: readonly (Piece | string)[], comment?: string): Rule {
  const { re, captures } = assemble(parts);
  const rule: Rule = {};
  if (comment) rule["comment"] = comment;
  if (name) rule["name"] = name;
  rule["match"] = re;
  if (Object.keys(captures).length > 0) rule["captures"] = captures;
  return rule;
}

const include = (name: string): Rule => ({ include: `#${name}` });

// ---------------------------------------------------------------------------------------------
// Lexical facts derived from the token module

/** The identifier pattern split into its first-character and following-character classes. */
function identifierClasses(): { start: string; rest: string; full: string } {
  const source = tokenRegex(Identifier);
  const m = /^(\[[^\]]+\])(\[[^\]]+\])\*$/.exec(source);
  if (!m) throw new Error(`unexpected Identifier pattern ${source}`);
  return { start: m[1]!, rest: m[2]!, full: source };
}

/** The word a keyword token matches. */
function keywordWord(token: TokenType): string {
  const source = tokenRegex(token);
  if (!/^[A-Za-z_]+$/.test(source)) throw new Error(`unexpected keyword pattern ${source} for ${token.name}`);
  return source;
}

/** The literal prefix of a comment pattern (`///`, `//`), with the rest of the pattern. */
function commentParts(token: TokenType): { delimiter: string; rest: string } {
  const source = tokenRegex(token);
  const m = /^((?:\\?\/)+)(\[\^\\n\\r\]\*)$/.exec(source);
  if (!m) throw new Error(`unexpected comment pattern ${source} for ${token.name}`);
  return { delimiter: m[1]!, rest: m[2]! };
}

/** The string pattern split into opening quote, body and optional closing quote. */
function stringParts(): { open: string; body: string; close: string } {
  const source = tokenRegex(StringLiteral);
  const m = /^(")(\(\?:.*\)\*)("\??)$/.exec(source);
  if (!m) throw new Error(`unexpected StringLiteral pattern ${source}`);
  return { open: m[1]!, body: m[2]!, close: m[3]! };
}

/** A numeric literal pattern split into digits, unit (or `x` and digits) and trailing guard. */
function numericParts(token: TokenType): {
  lead: string;
  unit?: string;
  tail?: string;
  guard: string;
} {
  const source = tokenRegex(token);
  const guardMatch = /(\(\?![^()]*\))$/.exec(source);
  const guard = guardMatch?.[1] ?? "";
  const body = guard ? source.slice(0, -guard.length) : source;
  let m = /^(\[0-9\]\+)(\(\?:[A-Za-z|]+\))$/.exec(body);
  if (m) return { lead: m[1]!, unit: m[2]!, guard };
  m = /^(\[0-9\]\+)([A-Za-z]+)(\[0-9\]\+)$/.exec(body);
  if (m) return { lead: m[1]!, unit: m[2]!, tail: m[3]!, guard };
  return { lead: body, guard };
}

// ---------------------------------------------------------------------------------------------
// The grammar

/** Builds the TextMate grammar for `.hamlet` files. */
export function generateTextMateGrammar(): Record<string, unknown> {
  for (const token of punctuationTokens) {
    if (!PUNCTUATION_SCOPES[token.name]) throw new Error(`no TextMate scope for punctuation ${token.name}`);
  }
  const ident = identifierClasses();
  // No look-behind guards: every context consumes whole identifiers, so like the lexer's scan a
  // match can only start where the previous token ended (`5record` is a number and a keyword).
  const after = `(?!${ident.rest})`;
  const name = ident.full;
  const upperName = `[A-Z]${ident.rest}*`;
  const words = (tokens: readonly TokenType[]): string => tokens.map(keywordWord).join("|");
  const notField = `(?!\\s*:)`;
  // Parenthesised arguments may span lines, but an unclosed `(` must not swallow what follows:
  // they also end before a brace and before a line that starts a new statement.
  const statementWords = words([
    ...Object.values(headerKeywords),
    ...Object.values(declarationKeywords),
    ...Object.values(sectionKeywords),
  ]);
  const parensEnd = [
    cap("\\)", "punctuation.section.parens.end.hamlet"),
    `|(?=[{}])|(?=^\\s*(?:@|//|(?:${statementWords})${after}${notField}))`,
  ];

  const declarationWords = Object.values(declarationKeywords);
  const sectionWords = Object.values(sectionKeywords);
  const indexWord = keywordWord(sectionKeywords.index);

  // Comments --------------------------------------------------------------------------------
  const doc = commentParts(DocComment);
  const line = commentParts(LineComment);
  const comments: Rule = {
    patterns: [
      matchRule("comment.line.documentation.hamlet", [
        cap(doc.delimiter, "punctuation.definition.comment.hamlet"),
        doc.rest,
      ]),
      matchRule("comment.line.double-slash.hamlet", [
        cap(line.delimiter, "punctuation.definition.comment.hamlet"),
        line.rest,
      ]),
    ],
  };

  // Strings: one line at most, exactly the lexer's pattern --------------------------------------
  const str = stringParts();
  const escapes: Rule = {
    patterns: [
      {
        name: "constant.character.escape.hamlet",
        match: `\\\\(?:[${escapeRegex(SIMPLE_ESCAPES).replace(/[\]^-]/g, "\\$&")}]|u[0-9a-fA-F]{4})`,
      },
      { name: "invalid.illegal.escape.hamlet", match: "\\\\[^\\n\\r]" },
      {
        name: "invalid.illegal.control-character.hamlet",
        match: "[\\x{0}-\\x{9}\\x{B}\\x{C}\\x{E}-\\x{1F}]",
      },
    ],
  };
  const stringPieces = (scope: string, body: Rule[]): Piece =>
    group(scope, [
      cap(str.open, "punctuation.definition.string.begin.hamlet"),
      // vscode-textmate drops enclosing capture scopes when it re-tokenizes a capture, so the body
      // names the string scope itself.
      cap(str.body, scope, body),
      cap(str.close, "punctuation.definition.string.end.hamlet"),
    ]);
  const pathParameter: Rule = matchRule("meta.path-parameter.hamlet", [
    cap("\\{", "punctuation.definition.parameter.begin.hamlet"),
    cap(name, "variable.parameter.path.hamlet"),
    cap("\\}", "punctuation.definition.parameter.end.hamlet"),
  ]);
  // A closed string, else (the lexer's optional closing quote) an unterminated one, which stops at
  // the end of its line and flags its opening quote.
  const closed = str.close.replace(/\?$/, "");
  const string: Rule = {
    patterns: [
      matchRule(undefined, [
        group("string.quoted.double.hamlet", [
          cap(str.open, "punctuation.definition.string.begin.hamlet"),
          cap(str.body, "string.quoted.double.hamlet", [include("escapes")]),
          cap(closed, "punctuation.definition.string.end.hamlet"),
        ]),
      ]),
      matchRule(undefined, [
        group("string.quoted.double.hamlet", [
          cap(str.open, "punctuation.definition.string.begin.hamlet invalid.illegal.unterminated-string.hamlet"),
          cap(str.body, "string.quoted.double.hamlet", [include("escapes")]),
        ]),
      ]),
    ],
  };
  const pathString = (): Piece =>
    stringPieces("string.quoted.double.path.hamlet", [include("path-parameter"), include("escapes")]);

  // Numbers and constants ---------------------------------------------------------------------
  const numbers: Rule[] = literalTokens
    .filter((t) => t !== StringLiteral)
    .map((token) => {
      const kind = NUMERIC_KINDS[token.name];
      if (!kind) throw new Error(`no TextMate scope for literal ${token.name}`);
      const parts = numericParts(token);
      const pieces: (Piece | string)[] = [];
      if (parts.unit === undefined) {
        pieces.push(parts.lead);
      } else if (parts.tail === undefined) {
        pieces.push(parts.lead, cap(parts.unit, `keyword.other.unit.${kind}.hamlet`));
      } else {
        pieces.push(parts.lead, cap(parts.unit, `punctuation.separator.${kind}.hamlet`), parts.tail);
      }
      pieces.push(parts.guard);
      return matchRule(`constant.numeric.${kind}.hamlet`, pieces);
    });
  const booleans = matchRule("constant.language.boolean.hamlet", [`(?:${words([True, False])})`, after]);

  // Annotations ---------------------------------------------------------------------------------
  const annotationSource = tokenRegex(AnnotationName);
  if (!annotationSource.startsWith("@")) throw new Error(`unexpected AnnotationName pattern ${annotationSource}`);
  const annotationName = (): Piece =>
    group("entity.name.function.decorator.hamlet", [
      cap("@", "punctuation.definition.annotation.hamlet"),
      annotationSource.slice(1),
    ]);
  const annotation: Rule = {
    patterns: [
      {
        name: "meta.annotation.hamlet",
        ...beginEnd([annotationName(), "\\s*", cap("\\(", "punctuation.section.parens.begin.hamlet")], parensEnd),
        patterns: [include("annotation-arguments")],
      },
      matchRule("meta.annotation.hamlet", [annotationName()]),
    ],
  };
  const annotationArguments: Rule = {
    patterns: [
      include("comments"),
      include("strings"),
      include("numbers"),
      matchRule(undefined, [
        cap(name, "variable.parameter.hamlet"),
        "\\s*",
        cap(":", "punctuation.separator.colon.hamlet"),
      ]),
      {
        ...beginEnd(
          [cap(name, "entity.name.function.hamlet"), "\\s*", cap("\\(", "punctuation.section.parens.begin.hamlet")],
          parensEnd,
        ),
        patterns: [include("annotation-arguments")],
      },
      matchRule("entity.name.type.hamlet", [upperName]),
      matchRule("variable.other.constant.hamlet", [name]),
      include("punctuation"),
    ],
  };

  // Header, declarations, sections, fields --------------------------------------------------------
  const header: Rule = {
    patterns: [
      matchRule(undefined, [
        cap(keywordWord(headerKeywords.package), "keyword.other.package.hamlet"),
        after,
        notField,
        `(?:\\s+`,
        cap(`${name}(?:\\.${name})*`, "entity.name.namespace.hamlet"),
        `)?`,
      ]),
      matchRule(undefined, [
        cap(keywordWord(headerKeywords.import), "keyword.control.import.hamlet"),
        after,
        notField,
        `(?:\\s*`,
        stringPieces("string.quoted.double.path.hamlet", [include("escapes")]),
        `)?`,
      ]),
    ],
  };

  const method = `(?:${HTTP_METHODS.join("|")})`;
  const declaration: Rule = {
    patterns: declarationWords.map((token) => {
      const word = keywordWord(token);
      const pieces: (Piece | string)[] = [
        cap(word, `keyword.declaration.${word}.hamlet`),
        after,
        notField,
        "(?:\\s+",
        cap(name, "entity.name.type.hamlet"),
        ")?",
      ];
      if (token === declarationKeywords.alias) {
        pieces.push(
          "(?:\\s*",
          cap("=", "keyword.operator.assignment.hamlet"),
          "\\s*",
          "(?:",
          cap(upperName, "entity.name.type.hamlet"),
          ")?",
          ")?",
        );
      } else {
        pieces.push(
          "(?:\\s*",
          cap(":", "punctuation.separator.colon.hamlet"),
          "\\s*",
          "(?:",
          cap(method, "keyword.other.http-method.hamlet"),
          after,
          "\\s*",
          ")?",
          "(?:",
          pathString(),
          ")?",
          ")?",
        );
      }
      return matchRule(`meta.declaration.${word}.hamlet`, pieces);
    }),
  };

  const section: Rule = {
    patterns: [
      {
        name: "meta.index.hamlet",
        ...beginEnd(
          [
            cap(indexWord, `keyword.other.${indexWord}.hamlet`),
            after,
            "\\s*",
            cap("\\(", "punctuation.section.parens.begin.hamlet"),
          ],
          parensEnd,
        ),
        patterns: [
          include("comments"),
          include("strings"),
          include("numbers"),
          matchRule("variable.other.property.hamlet", [name]),
          include("punctuation"),
        ],
      },
      ...sectionWords.map((token) => {
        const word = keywordWord(token);
        return matchRule(undefined, [
          cap(word, `keyword.other.${word}.hamlet`),
          after,
          notField,
          "(?:\\s+(?:",
          cap(upperName, "entity.name.type.hamlet"),
          "|",
          cap(name, "entity.name.function.hamlet"),
          `)${after})?`,
        ]);
      }),
    ],
  };

  const field: Rule = matchRule(undefined, [cap(name, "variable.other.property.hamlet"), "\\s*", "(?=:)"]);

  const httpPath: Rule = matchRule(undefined, [
    cap(method, "keyword.other.http-method.hamlet"),
    after,
    "\\s*",
    pathString(),
  ]);

  // Types -----------------------------------------------------------------------------------------
  const typeArguments: Rule = {
    name: "meta.type.parameters.hamlet",
    ...beginEnd(
      [cap("<", "punctuation.definition.typeparameters.begin.hamlet")],
      [cap(">", "punctuation.definition.typeparameters.end.hamlet"), "|(?=$)"],
    ),
    patterns: [
      include("comments"),
      include("strings"),
      include("numbers"),
      include("type-arguments"),
      include("types"),
      include("identifiers"),
      include("punctuation"),
    ],
  };
  const types: Rule = matchRule("entity.name.type.hamlet", [upperName, after]);
  const identifiers: Rule = matchRule("variable.other.hamlet", [name]);

  const punctuation: Rule = {
    patterns: punctuationTokens.map((t) => matchRule(PUNCTUATION_SCOPES[t.name], [tokenRegex(t)])),
  };

  const repository: Record<string, Rule> = {
    annotation,
    "annotation-arguments": annotationArguments,
    comments,
    declaration,
    escapes,
    field,
    header,
    "http-path": httpPath,
    identifiers,
    numbers: { patterns: [...numbers, booleans] },
    "path-parameter": pathParameter,
    punctuation,
    section,
    strings: string,
    "type-arguments": typeArguments,
    types,
  };

  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "Hamlet",
    scopeName: SCOPE_NAME,
    fileTypes: ["hamlet"],
    comment:
      "Generated by grammar/textmate.ts from grammar/tokens.ts. Do not edit; run RECORD=1 npx vitest run test/textmate.test.ts.",
    patterns: [
      include("comments"),
      include("annotation"),
      include("header"),
      include("declaration"),
      include("section"),
      include("field"),
      include("http-path"),
      include("strings"),
      include("numbers"),
      include("type-arguments"),
      include("types"),
      include("identifiers"),
      include("punctuation"),
    ],
    repository,
  };
}

function beginEnd(begin: readonly (Piece | string)[], end: readonly (Piece | string)[]): Rule {
  const b = assemble(begin);
  const e = assemble(end);
  const rule: Rule = { begin: b.re };
  if (Object.keys(b.captures).length > 0) rule["beginCaptures"] = b.captures;
  rule["end"] = e.re;
  if (Object.keys(e.captures).length > 0) rule["endCaptures"] = e.captures;
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Serialisation

const KEY_ORDER = [
  "$schema",
  "name",
  "scopeName",
  "fileTypes",
  "comment",
  "contentName",
  "match",
  "begin",
  "end",
  "captures",
  "beginCaptures",
  "endCaptures",
  "include",
  "patterns",
  "repository",
];

function orderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(orderKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const rank = (k: string): number => {
    const i = KEY_ORDER.indexOf(k);
    return i === -1 ? KEY_ORDER.length : i;
  };
  const numeric = entries.every(([k]) => /^\d+$/.test(k));
  entries.sort(([a], [b]) => {
    if (numeric) return Number(a) - Number(b);
    return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  });
  return Object.fromEntries(entries.map(([k, v]) => [k, orderKeys(v)]));
}

/** The grammar as committed: pretty JSON with a stable key order and a final newline. */
export function renderTextMateGrammar(): string {
  const json = JSON.stringify(orderKeys(generateTextMateGrammar()), null, 2);
  // Short arrays of strings on one line, as Prettier prints them.
  const compact = json.replace(
    /^( *)(.*)\[\n((?: *"(?:[^"\\\n]|\\.)*",?\n)+) *\]/gm,
    (whole, indent: string, head: string, items: string) => {
      const line = `${indent}${head}[${items
        .split("\n")
        .map((item) => item.trim())
        .filter(Boolean)
        .join(" ")}]`;
      return line.length <= 80 ? line : whole;
    },
  );
  return `${compact}\n`;
}
