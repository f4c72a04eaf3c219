/**
 * The `.hamlet` tokenizer: a hand-written loop over character codes that produces exactly the
 * tokens, comment group and errors Chevrotain's `Lexer` produces for `allTokens` (same token
 * objects, positions, longest-keyword rule and error recovery), several times faster and
 * without building the lexer's pattern tables at start-up. Lexing was most of a cold parse.
 * `test/scanner.test.ts` compares both on the corpus, the examples and random text.
 *
 * The rules it follows, in the order the token definitions are tried (tokens.ts):
 * whitespace and `//`/`///` comments; a word is a keyword token when it is exactly a keyword,
 * an `Identifier` otherwise (`longer_alt`); `@name`; strings (permissive, checked later);
 * numbers (dimension, size, duration, float, integer: the first pattern that matches); `->`
 * and one-character punctuation. Anything else is an error that lasts until a token can start.
 */
import type { IToken, TokenType } from "./chevrotain.js";
import * as t from "./tokens.js";

export interface ScanError {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export interface ScanResult {
  readonly tokens: IToken[];
  /** The `comments` group: doc and line comments, in order. */
  readonly comments: IToken[];
  readonly errors: ScanError[];
}

const keywords = new Map<string, TokenType>(t.keywordTokens.map((k) => [(k.PATTERN as RegExp).source, k]));
const longestKeyword = Math.max(...[...keywords.keys()].map((k) => k.length));

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const FF = 12;
const BOM = 0xfeff;
const SLASH = 47;
const QUOTE = 34;
const BACKSLASH = 92;
const AT = 64;
const MINUS = 45;
const GREATER = 62;

/** Token type of each one-character punctuation, by character code. */
const punctuation: (TokenType | undefined)[] = [];
for (const p of t.punctuationTokens)
  if (typeof p.PATTERN === "string" && p.PATTERN.length === 1) punctuation[p.PATTERN.charCodeAt(0)] = p;

// Numbers are rare: the token patterns themselves, sticky, tried in the lexer's order.
const numberTokens: readonly (readonly [TokenType, RegExp])[] = [
  t.DimensionLiteral,
  t.SizeLiteral,
  t.DurationLiteral,
  t.FloatLiteral,
  t.IntegerLiteral,
].map((type) => [type, new RegExp((type.PATTERN as RegExp).source, "y")] as const);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c);
const isBlank = (c: number): boolean => c === SPACE || c === TAB || c === LF || c === CR || c === FF || c === BOM;

function token(text: string, start: number, length: number, type: TokenType, line: number, column: number): IToken {
  // The fields of Chevrotain's `createFullToken`, so the parser sees the objects it expects, but
  // in another order: an object literal with Chevrotain's order shares its hidden class, which
  // Chevrotain's EOF token (offsets NaN) turns to boxed doubles, 16 bytes more per number
  // (76 MB → 42 MB of heap for the 348,000 tokens of a 5,000-record schema).
  return {
    tokenType: type,
    tokenTypeIdx: type.tokenTypeIdx!,
    image: text.substring(start, start + length),
    startOffset: start,
    endOffset: start + length - 1,
    startLine: line,
    endLine: line,
    startColumn: column,
    endColumn: column + length - 1,
  };
}

/** The token type and length that start at `offset`, or `undefined` (whitespace has type `WhiteSpace`). */
function match(text: string, offset: number): { type: TokenType; length: number } | undefined {
  const c = text.charCodeAt(offset);
  if (isBlank(c)) {
    let end = offset + 1;
    while (end < text.length && isBlank(text.charCodeAt(end))) end++;
    return { type: t.WhiteSpace, length: end - offset };
  }
  if (isWordStart(c)) {
    let end = offset + 1;
    while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
    const keyword = end - offset <= longestKeyword ? keywords.get(text.substring(offset, end)) : undefined;
    return { type: keyword ?? t.Identifier, length: end - offset };
  }
  if (c === SLASH) {
    if (text.charCodeAt(offset + 1) !== SLASH) return undefined;
    let end = offset + 2;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    return { type: text.charCodeAt(offset + 2) === SLASH ? t.DocComment : t.LineComment, length: end - offset };
  }
  if (c === QUOTE) {
    let end = offset + 1;
    for (;;) {
      if (end >= text.length) break;
      const d = text.charCodeAt(end);
      if (d === QUOTE) {
        end++;
        break;
      }
      if (d === LF || d === CR) break;
      if (d === BACKSLASH) {
        const e = text.charCodeAt(end + 1);
        // A backslash before a line end (or the end) is not part of the string.
        if (end + 1 >= text.length || e === LF || e === CR) break;
        end += 2;
        continue;
      }
      end++;
    }
    return { type: t.StringLiteral, length: end - offset };
  }
  if (c === AT) {
    if (!isWordStart(text.charCodeAt(offset + 1))) return undefined;
    let end = offset + 2;
    while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
    return { type: t.AnnotationName, length: end - offset };
  }
  if (isDigit(c) || (c === MINUS && isDigit(text.charCodeAt(offset + 1)))) {
    for (const [type, pattern] of numberTokens) {
      pattern.lastIndex = offset;
      const found = pattern.exec(text);
      if (found !== null) return { type, length: found[0].length };
    }
    return undefined;
  }
  if (c === MINUS) return text.charCodeAt(offset + 1) === GREATER ? { type: t.Arrow, length: 2 } : undefined;
  const single = punctuation[c];
  return single === undefined ? undefined : { type: single, length: 1 };
}

/** Tokenizes `text` as Chevrotain's lexer does with `positionTracking: "full"` and recovery. */
export function scan(text: string): ScanResult {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  const errors: ScanError[] = [];
  let offset = 0;
  let line = 1;
  let column = 1;
  while (offset < text.length) {
    const found = match(text, offset);
    if (found === undefined) {
      // Skip to the next place a token can start, as one error.
      const start = offset;
      do offset++;
      while (offset < text.length && match(text, offset) === undefined);
      errors.push({ offset: start, length: offset - start, line, column });
      column += offset - start;
      continue;
    }
    const { type, length } = found;
    if (type === t.WhiteSpace) {
      // Lines end at \n, \r\n or a lone \r; the column restarts after the last one.
      let lastBreakEnd = -1;
      for (let i = offset; i < offset + length; i++) {
        const d = text.charCodeAt(i);
        if (d === LF || (d === CR && text.charCodeAt(i + 1) !== LF)) {
          line++;
          lastBreakEnd = i;
        }
      }
      column = lastBreakEnd === -1 ? column + length : offset + length - lastBreakEnd;
    } else {
      const made = token(text, offset, length, type, line, column);
      if (type === t.DocComment || type === t.LineComment) comments.push(made);
      else tokens.push(made);
      column += length;
    }
    offset += length;
  }
  return { tokens, comments, errors };
}
