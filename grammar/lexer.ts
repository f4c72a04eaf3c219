/**
 * Turns text into tokens, comments and lexical diagnostics. Never throws.
 */
import type { IToken } from "./chevrotain.js";
import type { Comment, DocComment, Span } from "../src/ast/nodes.js";
import { diagnostic } from "../src/diagnostics/messages.js";
import type { Diagnostic } from "../src/diagnostics/types.js";
import { scan } from "./scanner.js";
import { DocComment as DocCommentToken, StringLiteral } from "./tokens.js";

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  /** Doc comments keyed by the offset of the token that follows them. */
  readonly docsByTokenOffset: Map<number, DocComment[]>;
  /** Doc comments with no token after them. */
  readonly trailingDocs: DocComment[];
  readonly diagnostics: Diagnostic[];
}

/** Lexes one file's text. */
export function lex(text: string, file: string): LexResult {
  const result = scan(text);
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number): Span => ({ file, start, end });

  for (const error of result.errors) {
    const character = String.fromCodePoint(text.codePointAt(error.offset) ?? 63);
    diagnostics.push(diagnostic("HAM0001", span(error.offset, error.offset + character.length), { text: character }));
  }
  for (const token of result.tokens) {
    if (token.tokenType === StringLiteral)
      checkString(token, span(token.startOffset, token.endOffset! + 1), diagnostics);
  }

  const commentTokens = result.comments;
  const comments: Comment[] = commentTokens.map((t) => ({
    text: t.image,
    span: span(t.startOffset, t.endOffset! + 1),
  }));
  const docsByTokenOffset = new Map<number, DocComment[]>();
  const trailingDocs: DocComment[] = [];
  let next = 0;
  for (const c of commentTokens) {
    if (c.tokenType !== DocCommentToken) continue;
    while (next < result.tokens.length && result.tokens[next]!.startOffset < c.startOffset) next++;
    const doc: DocComment = { text: c.image.slice(3).replace(/^ /, ""), span: span(c.startOffset, c.endOffset! + 1) };
    const target = result.tokens[next];
    if (!target) {
      trailingDocs.push(doc);
      continue;
    }
    const list = docsByTokenOffset.get(target.startOffset) ?? [];
    list.push(doc);
    docsByTokenOffset.set(target.startOffset, list);
  }
  return { tokens: result.tokens, comments, docsByTokenOffset, trailingDocs, diagnostics };
}

function checkString(token: IToken, where: Span, diagnostics: Diagnostic[]): void {
  const image = token.image;
  if (image.length < 2 || !image.endsWith('"') || isEscapedQuote(image)) {
    diagnostics.push(diagnostic("HAM0002", where));
    return;
  }
  const detail = invalidEscape(image);
  if (detail) diagnostics.push(diagnostic("HAM0003", where, { detail }));
}

/** True when the final quote is itself escaped (`"abc\"`). */
function isEscapedQuote(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i > 0 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

function invalidEscape(image: string): string | undefined {
  for (let i = 1; i < image.length - 1; i++) {
    const ch = image[i]!;
    if (ch.charCodeAt(0) < 0x20) return "control characters must be escaped";
    if (ch !== "\\") continue;
    const next = image[i + 1]!;
    if ('"\\/bfnrt'.includes(next)) {
      i++;
    } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(image.slice(i + 2, i + 6))) {
      i += 5;
    } else {
      return `\`\\${next}\` is not an escape`;
    }
  }
  return undefined;
}

/** The value of a string literal; tolerant of the broken ones the lexer already reported. */
export function stringValue(image: string): string {
  try {
    const closed = image.length >= 2 && image.endsWith('"') && !isEscapedQuote(image) ? image : `${image}"`;
    return JSON.parse(closed) as string;
  } catch {
    return image.replace(/^"|"$/g, "");
  }
}
