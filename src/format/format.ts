/**
 * `hamletc fmt`: the one canonical layout of a `.hamlet` file.
 *
 * Style rules (every rule is a function of the syntax tree, the comments, and which `{ }`
 * blocks the source wrote on one line, so formatting twice gives the same text):
 *
 * File
 * - `package` line, one blank line, the imports, one blank line, then the declarations with
 *   exactly one blank line between them. Between imports, at most one blank line is kept where
 *   the source had one or more.
 * - Two-space indentation, LF line ends, no trailing whitespace (comments included), exactly one
 *   newline at the end; an empty file stays empty.
 *
 * Declarations
 * - Doc comments (`///`) on their own lines, then each leading annotation on its own line, then
 *   the keyword line: `record Post {`, `endpoint GetPost: GET "/api/posts/{id}" {`,
 *   `alias Handle = String @pattern("...")` (alias constraints stay on the type's line).
 * - Endpoint, service, upload, worker, workflow and model bodies always have one member per line.
 * - Sections and model members (columns and `index (a, b)` clauses) keep their source order.
 *
 * Blocks of fields, variants and file constraints (records, events, enums, websockets, section
 * bodies, variant payloads, inline record types)
 * - One line, `{ a: Int, b: String }` with commas, when the source wrote the block on one line,
 *   it holds no comment, and the line it is on fits in 80 columns.
 * - Otherwise one member per line, no commas, and the closing brace on its own line.
 * - An empty block with no comment inside is `{}`.
 * - Inside multi-line blocks, at most one blank line is kept between members where the source
 *   had one or more; never right after `{` or right before `}`.
 *
 * Members and values
 * - Fields: `name: Type @a(args) @b = default` (annotations in source order, then the default).
 *   Variants: `Name { fields } @annotations`. File constraints: `max_size: 10MB`.
 * - Types: `List<Post>`, `Map<String, Int>`, `T?`. Values exactly as written (strings keep their
 *   escapes, numbers, durations, sizes and dimensions their spelling); lists `["a", "b"]`,
 *   calls `exponential(1s, 10m)`, named arguments `attempts: 5`, annotations without arguments
 *   stay without parentheses and `@a()` keeps them.
 *
 * Comments (none is ever lost; trailing whitespace in them is dropped)
 * - A comment on its own line stays on its own line before the next thing in the source, at
 *   that line's indentation (one level deeper before a closing brace); if the next token is
 *   in the middle of a formatted line (inside a type, between annotation arguments), the
 *   comment moves up to just above that line.
 * - A comment after code stays at the end of its line, one space before `//`, if nothing on
 *   the formatted line comes after it in the source; otherwise it moves to its own line above
 *   the line of the next token.
 * - Blank lines before comments follow the member rule above.
 * - A doc comment the parser attached to something always sits on its own line right above
 *   it. A doc comment attached to nothing (warning HAM0006) stays attached to nothing: it is
 *   kept right before the same token, which then starts a line (a continuation line, one level
 *   deeper, if needed); if that token is a comma the formatter drops, it moves to just above
 *   the closing brace of the enclosing block.
 *
 * Safety net: the output is parsed again; if it has errors, means something else (the tree
 * without positions differs) or has another multiset of comments, `formatDocument` returns no
 * output and an internal error (HAM0901) instead.
 */
import { lex } from "../../grammar/lexer.js";
import { parse } from "../../grammar/parser.js";
import type { Document } from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { commentTexts, deepEqual, meaning } from "./compare.js";
import { layout } from "./layout.js";

export interface FormatResult {
  /** The formatted text; `undefined` when the file has errors or formatting failed. */
  readonly output: string | undefined;
  /** The parser's diagnostics for the input, plus HAM0901 if the formatter failed. */
  readonly diagnostics: Diagnostic[];
}

/** Formats one file. Never throws; refuses (output `undefined`) input with errors. */
export function formatDocument(text: string, file: string): FormatResult {
  const { document, diagnostics } = parse(text, file);
  if (diagnostics.some((d) => d.severity === "error")) return { output: undefined, diagnostics };
  const internal = (detail: string): FormatResult => ({
    output: undefined,
    diagnostics: [
      ...diagnostics,
      diagnostic("HAM0901", { file, start: 0, end: 0 }, { detail: `the formatter ${detail}` }),
    ],
  });
  let output: string;
  try {
    output = layout(text, document, lex(text, file).tokens);
  } catch (error) {
    return internal(`failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = checkFormatting(document, output, file);
  return problem === undefined ? { output, diagnostics } : internal(problem);
}

/**
 * The safety net: what is wrong with `output` as the formatting of `document`, or `undefined`.
 * The output must parse without errors, mean the same (tree without spans, docs included) and
 * keep the same multiset of comments.
 */
export function checkFormatting(document: Document, output: string, file: string): string | undefined {
  const again = parse(output, file);
  if (again.diagnostics.some((d) => d.severity === "error")) return "produced text that does not parse";
  if (!deepEqual(commentTexts(again.document.comments), commentTexts(document.comments))) {
    return "would lose or change a comment";
  }
  if (!deepEqual(meaning(again.document), meaning(document))) return "would change the meaning of the file";
  return undefined;
}

/** True when `text` is already formatted (and has no errors). */
export function isFormatted(text: string, file: string): boolean {
  return formatDocument(text, file).output === text;
}
