/**
 * Wire values for the agreement tests, straight from spec/wire-format.md: fast-check arbitraries
 * of JSON values every decoder must accept (all the allowed spellings: any-case UUIDs, `T`/`t`,
 * offsets, fractions, absent or null optionals and defaults, unknown keys, astral characters),
 * and, for one value slot, replacements that break exactly one rule.
 */
import fc from "fast-check";
import { exampleOfType } from "../src/schema/examples.js";
import { isTagged } from "../src/schema/query.js";
import type { Constraints, FieldDef, Schema, TypeDef, TypeExpr } from "../src/schema/types.js";

const MAX_DEPTH = 3;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const SAFE = Number.MAX_SAFE_INTEGER;

function merge(a: Constraints, b: Constraints): Constraints {
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = { ...a, ...b };
  const hi = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.max(x, y));
  const lo = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  out.minLength = hi(a.minLength, b.minLength);
  out.min = hi(a.min, b.min);
  out.minItems = hi(a.minItems, b.minItems);
  out.maxLength = lo(a.maxLength, b.maxLength);
  out.max = lo(a.max, b.max);
  out.maxItems = lo(a.maxItems, b.maxItems);
  for (const k of Object.keys(out) as (keyof Constraints)[]) if (out[k] === undefined) delete out[k];
  return out;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const daysIn = (y: number, m: number) =>
  [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

const dateArb = (minYear: number) =>
  fc
    .record({
      y: fc.integer({ min: minYear, max: 9999 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
    })
    .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(Math.min(d, daysIn(y, m)), 2)}`);

const timestampArb = fc
  .record({
    date: dateArb(0),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 9 }), {
      nil: undefined,
    }),
    t: fc.constantFrom("T", "t"),
    offset: fc.oneof(
      fc.constantFrom("Z", "z"),
      fc
        .record({
          sign: fc.constantFrom("+", "-"),
          h: fc.integer({ min: 0, max: 23 }),
          m: fc.integer({ min: 0, max: 59 }),
        })
        .map((o) => `${o.sign}${pad(o.h, 2)}:${pad(o.m, 2)}`),
    ),
  })
  .map(
    (p) =>
      `${p.date}${p.t}${pad(p.h, 2)}:${pad(p.mi, 2)}:${pad(p.s, 2)}${p.fraction === undefined ? "" : `.${p.fraction}`}${p.offset}`,
  );

const codePointLength = (s: string) => [...s].length;

function stringArb(c: Constraints): fc.Arbitrary<string> {
  const fits = (s: string) =>
    codePointLength(s) >= (c.minLength ?? 0) && codePointLength(s) <= (c.maxLength ?? Infinity);
  if (c.pattern !== undefined) return fc.stringMatching(new RegExp(c.pattern)).filter(fits);
  if (c.format === "email") {
    const word = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
      minLength: 1,
      maxLength: 8,
    });
    return fc
      .tuple(word, word, fc.constantFrom("com", "org", "io"))
      .map(([a, b, tld]) => `${a}@${b}.${tld}`)
      .filter(fits);
  }
  if (c.format === "url") {
    const word = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
      minLength: 1,
      maxLength: 8,
    });
    return fc
      .tuple(fc.constantFrom("http", "https"), word, word)
      .map(([s, host, path]) => `${s}://${host}.example/${path}`)
      .filter(fits);
  }
  const minLength = c.minLength ?? 0;
  const maxLength = Math.min(c.maxLength ?? 20, minLength + 20);
  // Any code point, astral ones included: lengths count code points, not UTF-16 units.
  return fc.string({
    unit: fc.oneof(
      fc.constantFrom("a", "é", "😀", " ", "\n"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    ),
    minLength,
    maxLength,
  });
}

/** A JSON value without the forbidden keys (their treatment inside `Json` is not specified). */
const jsonArb = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => JSON.parse(JSON.stringify(v), (k, x) => (FORBIDDEN.has(k) ? undefined : x)) as unknown);

export class WireValues {
  private readonly types = new Map<string, TypeDef>();
  constructor(readonly schema: Schema) {
    for (const t of schema.types) this.types.set(t.name, t);
  }

  def(name: string): TypeDef {
    return this.types.get(name)!;
  }

  /** Looks through aliases, collecting their constraints. */
  resolve(type: TypeExpr, c: Constraints): { type: TypeExpr; c: Constraints } {
    let t = type;
    let k = c;
    while (t.kind === "ref") {
      const d = this.def(t.name);
      if (d.kind !== "alias") break;
      k = merge(d.constraints, k);
      t = d.type;
    }
    return { type: t, c: k };
  }

  named(name: string): fc.Arbitrary<unknown> {
    return this.valid({ kind: "ref", name }, {}, 0);
  }

  valid(type: TypeExpr, constraints: Constraints, depth: number): fc.Arbitrary<unknown> {
    const { type: t, c } = this.resolve(type, constraints);
    switch (t.kind) {
      case "primitive":
        switch (t.name) {
          case "String":
            return stringArb(c);
          case "Int":
            return fc.integer({ min: Math.ceil(c.min ?? -SAFE), max: Math.floor(c.max ?? SAFE) });
          case "Float":
            return fc.double({ min: c.min ?? -1e300, max: c.max ?? 1e300, noNaN: true, noDefaultInfinity: true });
          case "Bool":
            return fc.boolean();
          case "Uuid":
            return fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
          case "Timestamp":
            return timestampArb;
          case "Date":
            return dateArb(0);
          case "Bytes":
            return fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b).toString("base64"));
          case "Json":
            return jsonArb;
        }
        break;
      case "list": {
        const min = c.minItems ?? 0;
        const max = depth >= MAX_DEPTH ? min : Math.min(c.maxItems ?? min + 3, min + 3);
        if (max === 0) return fc.constant([]);
        return fc.array(this.valid(t.element, {}, depth + 1), { minLength: min, maxLength: max });
      }
      case "map": {
        const min = c.minItems ?? 0;
        const max = depth >= MAX_DEPTH ? min : Math.min(c.maxItems ?? min + 3, min + 3);
        if (max === 0) return fc.constant({});
        return fc.dictionary(
          fc.string({ maxLength: 5 }).filter((k) => !FORBIDDEN.has(k)),
          this.valid(t.value, {}, depth + 1),
          { minKeys: min, maxKeys: max },
        );
      }
      case "optional":
        return depth >= MAX_DEPTH ? fc.constant(null) : fc.option(this.valid(t.inner, c, depth + 1), { nil: null });
      case "ref": {
        const d = this.def(t.name);
        if (d.kind === "record") return this.object(d.fields, depth);
        if (d.kind === "enum") {
          if (!isTagged(d)) return fc.constantFrom(...d.variants.map((v) => v.name));
          let variants = d.variants;
          if (depth >= MAX_DEPTH && variants.some((v) => v.fields.length === 0))
            variants = variants.filter((v) => v.fields.length === 0);
          return fc.oneof(...variants.map((v) => this.object(v.fields, depth).map((o) => ({ tag: v.name, ...o }))));
        }
      }
    }
    throw new Error(`no arbitrary for ${JSON.stringify(type)}`);
  }

  /** A JSON object for fields: optional and defaulted keys absent, null or set; sometimes an unknown key. */
  object(fields: readonly FieldDef[], depth: number): fc.Arbitrary<Record<string, unknown>> {
    const entries = fields.map((f) => {
      const inner = f.type.kind === "optional" ? f.type.inner : f.type;
      const mayOmit = f.type.kind === "optional" || f.default !== undefined;
      if (mayOmit && depth >= MAX_DEPTH) return fc.constant(undefined);
      const value = this.valid(inner, f.constraints, depth + 1).map((v) => [f.name, v] as [string, unknown]);
      const arb: fc.Arbitrary<[string, unknown] | undefined> = mayOmit
        ? fc.oneof(fc.constant(undefined), fc.constant([f.name, null] as [string, unknown]), value)
        : value;
      return arb;
    });
    const extra = fc.option(fc.tuple(fc.constantFrom("unknown_key", "extra"), jsonArb), { nil: undefined });
    return fc.tuple(fc.tuple(...entries), extra).map(([pairs, more]) => {
      const out: Record<string, unknown> = {};
      for (const p of pairs) if (p) out[p[0]] = p[1];
      if (more && !fields.some((f) => f.name === more[0])) out[more[0]] = more[1];
      return out;
    });
  }

  /** Bad values for a record field: `null` is fine for optional and defaulted fields. */
  fieldViolations(f: FieldDef, depth = 0): [string, unknown][] {
    const inner = f.type.kind === "optional" ? f.type.inner : f.type;
    const nullable = f.type.kind === "optional" || f.default !== undefined;
    return this.violations(inner, f.constraints, depth).filter(([, v]) => !(nullable && v === null));
  }

  /** A valid value of a slot's type, for building invalid containers. */
  sample(type: TypeExpr, c: Constraints): unknown {
    return exampleOfType(this.schema, type, c) ?? null;
  }

  /**
   * Replacements for a value of `type` (optional stripped) that break one rule each, labelled
   * by the rule's kind.
   */
  violations(type: TypeExpr, constraints: Constraints, depth = 0): [string, unknown][] {
    const { type: t, c } = this.resolve(type, constraints);
    const out: [string, unknown][] = [];
    const wrongType = (v: unknown) => out.push(["wrong type", v]);
    switch (t.kind) {
      case "primitive":
        switch (t.name) {
          case "String": {
            wrongType(42);
            wrongType(null);
            if (c.minLength !== undefined && c.minLength > 0) out.push(["length", "😀".repeat(c.minLength - 1)]);
            if (c.maxLength !== undefined) out.push(["length", "😀".repeat(c.maxLength + 1)]);
            if (c.pattern !== undefined) {
              const re = new RegExp(c.pattern);
              const miss = ["", "!", " ", "A", "a", "0", "!!!!!!!!", "\u0000", "😀".repeat(30)].find(
                (s) => !re.test(s),
              );
              if (miss !== undefined) out.push(["pattern", miss]);
            }
            if (c.format === "email") out.push(["format", "not-an-email"]);
            if (c.format === "url") out.push(["format", "not a url"]);
            break;
          }
          case "Int":
            wrongType("1");
            out.push(["wrong type", 1.5], ["range", 2 ** 53], ["range", -(2 ** 53)]);
            if (c.min !== undefined) out.push(["range", Math.ceil(c.min) - 1]);
            if (c.max !== undefined) out.push(["range", Math.floor(c.max) + 1]);
            break;
          case "Float":
            wrongType("0.5");
            wrongType(true);
            if (c.min !== undefined) out.push(["range", c.min - 0.5]);
            if (c.max !== undefined) out.push(["range", c.max + 0.5]);
            break;
          case "Bool":
            wrongType("true");
            wrongType(1);
            break;
          case "Uuid":
            wrongType(1);
            out.push(
              ["format", "not-a-uuid"],
              ["format", "urn:uuid:123e4567-e89b-12d3-a456-426614174000"],
              ["format", "123e4567e89b12d3a456426614174000"],
              ["format", "123e4567-e89b-12d3-a456-42661417400g"],
            );
            break;
          case "Timestamp":
            wrongType(1709622489123);
            out.push(
              ["format", "2024-03-05 07:08:09Z"],
              ["format", "2024-03-05T07:08:09"],
              ["format", "2024-02-30T07:08:09Z"],
              ["format", "2016-12-31T23:59:60Z"],
              ["format", "2024-03-05T24:00:00Z"],
              ["format", "2024-03-05T07:08:09+24:00"],
              ["format", "2024-03-05T07:08:09.Z"],
              ["format", "2024-03-05"],
            );
            break;
          case "Date":
            wrongType(20240305);
            out.push(
              ["format", "2024-02-30"],
              ["format", "2023-02-29"],
              ["format", "2024-3-5"],
              ["format", "2024-03-05T00:00:00Z"],
            );
            break;
          case "Bytes":
            wrongType([1, 2]);
            out.push(
              ["format", "aGFtbGV0="],
              ["format", "YR=="],
              ["format", "aGFt bGV0"],
              ["format", "aGFtbGV0\n"],
              ["format", "aGFtbGV0-_"],
            );
            break;
          case "Json":
            break;
        }
        break;
      case "list": {
        wrongType({});
        wrongType("[]");
        const item = this.sample(t.element, {});
        if (c.minItems !== undefined && c.minItems > 0)
          out.push(["items", Array.from({ length: c.minItems - 1 }, () => item)]);
        if (c.maxItems !== undefined) out.push(["items", Array.from({ length: c.maxItems + 1 }, () => item)]);
        if (depth < 2)
          for (const [kind, bad] of this.violations(t.element, {}, depth + 1)) out.push([`element ${kind}`, [bad]]);
        break;
      }
      case "map": {
        wrongType([]);
        const item = this.sample(t.value, {});
        const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, item]));
        if (c.minItems !== undefined && c.minItems > 0) out.push(["items", entries(c.minItems - 1)]);
        if (c.maxItems !== undefined) out.push(["items", entries(c.maxItems + 1)]);
        out.push(
          ["forbidden key", JSON.parse(`{"__proto__": ${JSON.stringify(item)}}`)],
          ["forbidden key", { constructor: item }],
        );
        if (depth < 2)
          for (const [kind, bad] of this.violations(t.value, {}, depth + 1)) out.push([`value ${kind}`, { k: bad }]);
        break;
      }
      case "optional":
        return this.violations(t.inner, c, depth).filter(([, v]) => v !== null);
      case "ref": {
        const d = this.def(t.name);
        if (d.kind === "enum" && !isTagged(d)) {
          wrongType({ tag: d.variants[0]!.name });
          out.push(["enum tag", "Nope"], ["enum tag", d.variants[0]!.name.toLowerCase()]);
          break;
        }
        wrongType("x");
        wrongType([]);
        const base = this.sample(t, {}) as Record<string, unknown>;
        let fields: readonly FieldDef[] = [];
        if (d.kind === "record") fields = d.fields;
        if (d.kind === "enum") {
          out.push(["enum tag", { ...base, tag: "Nope" }]);
          const { tag: _tag, ...rest } = base;
          out.push(["missing required", rest]);
          fields = d.variants.find((v) => v.name === base.tag)!.fields;
        }
        out.push(
          ["forbidden key", { ...base, constructor: 1 }],
          ["forbidden key", JSON.parse(`{"__proto__": 1, ${JSON.stringify(base).slice(1)}`.replace(", }", "}"))],
        );
        for (const f of fields) {
          if (f.type.kind !== "optional" && f.default === undefined) {
            const { [f.name]: _gone, ...rest } = base;
            out.push(["missing required", rest]);
          }
          if (depth < 2) {
            for (const [kind, bad] of this.fieldViolations(f, depth + 1))
              out.push([`${f.name}: ${kind}`, { ...base, [f.name]: bad }]);
          }
        }
        break;
      }
    }
    return out;
  }
}
