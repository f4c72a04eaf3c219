/**
 * Every token of the `.hamlet` language, in one module.
 *
 * Keywords are contextual: each keyword token also belongs to the `Identifier` category, so a
 * field may be called `type`, `index` or `file`. `longer_alt` keeps `records` an identifier.
 * The TextMate grammar is generated from the tables exported here, so highlighting cannot
 * drift from the lexer.
 */
import { createToken, Lexer, type TokenType } from "./chevrotain.js";

/** Matches any token; lets the parser skip junk between declarations. */
export const AnyToken = createToken({ name: "AnyToken", pattern: Lexer.NA });

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
  categories: [AnyToken],
});

/** A keyword token for `word`, usable anywhere a name is expected. */
function keyword(word: string, options: { reserved?: boolean } = {}): TokenType {
  return createToken({
    name: `${word[0]!.toUpperCase()}${word.slice(1)}Keyword`,
    pattern: new RegExp(word),
    label: `'${word}'`,
    longer_alt: Identifier,
    categories: options.reserved ? [AnyToken] : [Identifier, AnyToken],
  });
}

/** Keywords that start a declaration. */
export const declarationKeywords = {
  alias: keyword("alias"),
  record: keyword("record"),
  enum: keyword("enum"),
  endpoint: keyword("endpoint"),
  sse: keyword("sse"),
  websocket: keyword("websocket"),
  upload: keyword("upload"),
  worker: keyword("worker"),
  event: keyword("event"),
  service: keyword("service"),
  workflow: keyword("workflow"),
  model: keyword("model"),
} as const;

/** Keywords for the file header. */
export const headerKeywords = {
  package: keyword("package"),
  import: keyword("import"),
} as const;

/** Keywords that open a section inside a declaration body. */
export const sectionKeywords = {
  request: keyword("request"),
  response: keyword("response"),
  errors: keyword("errors"),
  fields: keyword("fields"),
  file: keyword("file"),
  input: keyword("input"),
  progress: keyword("progress"),
  output: keyword("output"),
  error: keyword("error"),
  trigger: keyword("trigger"),
  step: keyword("step"),
  index: keyword("index"),
} as const;

export const True = keyword("true", { reserved: true });
export const False = keyword("false", { reserved: true });

export const DocComment = createToken({
  name: "DocComment",
  pattern: /\/\/\/[^\n\r]*/,
  group: "comments",
});
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n\r]*/,
  group: "comments",
});
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/**
 * Strings are matched permissively (bad escapes, missing closing quote) and validated after
 * lexing, so a broken string is one precise diagnostic instead of a cascade.
 */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"?/,
  label: "a string",
  categories: [AnyToken],
});

const notFollowedByName = "(?![A-Za-z0-9_])";
export const DimensionLiteral = createToken({
  name: "DimensionLiteral",
  pattern: new RegExp(`[0-9]+x[0-9]+${notFollowedByName}`),
  label: "a dimension such as 4096x4096",
  start_chars_hint: [..."0123456789"],
  categories: [AnyToken],
});
export const SizeLiteral = createToken({
  name: "SizeLiteral",
  pattern: new RegExp(`[0-9]+(?:B|KB|MB|GB|TB)${notFollowedByName}`),
  label: "a size such as 10MB",
  start_chars_hint: [..."0123456789"],
  categories: [AnyToken],
});
export const DurationLiteral = createToken({
  name: "DurationLiteral",
  pattern: new RegExp(`[0-9]+(?:ms|s|m|h|d)${notFollowedByName}`),
  label: "a duration such as 500ms",
  start_chars_hint: [..."0123456789"],
  categories: [AnyToken],
});
export const FloatLiteral = createToken({
  name: "FloatLiteral",
  pattern: /-?[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)/,
  label: "a number",
  categories: [AnyToken],
});
export const IntegerLiteral = createToken({
  name: "IntegerLiteral",
  pattern: /-?[0-9]+/,
  label: "an integer",
  categories: [AnyToken],
});
export const AnnotationName = createToken({
  name: "AnnotationName",
  pattern: /@[A-Za-z_][A-Za-z0-9_]*/,
  label: "an annotation",
  categories: [AnyToken],
});

function punctuation(name: string, text: string): TokenType {
  return createToken({
    name,
    pattern: text,
    label: `'${text}'`,
    categories: [AnyToken],
  });
}

export const Arrow = punctuation("Arrow", "->");
export const LCurly = punctuation("LCurly", "{");
export const RCurly = punctuation("RCurly", "}");
export const LParen = punctuation("LParen", "(");
export const RParen = punctuation("RParen", ")");
export const LSquare = punctuation("LSquare", "[");
export const RSquare = punctuation("RSquare", "]");
export const LAngle = punctuation("LAngle", "<");
export const RAngle = punctuation("RAngle", ">");
export const Colon = punctuation("Colon", ":");
export const Comma = punctuation("Comma", ",");
export const Equals = punctuation("Equals", "=");
export const Question = punctuation("Question", "?");

/** Keyword tokens in lexing order. */
export const keywordTokens: readonly TokenType[] = [
  ...Object.values(headerKeywords),
  ...Object.values(declarationKeywords),
  ...Object.values(sectionKeywords),
  True,
  False,
];

/** Literal tokens, most specific first (a dimension before a size before an integer). */
export const literalTokens: readonly TokenType[] = [
  StringLiteral,
  DimensionLiteral,
  SizeLiteral,
  DurationLiteral,
  FloatLiteral,
  IntegerLiteral,
];

export const punctuationTokens: readonly TokenType[] = [
  Arrow,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LSquare,
  RSquare,
  LAngle,
  RAngle,
  Colon,
  Comma,
  Equals,
  Question,
];

/** All tokens in the order the lexer tries them. */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  AnyToken,
  ...keywordTokens,
  Identifier,
  AnnotationName,
  ...literalTokens,
  ...punctuationTokens,
];
