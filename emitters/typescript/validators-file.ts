/**
 * `validators.ts`: straight-line decoders (`decodeX(value: unknown)`) and encoders (`encodeX`)
 * for every schema type. Each type gets a `readX(value, path, errors)` function whose body checks
 * exactly that type's fields and constraints; nothing interprets the schema at run time.
 */
import { plural } from "../../src/check/constraint-check.js";
import { TOP_LEVEL_BREAK } from "../../src/emit/format-typescript.js";
import type { Constraints, FieldDef, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { access, constraintKind, decodedLiteral, propKey, tsType, type TypeTable } from "./model.js";
import { inputName } from "./types-file.js";
import { VALIDATORS_PRELUDE } from "./validators-prelude.js";

interface Piece {
  readonly code: string[];
  /** Expression of the decoded value (valid only when no issue was pushed). */
  readonly out: string;
}

const push = (path: string, message: string): string => `errors.push({ path: ${path}, message: ${message} });`;
const lit = (text: string): string => JSON.stringify(text);

class Generator {
  private counter = 0;
  readonly patterns = new Map<string, string>();
  constructor(readonly table: TypeTable) {}

  reset(): void {
    this.counter = 0;
  }
  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }
  pattern(source: string): string {
    let name = this.patterns.get(source);
    if (!name) {
      name = `PATTERN_${this.patterns.size}`;
      this.patterns.set(source, name);
    }
    return name;
  }

  stringChecks(c: Constraints, s: string, path: string): string[] {
    const code: string[] = [];
    if (c.minLength !== undefined || c.maxLength !== undefined) {
      // A string of L UTF-16 units has between ceil(L/2) and L code points: count them only
      // when the unit length cannot decide.
      const n = this.fresh("n");
      const undecided: string[] = [];
      if (c.minLength !== undefined && c.minLength > 0) undecided.push(`${s}.length < ${c.minLength * 2}`);
      if (c.maxLength !== undefined) undecided.push(`${s}.length > ${c.maxLength}`);
      const checks: string[] = [];
      if (c.minLength !== undefined && c.minLength > 0)
        checks.push(
          `if (${n} < ${c.minLength}) ${push(path, lit(`expected at least ${plural(c.minLength, "character")}`))}`,
        );
      if (c.maxLength !== undefined)
        checks.push(
          `if (${n} > ${c.maxLength}) ${push(path, lit(`expected at most ${plural(c.maxLength, "character")}`))}`,
        );
      if (undecided.length > 0)
        code.push(`if (${undecided.join(" || ")}) {`, `const ${n} = codePoints(${s});`, ...checks, `}`);
    }
    if (c.pattern !== undefined)
      code.push(
        `if (!${this.pattern(c.pattern)}.test(${s})) ${push(path, lit(`expected to match pattern ${c.pattern}`))}`,
      );
    if (c.format === "email") code.push(`if (!EMAIL_RE.test(${s})) ${push(path, lit("expected an email address"))}`);
    if (c.format === "url") code.push(`if (!isUrl(${s})) ${push(path, lit("expected a URL"))}`);
    return code;
  }

  numberChecks(c: Constraints, v: string, path: string): string[] {
    const code: string[] = [];
    if (c.min !== undefined) code.push(`if (${v} < ${c.min}) ${push(path, lit(`expected at least ${c.min}`))}`);
    if (c.max !== undefined) code.push(`if (${v} > ${c.max}) ${push(path, lit(`expected at most ${c.max}`))}`);
    return code;
  }

  itemChecks(c: Constraints, count: string, path: string): string[] {
    const code: string[] = [];
    if (c.minItems !== undefined)
      code.push(`if (${count} < ${c.minItems}) ${push(path, lit(`expected at least ${plural(c.minItems, "item")}`))}`);
    if (c.maxItems !== undefined)
      code.push(`if (${count} > ${c.maxItems}) ${push(path, lit(`expected at most ${plural(c.maxItems, "item")}`))}`);
    return code;
  }

  /** Code that checks `raw` (an identifier of type unknown) against `type` and `c`. */
  value(type: TypeExpr, c: Constraints, raw: string, path: string): Piece {
    switch (type.kind) {
      case "primitive":
        return this.primitive(type.name, c, raw, path);
      case "list": {
        const v = this.fresh("v");
        const i = this.fresh("i");
        const e = this.fresh("e");
        const inner = this.value(type.element, {}, e, `${path} + "[" + ${i} + "]"`);
        return {
          code: [
            `const ${v}: ${tsType(type)} = [];`,
            `if (!Array.isArray(${raw})) ${push(path, lit("expected a list"))}`,
            `else {`,
            ...this.itemChecks(c, `${raw}.length`, path),
            `for (let ${i} = 0; ${i} < ${raw}.length; ${i}++) {`,
            `const ${e}: unknown = ${raw}[${i}];`,
            ...inner.code,
            `${v}.push(${inner.out});`,
            `}`,
            `}`,
          ],
          out: v,
        };
      }
      case "map": {
        const v = this.fresh("v");
        const k = this.fresh("key");
        const e = this.fresh("e");
        const keys = this.fresh("keys");
        const inner = this.value(type.value, {}, e, `${path} + "[" + JSON.stringify(${k}) + "]"`);
        return {
          code: [
            `const ${v} = Object.create(null) as ${tsType(type)};`,
            `if (!isObject(${raw})) ${push(path, lit("expected an object"))}`,
            `else {`,
            `const ${keys} = Object.keys(${raw});`,
            ...this.itemChecks(c, `${keys}.length`, path),
            `for (const ${k} of ${keys}) {`,
            `if (isForbiddenKey(${k})) {`,
            push(path, `"forbidden key " + JSON.stringify(${k})`),
            `continue;`,
            `}`,
            `const ${e} = ${raw}[${k}];`,
            ...inner.code,
            `${v}[${k}] = ${inner.out};`,
            `}`,
            `}`,
          ],
          out: v,
        };
      }
      case "optional": {
        const v = this.fresh("v");
        const inner = this.value(type.inner, c, raw, path);
        return {
          code: [
            `let ${v}: ${tsType(type)} = null;`,
            `if (${raw} !== null) {`,
            ...inner.code,
            `${v} = ${inner.out};`,
            `}`,
          ],
          out: v,
        };
      }
      case "ref": {
        const v = this.fresh("v");
        const code = [`const ${v} = read${type.name}(${raw}, ${path}, errors);`];
        const kind = constraintKind(this.table, type);
        if (kind === "string") {
          const checks = this.stringChecks(c, v, path);
          if (checks.length) code.push(`if (typeof ${v} === "string") {`, ...checks, `}`);
        } else if (kind === "number") {
          const checks = this.numberChecks(c, v, path);
          if (checks.length) code.push(`if (typeof ${v} === "number") {`, ...checks, `}`);
        } else if (kind === "items") {
          const resolved = this.table.resolve(type);
          if (resolved.kind === "list") {
            const checks = this.itemChecks(c, `${v}.length`, path);
            if (checks.length) code.push(`if (Array.isArray(${v})) {`, ...checks, `}`);
          } else {
            const checks = this.itemChecks(c, `Object.keys(${v}).length`, path);
            if (checks.length) code.push(`if (isObject(${v})) {`, ...checks, `}`);
          }
        }
        return { code, out: v };
      }
    }
  }

  primitive(name: string, c: Constraints, raw: string, path: string): Piece {
    const guarded = (test: string, message: string, checks: string[], out: string): Piece => ({
      code: checks.length
        ? [`if (${test}) ${push(path, lit(message))}`, `else {`, ...checks, `}`]
        : [`if (${test}) ${push(path, lit(message))}`],
      out,
    });
    switch (name) {
      case "String":
        return guarded(
          `typeof ${raw} !== "string"`,
          "expected a string",
          this.stringChecks(c, raw, path),
          `${raw} as string`,
        );
      case "Int":
        return {
          code: [
            `if (typeof ${raw} !== "number" || !Number.isInteger(${raw})) ${push(path, lit("expected an integer"))}`,
            `else if (!Number.isSafeInteger(${raw})) ${push(path, lit("expected an integer between -9007199254740991 and 9007199254740991"))}`,
            ...(() => {
              const checks = this.numberChecks(c, raw, path);
              return checks.length ? [`else {`, ...checks, `}`] : [];
            })(),
          ],
          out: `${raw} as number`,
        };
      case "Float":
        return guarded(
          `typeof ${raw} !== "number" || !Number.isFinite(${raw})`,
          "expected a number",
          this.numberChecks(c, raw, path),
          `${raw} as number`,
        );
      case "Bool":
        return guarded(`typeof ${raw} !== "boolean"`, "expected a boolean", [], `${raw} as boolean`);
      case "Uuid": {
        const v = this.fresh("v");
        return {
          code: [
            `let ${v}: Uuid | undefined;`,
            `if (typeof ${raw} === "string" && UUID_LOWER_RE.test(${raw})) ${v} = ${raw} as Uuid;`,
            `else if (typeof ${raw} === "string" && UUID_RE.test(${raw})) ${v} = ${raw}.toLowerCase() as Uuid;`,
            `else ${push(path, lit("expected a UUID"))}`,
          ],
          out: `${v} as Uuid`,
        };
      }
      case "Timestamp": {
        const v = this.fresh("v");
        return {
          code: [
            `const ${v} = typeof ${raw} === "string" ? parseTimestamp(${raw}) : undefined;`,
            `if (${v} === undefined) ${push(path, lit("expected an RFC 3339 timestamp"))}`,
          ],
          out: `${v} as Date`,
        };
      }
      case "Date":
        return guarded(
          `typeof ${raw} !== "string" || !isCalendarDate(${raw})`,
          "expected a date (YYYY-MM-DD)",
          [],
          `${raw} as IsoDate`,
        );
      case "Bytes":
        return guarded(
          `typeof ${raw} !== "string" || !BASE64_RE.test(${raw})`,
          "expected canonical base64",
          [],
          `${raw} as Bytes`,
        );
      case "Json":
        return { code: [], out: `${raw} as JsonValue` };
      default:
        throw new Error(`unknown primitive ${name}`);
    }
  }

  /** Reads the fields of a record or variant from `input`; returns the object literal entries. */
  fields(fields: readonly FieldDef[], input: string): { code: string[]; entries: string[] } {
    const code: string[] = [];
    const entries: string[] = [];
    for (const field of fields) {
      const raw = this.fresh("r");
      const f = this.fresh("f");
      const path = `path + ${lit(`.${field.name}`)}`;
      code.push(`const ${raw} = ${access(input, field.name)};`);
      if (field.type.kind === "optional") {
        const inner = this.value(field.type.inner, field.constraints, raw, path);
        code.push(
          `let ${f}: ${tsType(field.type.inner)} | undefined;`,
          `if (${raw} !== undefined && ${raw} !== null) {`,
          ...inner.code,
          `${f} = ${inner.out};`,
          `}`,
        );
        entries.push(`${propKey(field.name)}: ${f}`);
      } else {
        const t = tsType(field.type);
        const inner = this.value(field.type, field.constraints, raw, path);
        code.push(`let ${f}: ${t} | undefined;`);
        if (field.default !== undefined) {
          code.push(
            `if (${raw} === undefined || ${raw} === null) ${f} = ${decodedLiteral(this.table, field.type, field.default)};`,
          );
        } else {
          code.push(`if (${raw} === undefined) ${push(path, lit("is required"))}`);
        }
        code.push(`else {`, ...inner.code, `${f} = ${inner.out};`, `}`);
        entries.push(`${propKey(field.name)}: ${f} as ${t}`);
      }
    }
    return { code, entries };
  }

  reader(def: TypeDef): string {
    this.reset();
    const sig = `function read${def.name}(value: unknown, path: string, errors: Issue[]): ${def.name}`;
    switch (def.kind) {
      case "alias": {
        const piece = this.value(def.type, def.constraints, "value", "path");
        return `${sig} {\n${piece.code.join("\n")}\nreturn ${piece.out};\n}`;
      }
      case "record": {
        const { code, entries } = this.fields(def.fields, "value");
        return `${sig} {
if (!isObject(value)) {
${push("path", lit("expected an object"))}
return value as unknown as ${def.name};
}
checkKeys(value, path, errors);
${code.join("\n")}
return { ${entries.join(", ")} };
}`;
      }
      case "enum": {
        const allowed = lit(def.variants.map((v) => v.name).join(", "));
        if (!this.table.tagged(def)) {
          return `${sig} {
switch (value) {
${def.variants.map((v) => `case ${lit(v.name)}:`).join("\n")}
return value;
}
errors.push({ path, message: unknownVariant(value, ${allowed}) });
return value as ${def.name};
}`;
        }
        const cases = def.variants.map((v) => {
          this.reset();
          if (v.fields.length === 0) return `case ${lit(v.name)}:\nreturn { tag: ${lit(v.name)} };`;
          const { code, entries } = this.fields(v.fields, "value");
          return `case ${lit(v.name)}: {\n${code.join("\n")}\nreturn { tag: ${lit(v.name)}, ${entries.join(", ")} };\n}`;
        });
        return `${sig} {
if (!isObject(value)) {
${push("path", lit("expected an object"))}
return value as unknown as ${def.name};
}
checkKeys(value, path, errors);
switch (value.tag) {
${cases.join("\n")}
default:
errors.push({ path: path + ".tag", message: unknownVariant(value.tag, ${allowed}) });
return value as unknown as ${def.name};
}
}`;
      }
    }
  }

  /** Expression encoding `expr` (a decoded value of `type`) to its wire value. */
  encode(type: TypeExpr, expr: string): string {
    if (this.table.passThrough(type)) return expr;
    switch (type.kind) {
      case "primitive":
        return type.name === "Timestamp"
          ? `encodeTimestamp(${expr})`
          : type.name === "Uuid"
            ? `${expr}.toLowerCase()`
            : expr;
      case "list": {
        const e = this.fresh("e");
        return `${expr}.map((${e}) => ${this.encode(type.element, e)})`;
      }
      case "map": {
        const e = this.fresh("e");
        return `encodeMap(${expr}, (${e}) => ${this.encode(type.value, e)})`;
      }
      case "optional":
        return `${expr} === null ? null : ${this.encode(type.inner, expr)}`;
      case "ref":
        return `encode${type.name}(${expr})`;
    }
  }

  /** Statements building `out` from the fields of `value`; `lead` entries come first. */
  encodeFields(fields: readonly FieldDef[], lead: string[]): string {
    const required = [...lead];
    const optional: string[] = [];
    for (const field of fields) {
      const get = access("value", field.name);
      if (field.type.kind === "optional") {
        optional.push(`if (${get} != null) out[${lit(field.name)}] = ${this.encode(field.type.inner, get)};`);
      } else if (field.default !== undefined) {
        required.push(
          `${propKey(field.name)}: ${get} === undefined ? ${JSON.stringify(field.default)} : ${this.encode(field.type, get)}`,
        );
      } else {
        required.push(`${propKey(field.name)}: ${this.encode(field.type, get)}`);
      }
    }
    if (optional.length === 0) return `return { ${required.join(", ")} };`;
    return `const out: Record<string, unknown> = { ${required.join(", ")} };\n${optional.join("\n")}\nreturn out;`;
  }

  encoder(def: TypeDef): string {
    this.reset();
    const doc = `/** Encodes a \`${def.name}\` to its wire (JSON) value. */\n`;
    switch (def.kind) {
      case "alias":
        return `${doc}export function encode${def.name}(value: ${def.name}): unknown {\nreturn ${this.encode(def.type, "value")};\n}`;
      case "record":
        return `${doc}export function encode${def.name}(value: ${inputName(this.table, def.name)}): unknown {\n${this.encodeFields(def.fields, [])}\n}`;
      case "enum": {
        if (!this.table.tagged(def))
          return `${doc}export function encode${def.name}(value: ${def.name}): unknown {\nreturn value;\n}`;
        const cases = def.variants.map((v) => {
          if (v.fields.length === 0) return `case ${lit(v.name)}:\nreturn { tag: ${lit(v.name)} };`;
          return `case ${lit(v.name)}: {\n${this.encodeFields(v.fields, [`tag: ${lit(v.name)}`])}\n}`;
        });
        return `${doc}export function encode${def.name}(value: ${def.name}): unknown {\nswitch (value.tag) {\n${cases.join("\n")}\n}\n}`;
      }
    }
  }
}

export const ENCODE_MAP = `
function encodeMap<T>(value: Record<string, T>, encode: (item: T) => unknown): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) if (!isForbiddenKey(key)) out[key] = encode(value[key] as T);
  return out;
}
`;

export function validatorsFile(table: TypeTable, header: string): string {
  const gen = new Generator(table);
  const types = table.schema.types;
  const readers = types.map((def) => gen.reader(def));
  const decoders = types.map(
    (def) => `/** Decodes a \`${def.name}\` from parsed JSON, reporting every problem with its path. */
export function decode${def.name}(value: unknown): Decoded<${def.name}> {
const errors: Issue[] = [];
const decoded = read${def.name}(value, "$", errors);
return result(decoded, errors);
}`,
  );
  const encoders = types.map((def) => gen.encoder(def));
  const typeNames = [
    "Bytes",
    "IsoDate",
    "JsonValue",
    "Uuid",
    ...types.map((t) => t.name),
    ...types.filter((t) => table.hasDefaults(t.name)).map((t) => `${t.name}Input`),
  ];
  const patterns = [...gen.patterns].map(([source, name]) => `const ${name} = new RegExp(${lit(source)});`);
  return `${header}import type { ${typeNames.join(", ")} } from "./types.js";
${VALIDATORS_PRELUDE}${ENCODE_MAP}
${patterns.join("\n")}${TOP_LEVEL_BREAK}${[...decoders, ...encoders, ...readers].join(TOP_LEVEL_BREAK)}
`;
}
