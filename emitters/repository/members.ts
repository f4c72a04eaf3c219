/** How the repository emitter lays out a class member: its doc comment, signature and body. */
import { hardline, join, type Doc } from "../../src/emit/doc.js";
import { block, group, params, type Stmt } from "../../src/emit/ts-syntax.js";

/** A class member: doc comment (one line, or the lines of a block comment), the method head and body. */
export function methodOf(
  doc: string | readonly string[],
  head: string,
  list: readonly string[],
  returns: string,
  body: readonly Stmt[],
): Doc {
  return memberOf(doc, group([head, params(list, returns)]), body);
}

/** A class member whose signature is already laid out. */
export function memberOf(doc: string | readonly string[], signature: Doc, body: readonly Stmt[]): Doc {
  const lines = typeof doc === "string" ? [doc] : doc;
  return [...join(hardline, lines), hardline, signature, " ", block(body)];
}
