/**
 * `validators.ts`: straight-line decoders (`decodeX(value: unknown)`) and encoders (`encodeX`)
 * for every schema type. Each type gets a `readX(value, path, errors)` function whose body checks
 * exactly that type's fields and constraints; nothing interprets the schema at run time.
 * Printed in its final layout (src/emit/ts-syntax.ts), never formatted afterwards.
 */
import { hardline, indent, join, type Doc } from "../../src/emit/doc.js";
import { plural } from "../../src/check/constraint-check.js";
import { FragmentCache, reachedTypesOnce, type Fragment, type FragmentInputs } from "../../src/emit/fragment-cache.js";
import { runtimeSubpath } from "../../src/emit/runtime-path.js";
import { TsFile, type Rendered } from "../../src/emit/ts-file.js";
import {
  as,
  assign,
  atom,
  bin,
  block,
  braces,
  call,
  chain,
  cond,
  declare,
  elseIf,
  exprStmt,
  ifStmt,
  member,
  not,
  obj,
  params,
  ret,
  str,
  typeOf,
  arrow,
  jsonExpr,
  index,
  switchStmt,
  type Expr,
  type Stmt,
} from "../../src/emit/ts-syntax.js";
import type { Constraints, FieldDef, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { access, constraintKind, decodedLiteral, propKey, tsType, type TypeTable } from "./model.js";
import { inputName } from "./types-file.js";

/** What `@hamlet/runtime-node/validate` exports that generated validators may call. */
export const RUNTIME_VALUES = [
  "BASE64_RE",
  "EMAIL_RE",
  "UUID_LOWER_RE",
  "UUID_RE",
  "checkKeys",
  "codePoints",
  "encodeMap",
  "encodeTimestamp",
  "isCalendarDate",
  "isForbiddenKey",
  "isObject",
  "isUrl",
  "parseTimestamp",
  "result",
  "unknownVariant",
];

interface Piece {
  readonly code: Stmt[];
  /** Expression of the decoded value (valid only when no issue was pushed). */
  readonly out: Expr;
}

/** A path expression as the operands of `+`. */
type Path = readonly Expr[];

const pathExpr = (path: Path): Expr => (path.length === 1 ? path[0]! : chain("+", path));
const push = (path: Path, message: Expr): Stmt =>
  exprStmt(
    call(
      "errors.push",
      obj([
        ["path", pathExpr(path)],
        ["message", message],
      ]),
    ),
  );
const a = atom;
const isUndefined = (e: Expr) => bin(e, "===", a("undefined"));
const typeIsNot = (e: Expr, type: string) => bin(typeOf(e), "!==", str(type));
const typeIs = (e: Expr, type: string) => bin(typeOf(e), "===", str(type));

class Generator {
  private counter = 0;
  readonly patterns = new Map<string, string>();
  /** Sources passed to `pattern` since `recordPatterns` (a fragment's hoisted patterns). */
  used: string[] | undefined;
  constructor(readonly table: TypeTable) {}

  reset(): void {
    this.counter = 0;
  }
  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
  pattern(source: string): string {
    this.used?.push(source);
    let name = this.patterns.get(source);
    if (!name) {
      name = `PATTERN_${this.patterns.size}`;
      this.patterns.set(source, name);
    }
    return name;
  }

  stringChecks(c: Constraints, s: string, path: Path): Stmt[] {
    const code: Stmt[] = [];
    if (c.minLength !== undefined || c.maxLength !== undefined) {
      // A string of L UTF-16 units has between ceil(L/2) and L code points: count them only
      // when the unit length cannot decide.
      const n = this.fresh("n");
      const undecided: Expr[] = [];
      if (c.minLength !== undefined && c.minLength > 0)
        undecided.push(bin(member(`${s}.length`), "<", a(String(c.minLength * 2))));
      if (c.maxLength !== undefined) undecided.push(bin(member(`${s}.length`), ">", a(String(c.maxLength))));
      const checks: Stmt[] = [];
      if (c.minLength !== undefined && c.minLength > 0)
        checks.push(
          ifStmt(
            bin(a(n), "<", a(String(c.minLength))),
            push(path, str(`expected at least ${plural(c.minLength, "character")}`)),
          ),
        );
      if (c.maxLength !== undefined)
        checks.push(
          ifStmt(
            bin(a(n), ">", a(String(c.maxLength))),
            push(path, str(`expected at most ${plural(c.maxLength, "character")}`)),
          ),
        );
      if (undecided.length > 0)
        code.push(
          ifStmt(chain("||", undecided), braces([declare("const", n, undefined, call("codePoints", a(s))), ...checks])),
        );
    }
    if (c.pattern !== undefined)
      code.push(
        ifStmt(
          not(call(`${this.pattern(c.pattern)}.test`, a(s))),
          push(path, str(`expected to match pattern ${c.pattern}`)),
        ),
      );
    if (c.format === "email")
      code.push(ifStmt(not(call("EMAIL_RE.test", a(s))), push(path, str("expected an email address"))));
    if (c.format === "url") code.push(ifStmt(not(call("isUrl", a(s))), push(path, str("expected a URL"))));
    return code;
  }

  numberChecks(c: Constraints, v: string, path: Path): Stmt[] {
    const code: Stmt[] = [];
    if (c.min !== undefined)
      code.push(ifStmt(bin(a(v), "<", a(String(c.min))), push(path, str(`expected at least ${c.min}`))));
    if (c.max !== undefined)
      code.push(ifStmt(bin(a(v), ">", a(String(c.max))), push(path, str(`expected at most ${c.max}`))));
    return code;
  }

  itemChecks(c: Constraints, count: Expr, path: Path): Stmt[] {
    const code: Stmt[] = [];
    if (c.minItems !== undefined)
      code.push(
        ifStmt(
          bin(count, "<", a(String(c.minItems))),
          push(path, str(`expected at least ${plural(c.minItems, "item")}`)),
        ),
      );
    if (c.maxItems !== undefined)
      code.push(
        ifStmt(
          bin(count, ">", a(String(c.maxItems))),
          push(path, str(`expected at most ${plural(c.maxItems, "item")}`)),
        ),
      );
    return code;
  }

  /** Code that checks `raw` (an identifier of type unknown) against `type` and `c`. */
  value(type: TypeExpr, c: Constraints, raw: string, path: Path): Piece {
    switch (type.kind) {
      case "primitive":
        return this.primitive(type.name, c, raw, path);
      case "list": {
        const v = this.fresh("v");
        const i = this.fresh("i");
        const e = this.fresh("e");
        const inner = this.value(type.element, {}, e, [...path, str("["), a(i), str("]")]);
        return {
          code: [
            declare("const", v, tsType(type), a("[]")),
            ifStmt(
              not(call("Array.isArray", a(raw))),
              push(path, str("expected a list")),
              braces([
                ...this.itemChecks(c, member(`${raw}.length`), path),
                [
                  `for (let ${i} = 0; ${i} < ${raw}.length; ${i}++) `,
                  block([
                    declare("const", e, "unknown", a(`${raw}[${i}]`)),
                    ...inner.code,
                    exprStmt(call(`${v}.push`, inner.out)),
                  ]),
                ],
              ]),
            ),
          ],
          out: a(v),
        };
      }
      case "map": {
        const v = this.fresh("v");
        const k = this.fresh("key");
        const e = this.fresh("e");
        const keys = this.fresh("keys");
        const inner = this.value(type.value, {}, e, [...path, str("["), call("JSON.stringify", a(k)), str("]")]);
        return {
          code: [
            declare("const", v, undefined, as(call("Object.create", a("null")), tsType(type))),
            ifStmt(
              not(call("isObject", a(raw))),
              push(path, str("expected an object")),
              braces([
                declare("const", keys, undefined, call("Object.keys", a(raw))),
                ...this.itemChecks(c, member(`${keys}.length`), path),
                [
                  `for (const ${k} of ${keys}) `,
                  block([
                    ifStmt(
                      call("isForbiddenKey", a(k)),
                      braces([push(path, bin(str("forbidden key "), "+", call("JSON.stringify", a(k)))), "continue;"]),
                    ),
                    declare("const", e, undefined, a(`${raw}[${k}]`)),
                    ...inner.code,
                    assign(`${v}[${k}]`, inner.out),
                  ]),
                ],
              ]),
            ),
          ],
          out: a(v),
        };
      }
      case "optional": {
        const v = this.fresh("v");
        const inner = this.value(type.inner, c, raw, path);
        return {
          code: [
            declare("let", v, tsType(type), a("null")),
            ifStmt(bin(a(raw), "!==", a("null")), braces([...inner.code, assign(v, inner.out)])),
          ],
          out: a(v),
        };
      }
      case "ref": {
        const v = this.fresh("v");
        const code: Stmt[] = [
          declare("const", v, undefined, call(`read${type.name}`, a(raw), pathExpr(path), a("errors"))),
        ];
        const kind = constraintKind(this.table, type);
        if (kind === "string") {
          const checks = this.stringChecks(c, v, path);
          if (checks.length) code.push(ifStmt(typeIs(a(v), "string"), braces(checks)));
        } else if (kind === "number") {
          const checks = this.numberChecks(c, v, path);
          if (checks.length) code.push(ifStmt(typeIs(a(v), "number"), braces(checks)));
        } else if (kind === "items") {
          const resolved = this.table.resolve(type);
          if (resolved.kind === "list") {
            const checks = this.itemChecks(c, member(`${v}.length`), path);
            if (checks.length) code.push(ifStmt(call("Array.isArray", a(v)), braces(checks)));
          } else {
            const checks = this.itemChecks(c, a(`Object.keys(${v}).length`), path);
            if (checks.length) code.push(ifStmt(call("isObject", a(v)), braces(checks)));
          }
        }
        return { code, out: a(v) };
      }
    }
  }

  primitive(name: string, c: Constraints, raw: string, path: Path): Piece {
    const r = a(raw);
    const guarded = (test: Expr, message: string, checks: Stmt[], out: Expr): Piece => ({
      code: [ifStmt(test, push(path, str(message)), checks.length ? braces(checks) : undefined)],
      out,
    });
    switch (name) {
      case "String":
        return guarded(typeIsNot(r, "string"), "expected a string", this.stringChecks(c, raw, path), as(r, "string"));
      case "Int": {
        const checks = this.numberChecks(c, raw, path);
        return {
          code: [
            ifStmt(
              chain("||", [typeIsNot(r, "number"), not(call("Number.isInteger", r))]),
              push(path, str("expected an integer")),
              elseIf(
                ifStmt(
                  not(call("Number.isSafeInteger", r)),
                  push(path, str("expected an integer between -9007199254740991 and 9007199254740991")),
                  checks.length ? braces(checks) : undefined,
                ),
              ),
            ),
          ],
          out: as(r, "number"),
        };
      }
      case "Float":
        return guarded(
          chain("||", [typeIsNot(r, "number"), not(call("Number.isFinite", r))]),
          "expected a number",
          this.numberChecks(c, raw, path),
          as(r, "number"),
        );
      case "Bool":
        return guarded(typeIsNot(r, "boolean"), "expected a boolean", [], as(r, "boolean"));
      case "Uuid": {
        const v = this.fresh("v");
        return {
          code: [
            declare("let", v, "Uuid | undefined"),
            ifStmt(
              chain("&&", [typeIs(r, "string"), call("UUID_LOWER_RE.test", r)]),
              assign(v, as(r, "Uuid")),
              elseIf(
                ifStmt(
                  chain("&&", [typeIs(r, "string"), call("UUID_RE.test", r)]),
                  assign(v, as(call(`${raw}.toLowerCase`), "Uuid")),
                  push(path, str("expected a UUID")),
                ),
              ),
            ),
          ],
          out: as(a(v), "Uuid"),
        };
      }
      case "Timestamp": {
        const v = this.fresh("v");
        return {
          code: [
            declare("const", v, undefined, cond(typeIs(r, "string"), call("parseTimestamp", r), a("undefined"))),
            ifStmt(isUndefined(a(v)), push(path, str("expected an RFC 3339 timestamp"))),
          ],
          out: as(a(v), "Date"),
        };
      }
      case "Date":
        return guarded(
          chain("||", [typeIsNot(r, "string"), not(call("isCalendarDate", r))]),
          "expected a date (YYYY-MM-DD)",
          [],
          as(r, "IsoDate"),
        );
      case "Bytes":
        return guarded(
          chain("||", [typeIsNot(r, "string"), not(call("BASE64_RE.test", r))]),
          "expected canonical base64",
          [],
          as(r, "Bytes"),
        );
      case "Json":
        return { code: [], out: as(r, "JsonValue") };
      default:
        throw new Error(`unknown primitive ${name}`);
    }
  }

  /** Reads the fields of a record or variant from `input`; returns the object literal entries. */
  fields(fields: readonly FieldDef[], input: string): { code: Stmt[]; entries: [string, Expr][] } {
    const code: Stmt[] = [];
    const entries: [string, Expr][] = [];
    for (const field of fields) {
      const raw = this.fresh("r");
      const f = this.fresh("f");
      const path: Path = [a("path"), str(`.${field.name}`)];
      // The input is a `Record<string, unknown>`: bracket access (clean under noPropertyAccessFromIndexSignature).
      code.push(declare("const", raw, undefined, index(input, str(field.name))));
      if (field.type.kind === "optional") {
        const inner = this.value(field.type.inner, field.constraints, raw, path);
        code.push(
          declare("let", f, `${tsType(field.type.inner)} | undefined`),
          ifStmt(
            chain("&&", [bin(a(raw), "!==", a("undefined")), bin(a(raw), "!==", a("null"))]),
            braces([...inner.code, assign(f, inner.out)]),
          ),
        );
        entries.push([propKey(field.name), a(f)]);
      } else {
        const t = tsType(field.type);
        const inner = this.value(field.type, field.constraints, raw, path);
        code.push(declare("let", f, `${t} | undefined`));
        const rest = braces([...inner.code, assign(f, inner.out)]);
        if (field.default !== undefined) {
          code.push(
            ifStmt(
              chain("||", [isUndefined(a(raw)), bin(a(raw), "===", a("null"))]),
              assign(f, decodedLiteral(this.table, field.type, field.default)),
              rest,
            ),
          );
        } else {
          code.push(ifStmt(isUndefined(a(raw)), push(path, str("is required")), rest));
        }
        entries.push([propKey(field.name), as(a(f), t)]);
      }
    }
    return { code, entries };
  }

  reader(def: TypeDef): Doc {
    this.reset();
    const sig: Doc = [
      `function read${def.name}`,
      params(["value: unknown", "path: string", "errors: Issue[]"], def.name),
      " ",
    ];
    const notObject = ifStmt(
      not(call("isObject", a("value"))),
      braces([push([a("path")], str("expected an object")), ret(as(as(a("value"), "unknown"), def.name))]),
    );
    const checkKeys = exprStmt(call("checkKeys", a("value"), a("path"), a("errors")));
    switch (def.kind) {
      case "alias": {
        const piece = this.value(def.type, def.constraints, "value", [a("path")]);
        return [sig, block([...piece.code, ret(piece.out)])];
      }
      case "record": {
        const { code, entries } = this.fields(def.fields, "value");
        return [sig, block([notObject, checkKeys, ...code, ret(obj(entries))])];
      }
      case "enum": {
        const allowed = str(def.variants.map((v) => v.name).join(", "));
        if (!this.table.tagged(def)) {
          return [
            sig,
            block([
              switchStmt("value", [
                { labels: def.variants.map((v) => JSON.stringify(v.name)), body: ["return value;"] },
              ]),
              exprStmt(
                call(
                  "errors.push",
                  obj([
                    ["path", null],
                    ["message", call("unknownVariant", a("value"), allowed)],
                  ]),
                ),
              ),
              ret(as(a("value"), def.name)),
            ]),
          ];
        }
        const cases = def.variants.map((v) => {
          this.reset();
          const tag = JSON.stringify(v.name);
          if (v.fields.length === 0) return { labels: [tag], body: [ret(obj([["tag", str(v.name)]]))] };
          const { code, entries } = this.fields(v.fields, "value");
          return { labels: [tag], body: { braced: block([...code, ret(obj([["tag", str(v.name)], ...entries]))]) } };
        });
        cases.push({
          labels: ["default"],
          body: [
            push([a("path"), str(".tag")], call("unknownVariant", index("value", str("tag")), allowed)),
            ret(as(as(a("value"), "unknown"), def.name)),
          ],
        });
        return [sig, block([notObject, checkKeys, switchStmt('value["tag"]', cases)])];
      }
    }
  }

  /** Expression encoding `value` (a decoded value of `type`) to its wire value. */
  encode(type: TypeExpr, value: Expr): Expr {
    if (this.table.passThrough(type)) return value;
    switch (type.kind) {
      case "primitive":
        return type.name === "Timestamp"
          ? call("encodeTimestamp", value)
          : type.name === "Uuid"
            ? call(`${(value as { text: string }).text}.toLowerCase`)
            : value;
      case "list": {
        const e = this.fresh("e");
        return call(`${(value as { text: string }).text}.map`, arrow(e, this.encode(type.element, a(e))));
      }
      case "map": {
        const e = this.fresh("e");
        return call("encodeMap", value, arrow(e, this.encode(type.value, a(e))));
      }
      case "optional":
        return cond(bin(value, "===", a("null")), a("null"), this.encode(type.inner, value));
      case "ref":
        return call(`encode${type.name}`, value);
    }
  }

  /** Statements building `out` from the fields of `value`; `lead` entries come first. */
  encodeFields(fields: readonly FieldDef[], lead: [string, Expr][]): Stmt[] {
    const required: [string, Expr][] = [...lead];
    const optional: Stmt[] = [];
    for (const field of fields) {
      const get = member(access("value", field.name));
      if (field.type.kind === "optional") {
        optional.push(
          ifStmt(
            bin(get, "!=", a("null")),
            assign(`out[${JSON.stringify(field.name)}]`, this.encode(field.type.inner, get)),
          ),
        );
      } else if (field.default !== undefined) {
        required.push([
          propKey(field.name),
          cond(isUndefined(get), jsonExpr(field.default), this.encode(field.type, get)),
        ]);
      } else {
        required.push([propKey(field.name), this.encode(field.type, get)]);
      }
    }
    if (optional.length === 0) return [ret(obj(required))];
    return [declare("const", "out", "Record<string, unknown>", obj(required)), ...optional, "return out;"];
  }

  encoder(def: TypeDef): Doc {
    this.reset();
    // A record without fields never reads its value (noUnusedParameters).
    const unused = def.kind === "record" && def.fields.length === 0;
    const head = (input: string): Doc => [
      `/** Encodes a \`${def.name}\` to its wire (JSON) value. */`,
      hardline,
      `export function encode${def.name}`,
      params([`${unused ? "_value" : "value"}: ${input}`], "unknown"),
      " ",
    ];
    switch (def.kind) {
      case "alias":
        return [head(def.name), block([ret(this.encode(def.type, a("value")))])];
      case "record":
        return [head(inputName(this.table, def.name)), block(this.encodeFields(def.fields, []))];
      case "enum": {
        if (!this.table.tagged(def)) return [head(def.name), block(["return value;"])];
        const cases = def.variants.map((v) => {
          const tag = JSON.stringify(v.name);
          if (v.fields.length === 0) return { labels: [tag], body: [ret(obj([["tag", str(v.name)]]))] };
          return { labels: [tag], body: { braced: block(this.encodeFields(v.fields, [["tag", str(v.name)]])) } };
        });
        return [head(def.name), block([switchStmt("value.tag", cases)])];
      }
    }
  }
}

/** Readers, decoders and encoders printed by earlier builds of a watch session (incremental emit). */
const readerFragments = new FragmentCache();
const decoderFragments = new FragmentCache();
const encoderFragments = new FragmentCache();

/** A reader's fragment: its names (listed when first asked for) end with its patterns', for the check in `reader`. */
class ReaderFragment implements Fragment {
  #names: string[] | undefined;
  constructor(
    readonly rendered: Rendered,
    readonly registered: readonly string[],
    readonly patterns: readonly string[],
  ) {}

  get text(): string {
    return this.rendered.text;
  }

  get names(): readonly string[] {
    return (this.#names ??= [...this.rendered.names, ...this.patterns]);
  }
}

/**
 * A reader from an earlier build, or printed now. Its text names the patterns it uses
 * (`PATTERN_<n>`, numbered by first use in the file): reused, they are registered again in the
 * same order, and if that numbers them differently the reader is printed again.
 */
function reader(gen: Generator, file: TsFile, def: TypeDef, inputs: () => FragmentInputs): string {
  let printed = false;
  const fragment = readerFragments.reuseOr(
    def,
    inputs,
    () => {
      printed = true;
      gen.used = [];
      const rendered = file.renderWithNames(gen.reader(def));
      const registered = gen.used;
      gen.used = undefined;
      return new ReaderFragment(
        rendered,
        registered,
        registered.map((source) => gen.pattern(source)),
      );
    },
    (kept) => {
      const names = kept.registered.map((source) => gen.pattern(source));
      return names.every((name, i) => name === kept.names[kept.names.length - names.length + i]);
    },
  );
  // Printed now, its names (the patterns' among them) are counted already (`renderWithNames`).
  if (!printed) file.useNames(fragment.names);
  return fragment.text;
}

/** A top-level statement for `def` from an earlier build, or printed now (`print`). */
function statement(
  cache: FragmentCache,
  file: TsFile,
  def: TypeDef,
  inputs: () => FragmentInputs,
  doc: () => Doc,
): void {
  let printed = false;
  const fragment: Fragment = cache.reuseOr(def, inputs, () => {
    printed = true;
    return file.renderWithNames(doc());
  });
  if (!printed) file.useNames(fragment.names);
  file.appendRendered(fragment.text);
}

export function validatorsFile(table: TypeTable, header: string, runtimeImport: string): string {
  const runtime = runtimeSubpath(runtimeImport, "validate");
  const gen = new Generator(table);
  const types = table.schema.types;
  const file = new TsFile(header).keptAs("validators.ts").module(runtime).module("./types.js", true);
  for (const name of RUNTIME_VALUES) file.importIfUsed(name, runtime);
  for (const name of ["Decoded", "Issue"]) file.importIfUsed(name, runtime, { type: true });
  // The client (and applications) take these from validators.ts.
  file.reexportTypes(["Decoded", "Issue"], runtime);
  const typeNames = new Set([
    "Bytes",
    "IsoDate",
    "JsonValue",
    "Uuid",
    ...types.map((t) => t.name),
    ...types.filter((t) => table.hasDefaults(t.name)).map((t) => `${t.name}Input`),
  ]);
  for (const name of typeNames) file.importIfUsed(name, "./types.js", { type: true });
  // Readers are generated first (they find the patterns, printed before everything else) and
  // printed at once, so no document of a large schema is held longer than its statement.
  const reachedOf = reachedTypesOnce(table.byName);
  const inputs = (def: TypeDef) => () => ({ reached: reachedOf(def) });
  const readers = types.map((def) => reader(gen, file, def, inputs(def)));
  if (gen.patterns.size > 0)
    file.print(
      join(
        hardline,
        [...gen.patterns].map(([source, name]) => declare("const", name, undefined, call("new RegExp", str(source)))),
      ),
    );
  for (const def of types)
    statement(
      decoderFragments,
      file,
      def,
      () => ({ reached: [] }),
      () => [
        `/** Decodes a \`${def.name}\` from parsed JSON, reporting every problem with its path. */`,
        hardline,
        `export function decode${def.name}`,
        params(["value: unknown"], `Decoded<${def.name}>`),
        " ",
        block([
          "const errors: Issue[] = [];",
          declare("const", "decoded", undefined, call(`read${def.name}`, a("value"), str("$"), a("errors"))),
          "return result(decoded, errors);",
        ]),
      ],
    );
  for (const def of types) statement(encoderFragments, file, def, inputs(def), () => gen.encoder(def));
  for (const text of readers) file.appendRendered(text);
  return file.toString();
}
