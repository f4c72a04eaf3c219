/**
 * A small printer for Elm source in elm-format 0.8.8's layout, for exactly the constructs the
 * Elm emitter generates. The emitter decides everything (names, which expressions span lines);
 * these combinators only place text, so a build never needs the elm-format binary.
 *
 * A `Block` is a list of lines whose first line starts at the block's own column; nested blocks
 * are indented by the combinator that places them. elm-format never wraps by width: whether a
 * list, record or application spans lines is chosen by the caller (single-line forms are plain
 * strings, multi-line forms are blocks).
 */

/** Lines of code, relative to the column where the first line starts. */
export type Block = readonly string[];

/** A single-line expression (a string) or a multi-line one (a block). */
export type Code = string | Block;

function toBlock(code: Code): Block {
  return typeof code === "string" ? [code] : code;
}

function single(code: Code): string | undefined {
  const block = toBlock(code);
  return block.length === 1 ? block[0] : undefined;
}

/** Every line moved right by `by` spaces (blank lines stay empty: elm-format leaves no trailing spaces). */
export function indent(code: Code, by = 4): Block {
  const pad = " ".repeat(by);
  return toBlock(code).map((line) => (line === "" ? "" : pad + line));
}

/** `prefix` before the first line; the other lines keep their place. */
function prefixed(prefix: string, code: Code): Block {
  const [first = "", ...rest] = toBlock(code);
  return [prefix + first, ...rest];
}

/** `(x)`, or for a multi-line expression the closing paren on its own line under the opening one. */
export function parens(code: Code): Block {
  const line = single(code);
  if (line !== undefined) return [`(${line})`];
  return [...prefixed("(", code), ")"];
}

/**
 * A printed declaration as a one-line block holding its whole text: a module holds one flat
 * string per declaration instead of every line as its own (often concatenated) string, which on
 * large schemas was most of the Elm emitter's memory. Concatenation rather than `join`, whose
 * result V8 11 makes two-byte when a line is a thin string (see `concatenate` in src/emit/doc.ts).
 * The same block always gives the same text block, so what watch builds keep per block (the
 * blocks of unchanged types, and what module-file.ts and helpers.ts remember about them) is
 * found again; in a one-shot build the lines are garbage once their text is made.
 */
export function asText(block: Block): Block {
  let text = textBlocks.get(block);
  if (text !== undefined) return text;
  let joined = block[0] ?? "";
  for (let i = 1; i < block.length; i++) joined += "\n" + block[i]!;
  joined.charCodeAt(0); // flattens it now, so the lines are garbage at once
  textBlocks.set(block, (text = [joined]));
  return text;
}

const textBlocks = new WeakMap<Block, Block>();

/** `head` on the first line, then every argument on its own line four spaces in. */
export function call(head: string, args: readonly Code[]): Block {
  return [head, ...args.flatMap((a) => indent(a))];
}

function inline(open: string, close: string, items: readonly string[]): string {
  return items.length === 0 ? `${open}${close}` : `${open} ${items.join(", ")} ${close}`;
}

function vertical(open: string, close: string, items: readonly string[]): Block {
  if (items.length === 0) return [`${open}${close}`];
  return [`${open} ${items[0]}`, ...items.slice(1).map((i) => `, ${i}`), close];
}

const fieldValues = (fields: readonly (readonly [string, string])[]): string[] =>
  fields.map(([name, value]) => `${name} = ${value}`);
const fieldTypes = (fields: readonly (readonly [string, string])[]): string[] =>
  fields.map(([name, type]) => `${name} : ${type}`);

/** `[ a, b ]` (`[]` when empty). */
export const list = (items: readonly string[]): string => inline("[", "]", items);

/** One item per line: `[ a` / `, b` / `]`. */
export const listBlock = (items: readonly string[]): Block => vertical("[", "]", items);

/** `( a, b )`. */
export const tuple = (items: readonly string[]): string => `( ${items.join(", ")} )`;

/** A record value `{ a = 1, b = 2 }`. */
export const record = (fields: readonly (readonly [string, string])[]): string => inline("{", "}", fieldValues(fields));

/** A record value with one field per line. */
export const recordBlock = (fields: readonly (readonly [string, string])[]): Block =>
  vertical("{", "}", fieldValues(fields));

/** A record type `{ a : Int, b : String }`. */
export const recordType = (fields: readonly (readonly [string, string])[]): string =>
  inline("{", "}", fieldTypes(fields));

/** A record type with one field per line. */
export const recordTypeBlock = (fields: readonly (readonly [string, string])[]): Block =>
  vertical("{", "}", fieldTypes(fields));

/** `head` followed by `op operand` lines four spaces in (pipelines `|>`, concatenations `++`). */
export function operatorChain(op: string, head: Code, operands: readonly Code[]): Block {
  return [...toBlock(head), ...operands.flatMap((o) => indent(prefixed(`${op} `, o)))];
}

/** `head |> step |> step`, one step per line. */
export function pipeline(head: Code, steps: readonly Code[]): Block {
  return operatorChain("|>", head, steps);
}

/** `\a b -> body`; a multi-line body goes below, four spaces in. */
export function lambda(params: string, body: string): string;
export function lambda(params: string, body: Code): Code;
export function lambda(params: string, body: Code): Code {
  const line = single(body);
  if (line !== undefined) return `\\${params} -> ${line}`;
  return [`\\${params} ->`, ...indent(body)];
}

/** `case subject of` with one branch per pattern, a blank line between branches. */
export function caseOf(subject: string, branches: readonly (readonly [string, Code])[]): Block {
  const lines: string[] = [`case ${subject} of`];
  branches.forEach(([pattern, body], i) => {
    if (i > 0) lines.push("");
    lines.push(...indent([`${pattern} ->`, ...indent(body)]));
  });
  return lines;
}

/** A function type `A -> B -> C`; with a multi-line part, each later part starts a line with `->`. */
export function functionType(parts: readonly Code[]): Code {
  if (parts.every((p) => single(p) !== undefined)) return parts.map((p) => single(p)).join(" -> ");
  return [...toBlock(parts[0]!), ...parts.slice(1).flatMap((p) => prefixed("-> ", p))];
}

export interface ValueDeclaration {
  readonly doc?: Block;
  readonly name: string;
  readonly annotation: Code;
  /** Argument patterns after the name (`config toMsg request`), or none. */
  readonly params?: string;
  readonly body: Code;
}

/** A documented, annotated top-level value or function. */
export function valueDeclaration(d: ValueDeclaration): Block {
  const annotation = single(d.annotation);
  return [
    ...(d.doc ?? []),
    ...(annotation !== undefined ? [`${d.name} : ${annotation}`] : [`${d.name} :`, ...indent(d.annotation)]),
    `${d.name}${d.params ? ` ${d.params}` : ""} =`,
    ...indent(d.body),
  ];
}

/** `type alias Name =` with the type below. */
export function typeAlias(doc: Block, name: string, type: Code): Block {
  return [...doc, `type alias ${name} =`, ...indent(type)];
}

/** `type Name` with `= A` / `| B` variants below. */
export function customType(doc: Block, name: string, variants: readonly Code[]): Block {
  return [...doc, `type ${name}`, ...variants.flatMap((v, i) => indent(prefixed(i === 0 ? "= " : "| ", v)))];
}
