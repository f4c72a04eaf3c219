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

// Character classes of ASCII codes; the loops below test these instead of calling a predicate
// per character (most of a cold lex runs in V8's interpreter, where each call costs).
const BLANK = 1;
const WORD_START = 2;
const DIGIT = 4;
const charClass = new Uint8Array(128);
for (const c of [SPACE, TAB, LF, CR, FF]) charClass[c] = BLANK;
for (let c = 97; c <= 122; c++) charClass[c] = WORD_START;
for (let c = 65; c <= 90; c++) charClass[c] = WORD_START;
charClass[95] = WORD_START;
for (let c = 48; c <= 57; c++) charClass[c] = DIGIT;
const WORD_PART = WORD_START | DIGIT;

/** The class bits of a character code (`NaN` past the end and non-ASCII: 0, except the BOM). */
const classOf = (c: number): number => (c < 128 ? charClass[c]! : c === BOM ? BLANK : 0);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

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

/** Type of the token found by the last `match` (a variable, not an object per token). */
let matchedType: TokenType = t.WhiteSpace;

/**
 * The length of the token that starts at `offset`, its type in `matchedType` (whitespace has
 * type `WhiteSpace`), or 0 when no token can start there.
 */
function match(text: string, offset: number): number {
  const c = text.charCodeAt(offset);
  const kind = classOf(c);
  if (kind === BLANK) {
    let end = offset + 1;
    while (end < text.length && classOf(text.charCodeAt(end)) === BLANK) end++;
    matchedType = t.WhiteSpace;
    return end - offset;
  }
  if (kind === WORD_START) {
    let end = offset + 1;
    while (end < text.length && (classOf(text.charCodeAt(end)) & WORD_PART) !== 0) end++;
    const keyword = end - offset <= longestKeyword ? keywords.get(text.substring(offset, end)) : undefined;
    matchedType = keyword ?? t.Identifier;
    return end - offset;
  }
  if (c === SLASH) {
    if (text.charCodeAt(offset + 1) !== SLASH) return 0;
    let end = offset + 2;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    matchedType = text.charCodeAt(offset + 2) === SLASH ? t.DocComment : t.LineComment;
    return end - offset;
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
    matchedType = t.StringLiteral;
    return end - offset;
  }
  if (c === AT) {
    if (classOf(text.charCodeAt(offset + 1)) !== WORD_START) return 0;
    let end = offset + 2;
    while (end < text.length && (classOf(text.charCodeAt(end)) & WORD_PART) !== 0) end++;
    matchedType = t.AnnotationName;
    return end - offset;
  }
  if (kind === DIGIT || (c === MINUS && isDigit(text.charCodeAt(offset + 1)))) {
    for (const [type, pattern] of numberTokens) {
      pattern.lastIndex = offset;
      const found = pattern.exec(text);
      if (found !== null) {
        matchedType = type;
        return found[0].length;
      }
    }
    return 0;
  }
  if (c === MINUS) {
    if (text.charCodeAt(offset + 1) !== GREATER) return 0;
    matchedType = t.Arrow;
    return 2;
  }
  const single = punctuation[c];
  if (single === undefined) return 0;
  matchedType = single;
  return 1;
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
    const length = match(text, offset);
    if (length === 0) {
      // Skip to the next place a token can start, as one error.
      const start = offset;
      do offset++;
      while (offset < text.length && match(text, offset) === 0);
      errors.push({ offset: start, length: offset - start, line, column });
      column += offset - start;
      continue;
    }
    const type = matchedType;
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
