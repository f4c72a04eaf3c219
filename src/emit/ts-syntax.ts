/**
 * The few TypeScript constructs generated code uses, as layout documents shaped like the ones
 * Prettier builds for them (`prettier.__debug.printToDoc` shows those), so printing at
 * printWidth 100 gives Prettier's own layout without running Prettier. Expressions are a small
 * tree because Prettier's layout depends on what kind of expression sits where (a binary
 * operand, a property value, an `if` test); types and statements are printed directly.
 */
import { annotationDoc, parseType, typeAliasDoc, typeDoc } from "./ts-types.js";
import {
  conditionalGroup,
  group,
  hardline,
  ifBreak,
  indent,
  indentIfBreak,
  join,
  line,
  softline,
  willBreak,
  breakParent,
  type Doc,
} from "./doc.js";

export type Expr =
  /** Text that never breaks: an identifier, a number, `x as T`. */
  | { readonly k: "atom"; readonly text: string }
  | { readonly k: "string"; readonly text: string }
  /** `object.name` where `object` is an identifier or another member (a member chain). */
  | { readonly k: "member"; readonly text: string }
  | { readonly k: "call"; readonly callee: string; readonly args: readonly Expr[]; readonly member: boolean }
  | { readonly k: "binary"; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: "unary"; readonly op: string; readonly arg: Expr }
  /**
   * Properties; a `null` value is a shorthand property (`{ path }`). `expanded` keeps one
   * property per line even when they would fit (Prettier keeps an object so written).
   */
  | { readonly k: "object"; readonly props: readonly (readonly [string, Expr | null])[]; readonly expanded?: boolean }
  | { readonly k: "array"; readonly items: readonly Expr[] }
  /** `object[index]` (`object?.[index]`): the index breaks onto its own line when long. */
  | { readonly k: "index"; readonly object: string; readonly index: Expr }
  /** A template literal (Prettier never breaks one, nor the line before it). */
  | { readonly k: "template"; readonly text: string }
  /** An arrow function; a statement-list body is a block. */
  | {
      readonly k: "arrow";
      readonly params: string;
      readonly body: Expr | { readonly block: readonly Stmt[] };
      readonly async: boolean;
    }
  | { readonly k: "cond"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr }
  | { readonly k: "as"; readonly expr: Expr; readonly type: string };

export const atom = (text: string): Expr => ({ k: "atom", text });
export const str = (value: string): Expr => ({ k: "string", text: tsString(value) });

/** A string literal as Prettier writes it: double quotes, unless the text has more of them than `'`. */
export function tsString(value: string): string {
  const json = JSON.stringify(value);
  if (!value.includes('"')) return json; // no double quotes: never more of them than of `'`
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** A JSON value as a TypeScript expression (keys bare where they can be, as Prettier leaves them). */
export function jsonExpr(value: unknown): Expr {
  if (typeof value === "string") return str(value);
  if (Array.isArray(value)) return arr(value.map(jsonExpr));
  if (value !== null && typeof value === "object")
    return obj(Object.entries(value).map(([k, v]) => [/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsString(k), jsonExpr(v)]));
  return atom(JSON.stringify(value));
}
export const member = (text: string): Expr => ({ k: "member", text });
/** A call; `callee` may be `a.b` (then Prettier prints it as a member chain). */
export const call = (callee: string, ...args: Expr[]): Expr => ({
  k: "call",
  callee,
  args,
  member: callee.includes("."),
});
export const bin = (left: Expr, op: string, right: Expr): Expr => ({ k: "binary", op, left, right });
/** `a op b op c`, left-nested as the parser reads it. */
export const chain = (op: string, operands: readonly Expr[]): Expr =>
  operands.slice(1).reduce((left, right) => bin(left, op, right), operands[0]!);
export const not = (arg: Expr): Expr => ({ k: "unary", op: "!", arg });
export const typeOf = (arg: Expr): Expr => ({ k: "unary", op: "typeof ", arg });
export const obj = (props: readonly (readonly [string, Expr | null])[], expanded = false): Expr => ({
  k: "object",
  props,
  expanded,
});
export const arr = (items: readonly Expr[]): Expr => ({ k: "array", items });
export const arrow = (params: string, body: Expr | { readonly block: readonly Stmt[] }, async = false): Expr => ({
  k: "arrow",
  params,
  body,
  async,
});
export const template = (text: string): Expr => ({ k: "template", text });
export const index = (object: string, i: Expr): Expr => ({ k: "index", object, index: i });
export const cond = (test: Expr, then: Expr, otherwise: Expr): Expr => ({ k: "cond", test, then, otherwise });
export const as = (expr: Expr, type: string): Expr => ({ k: "as", expr, type });

const LOGICAL = new Set(["||", "&&", "??"]);
const PRECEDENCE: Record<string, number> = {
  "??": 1,
  "||": 2,
  "&&": 3,
  "===": 7,
  "!==": 7,
  "==": 7,
  "!=": 7,
  "<": 8,
  ">": 8,
  "<=": 8,
  ">=": 8,
  "+": 10,
  "-": 10,
  "*": 11,
  "/": 11,
  "%": 11,
};
const isLogical = (e: Expr) => e.k === "binary" && LOGICAL.has(e.op);
const nodeType = (e: Expr) => (e.k === "binary" ? (LOGICAL.has(e.op) ? "logical" : "binary") : e.k);

function shouldFlatten(parentOp: string, childOp: string): boolean {
  if (PRECEDENCE[parentOp] !== PRECEDENCE[childOp]) return false;
  if (PRECEDENCE[parentOp] === 7) return false; // x == y == z
  if ((childOp === "%" && (parentOp === "*" || parentOp === "/")) || (parentOp === "%" && childOp !== "%"))
    return false;
  if (childOp !== parentOp && (childOp === "*" || childOp === "/") && (parentOp === "*" || parentOp === "/"))
    return false;
  return true;
}

/** Where an expression sits, as far as Prettier's binary-expression layout cares. */
type Place = "parens" | "assign" | "plain" | "noindent";

function binaryParts(e: Extract<Expr, { k: "binary" }>, insideParens: boolean, parentType: string): Doc[] {
  let parts: Doc[];
  if (e.left.k === "binary" && shouldFlatten(e.op, e.left.op)) parts = binaryParts(e.left, insideParens, nodeType(e));
  else parts = [group(expr(e.left, "plain"))];
  const right: Doc = [e.op, line, expr(e.right, "plain")];
  const type = nodeType(e);
  const shouldGroup =
    !(insideParens && isLogical(e)) && parentType !== type && nodeType(e.left) !== type && nodeType(e.right) !== type;
  parts.push(" ", shouldGroup ? group(right) : right);
  return parts;
}

function binary(e: Extract<Expr, { k: "binary" }>, place: Place): Doc {
  if (place === "parens") return binaryParts(e, true, "statement");
  const parts = binaryParts(e, false, place === "plain" ? "expression" : "statement");
  if (place === "noindent" || place === "assign") return group(parts);
  const first = parts.findIndex(
    (p) => typeof p === "object" && !Array.isArray(p) && (p as { type?: string }).type === "group",
  );
  const head = parts.slice(0, first === -1 ? 1 : first + 1);
  return group([...head, indent(parts.slice(head.length))]);
}

/** Whether a call's last argument is hugged (printed expanded against the parentheses). */
function couldGroupLast(args: readonly Expr[]): boolean {
  const last = args.at(-1);
  if (last === undefined) return false;
  const penultimate = args.at(-2);
  if (penultimate !== undefined && penultimate.k === last.k) return false;
  if (last.k === "object") return last.props.length > 0;
  if (last.k === "arrow")
    return "block" in last.body || last.body.k === "call" || last.body.k === "cond" || last.body.k === "as";
  return false;
}

function callArgs(args: readonly Expr[]): Doc {
  if (args.length === 0) return "()";
  const printed = args.map((a) => expr(a, "plain"));
  const withCommas = (docs: readonly Doc[]) => join([",", line], docs);
  const allBroken = () =>
    group(["(", indent([line, ...withCommas(printed)]), ifBreak(","), line, ")"], { shouldBreak: true });
  if (couldGroupLast(args)) {
    const head = printed.slice(0, -1);
    const lastArg = args.at(-1)!;
    const last = lastArg.k === "arrow" ? arrowDoc(lastArg, true) : printed.at(-1)!;
    const headBreaks = head.some(willBreak);
    return [
      printed.some(willBreak) ? breakParent : "",
      conditionalGroup(
        [
          ["(", ...withCommas([...head, last]), ")"],
          ["(", ...withCommas([...head, group(last, { shouldBreak: true })]), ")"],
          allBroken(),
        ],
        { shouldBreak: headBreaks },
      ),
    ];
  }
  return group(["(", indent([softline, ...withCommas(printed)]), ifBreak(","), softline, ")"]);
}

/** The layout of `left = right` / `key: right` (Prettier's `chooseLayout`). */
function assignment(left: Doc, operator: string, right: Expr, shortKey: boolean): Doc {
  const rhs = expr(right, "assign");
  const breakAfter =
    (right.k === "binary" && !isLogicalInline(right)) ||
    (right.k === "cond" && right.test.k === "binary") ||
    (!shortKey && (right.k === "string" || right.k === "member" || right.k === "index"));
  if (breakAfter) return group([group(left), operator, group(indent([line, rhs]))]);
  if (shortKey || right.k === "template") return group([group(left), operator, " ", rhs]);
  const id = Symbol("assignment");
  return group([group(left), operator, group(indent(line), { id }), indentIfBreak(rhs, id)]);
}

function isLogicalInline(e: Extract<Expr, { k: "binary" }>): boolean {
  return (
    isLogical(e) &&
    ((e.right.k === "object" && e.right.props.length > 0) || (e.right.k === "array" && e.right.items.length > 0))
  );
}

function width(text: string): number {
  return [...text].length;
}

export function property(key: string, value: Expr): Doc {
  return assignment(key, ":", value, width(key) < 5);
}

export function expr(e: Expr, place: Place = "plain"): Doc {
  switch (e.k) {
    case "atom":
    case "string":
    case "member":
    case "template":
      return e.text;
    case "index":
      return group([e.object, "[", indent([softline, expr(e.index, "plain")]), softline, "]"]);
    case "call": {
      // Type arguments (`new Map<K, V>`) end the callee: most calls have none, and skip the test.
      const generic = e.callee.endsWith(">") && /^[A-Za-z_$][\w$.]*<.*>$/.test(e.callee);
      const callee = generic ? typeDoc(parseType(e.callee)) : e.callee;
      return e.member ? group([callee, callArgs(e.args)]) : [callee, callArgs(e.args)];
    }
    case "binary":
      return binary(e, place);
    case "unary":
      return [e.op, expr(e.arg, "plain")];
    case "object":
      if (e.props.length === 0) return "{}";
      return group(
        [
          "{",
          indent([
            line,
            ...join(
              [",", line],
              e.props.map(([k, v]) => (v === null ? k : property(k, v))),
            ),
          ]),
          ifBreak(","),
          line,
          "}",
        ],
        { shouldBreak: e.expanded === true },
      );
    case "array":
      if (e.items.length === 0) return "[]";
      return group([
        "[",
        indent([
          softline,
          ...join(
            [",", line],
            e.items.map((i) => expr(i, "plain")),
          ),
        ]),
        ifBreak(","),
        softline,
        "]",
      ]);
    case "arrow":
      return arrowDoc(e, false);
    case "cond":
      return group([
        expr(e.test, "noindent"),
        indent([line, "? ", indent(expr(e.then, "plain")), line, ": ", indent(expr(e.otherwise, "plain"))]),
      ]);
    case "as":
      return [expr(e.expr, "plain"), " as ", e.type === "const" ? "const" : typeDoc(parseType(e.type))];
  }
}

/** An arrow function; `expandedLast` is its layout as a call's hugged last argument. */
function arrowDoc(e: Extract<Expr, { k: "arrow" }>, expandedLast: boolean): Doc {
  // Hugged as a last argument, the parameters never break (Prettier then breaks the arguments out).
  const params =
    e.params === ""
      ? "()"
      : expandedLast
        ? `(${e.params})`
        : group(["(", indent([softline, e.params]), ifBreak(","), softline, ")"]);
  const head: Doc = e.async ? ["async ", params] : params;
  if ("block" in e.body) return group([head, " =>", " ", block(e.body.block)]);
  if (e.body.k === "object" || e.body.k === "array") return group([head, " =>", " ", expr(e.body, "plain")]);
  const tail: Doc = expandedLast ? [ifBreak(","), softline] : "";
  if (e.body.k === "cond")
    return group([
      head,
      " =>",
      group([" ", group([ifBreak("", "("), indent([softline, expr(e.body, "plain")]), ifBreak("", ")"), tail])]),
    ]);
  return group([head, " =>", group([indent([line, expr(e.body, "noindent")]), tail])]);
}

// Statements ---------------------------------------------------------------------------------

export type Stmt = Doc;

export function block(statements: readonly Stmt[]): Doc {
  if (statements.length === 0) return "{}";
  return ["{", indent([hardline, ...join(hardline, statements)]), hardline, "}"];
}

export function exprStmt(e: Expr): Stmt {
  return [expr(e, "plain"), ";"];
}

/** `target = value;` */
export function assign(target: string, value: Expr): Stmt {
  return [assignment(target, " =", value, false), ";"];
}

/** `const name: type = init;` (type and init optional). */
export function declare(kind: "const" | "let", name: string, type: string | undefined, init?: Expr): Stmt {
  const left: Doc = type === undefined ? name : [name, ":", " ", typeAnnotation(type)];
  if (init === undefined) return group([kind, " ", left, ";"]);
  return [group([kind, " ", assignment(left, " =", init, false)]), ";"];
}

export function ret(e?: Expr): Stmt {
  if (e === undefined) return "return;";
  if (e.k === "binary")
    return ["return ", group([ifBreak("("), indent([softline, expr(e, "noindent")]), softline, ifBreak(")")]), ";"];
  return ["return ", expr(e, "plain"), ";"];
}

/** `throw value;` */
export function throwStmt(e: Expr): Stmt {
  return ["throw ", expr(e, "plain"), ";"];
}

/** `for (head) body`: a statement on the next line when it does not fit, or a block. */
export function forStmt(head: string, body: Stmt | { readonly block: readonly Stmt[] }): Stmt {
  const isBlock = typeof body === "object" && body !== null && !Array.isArray(body) && "block" in body;
  if (isBlock) return [`for (${head}) `, block((body as { block: readonly Stmt[] }).block)];
  return group([`for (${head})`, indent([line, body as Stmt])]);
}

/** `if (test) consequent else alternate`; a consequent array is a block. */
export function ifStmt(
  test: Expr,
  consequent: Stmt | readonly Stmt[],
  alternate?: Stmt | readonly Stmt[] | IfChain,
): Stmt {
  const isBlock = (s: unknown): s is readonly Stmt[] => Array.isArray(s) && (s as { block?: true }).block === true;
  const clause = (s: Stmt | readonly Stmt[], forceSpace: boolean): Doc =>
    isBlock(s) ? [" ", block(s)] : forceSpace ? [" ", s] : indent([line, s]);
  const parts: Doc[] = [
    group(["if (", group([indent([softline, expr(test, "parens")]), softline]), ")", clause(consequent, false)]),
  ];
  if (alternate !== undefined) {
    parts.push(isBlock(consequent) ? " " : hardline);
    const isIf = (alternate as IfChain).chained === true;
    const alt = isIf ? (alternate as IfChain).stmt : (alternate as Stmt | readonly Stmt[]);
    parts.push("else", group(clause(alt, isIf)));
  }
  return parts;
}

/** Marks statements as a braced block for `ifStmt`. */
export function braces(statements: readonly Stmt[]): readonly Stmt[] {
  const copy = [...statements] as Stmt[] & { block?: true };
  copy.block = true;
  return copy;
}

export interface IfChain {
  readonly chained: true;
  readonly stmt: Stmt;
}
/** An `else if`: the nested `if` statement. */
export function elseIf(stmt: Stmt): IfChain {
  return { chained: true, stmt };
}

/** A `switch`: `case` labels, then statements (a braced block stays on the label's line). */
export function switchStmt(
  subject: string,
  cases: readonly { labels: readonly string[]; body: readonly Stmt[] | { readonly braced: Doc } }[],
): Doc {
  const printed = cases.map(({ labels, body }) => {
    const heads = labels.map((l) => (l === "default" ? "default:" : `case ${l}:`));
    const last = heads.pop()!;
    const tail: Doc = "braced" in body ? [last, " ", body.braced] : [last, indent([hardline, ...join(hardline, body)])];
    return join(hardline, [...heads, tail]);
  });
  return [`switch (${subject}) {`, indent([hardline, ...join(hardline, printed)]), hardline, "}"];
}

// Types --------------------------------------------------------------------------------------

/** Splits a type at its top-level `|` (outside brackets and strings). */
export function unionMembers(type: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "<" || c === "(" || c === "[" || c === "{") depth++;
    else if (c === ">" || c === ")" || c === "]" || c === "}") depth--;
    else if (c === "|" && depth === 0 && type[i - 1] === " " && type[i + 1] === " ") {
      out.push(type.slice(start, i - 1));
      start = i + 2;
    }
  }
  out.push(type.slice(start));
  return out;
}

function unionGroup(members: readonly Doc[]): Doc {
  return group([ifBreak("| "), indent(members[0]!), ...members.slice(1).flatMap((m) => [line, "| ", indent(m)])]);
}

/** A type after `name: ` (a variable or property annotation). */
export const typeAnnotation = annotationDoc;

/** `export type Name = type;` where the type is written as text. */
export const typeAliasOf = typeAliasDoc;

/** `export type Name = A | B;` with each member a document (an object type). */
export function typeAlias(head: string, members: readonly Doc[]): Doc {
  if (members.length === 1) return [head, " = ", members[0]!, ";"];
  return [group([head, " =", group(indent([line, unionGroup(members)]))]), ";"];
}

/** `{ a: T; b: U }` as a type. */
export function objectType(members: readonly Doc[]): Doc {
  if (members.length === 0) return "{}";
  return group(["{", indent([line, ...join([";", line], members), ifBreak(";")]), line, "}"]);
}

/**
 * `(a: A, b: B): R`, breaking one parameter per line when long. Parameters are `name: type`
 * text; `returns` is the return type (`method` wraps it in its own group, as Prettier does for
 * interface methods).
 */
export function params(list: readonly string[], returns: string, method = false): Doc {
  const ret: Doc =
    returns === "" ? "" : method ? group([": ", typeDoc(parseType(returns))]) : [": ", typeDoc(parseType(returns))];
  if (list.length === 0) return ["()", ret];
  const printed = list.map((p) => {
    const colon = p.indexOf(": ");
    if (colon < 0) return p;
    const eq = p.lastIndexOf(" = ");
    const type = eq > colon ? p.slice(colon + 2, eq) : p.slice(colon + 2);
    return [p.slice(0, colon + 2), annotationDoc(type), eq > colon ? p.slice(eq) : ""];
  });
  return group(["(", indent([softline, ...join([",", line], printed)]), ifBreak(","), softline, ")", ret]);
}

/** An import declaration. */
export function importDecl(names: readonly string[], from: string, typeOnly: boolean): Doc {
  return [
    typeOnly ? "import type " : "import ",
    group(["{", indent([line, ...join([",", line], names)]), ifBreak(","), line, "}"]),
    " from ",
    JSON.stringify(from),
    ";",
  ];
}

export { hardline, group, indent, line, softline, join, type Doc };
