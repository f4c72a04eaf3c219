/**
 * fast-check arbitraries of decoded TypeScript values (what `decodeX` returns), derived from the
 * checked schema IR and satisfying every constraint. Recursive types are cut off at a small depth
 * by choosing empty lists, absent optionals and payload-free variants.
 */
import fc from "fast-check";
import type { Constraints, EnumDef, FieldDef, Schema, TypeDef, TypeExpr } from "../../src/schema/types.js";

const MAX_DEPTH = 3;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

function codePoints(s: string): number {
  return [...s].length;
}

export class ArbitraryBuilder {
  private readonly types = new Map<string, TypeDef>();
  constructor(readonly schema: Schema) {
    for (const t of schema.types) this.types.set(t.name, t);
  }

  private def(name: string): TypeDef {
    const d = this.types.get(name);
    if (!d) throw new Error(`unknown type ${name}`);
    return d;
  }

  tagged(def: EnumDef): boolean {
    return (
      !def.plain || (def.origin.kind === "part" && (def.origin.role === "errors" || def.origin.role === "messages"))
    );
  }

  /** Arbitrary of the named type. */
  named(name: string, depth = 0): fc.Arbitrary<unknown> {
    return this.of({ kind: "ref", name }, {}, depth);
  }

  of(type: TypeExpr, c: Constraints, depth: number): fc.Arbitrary<unknown> {
    switch (type.kind) {
      case "primitive":
        return this.primitive(type.name, c);
      case "list": {
        const min = c.minItems ?? 0;
        const max = depth >= MAX_DEPTH ? min : Math.max(min, Math.min(c.maxItems ?? 4, min + 4));
        if (max === 0) return fc.constant([]);
        return fc.array(this.of(type.element, {}, depth + 1), { minLength: min, maxLength: max });
      }
      case "map": {
        const min = c.minItems ?? 0;
        const max = depth >= MAX_DEPTH ? min : Math.max(min, Math.min(c.maxItems ?? 3, min + 3));
        if (max === 0) return fc.constant({});
        return fc.dictionary(
          fc.string({ maxLength: 6 }).filter((k) => !FORBIDDEN.has(k)),
          this.of(type.value, {}, depth + 1),
          { minKeys: min, maxKeys: max },
        );
      }
      case "optional":
        return depth >= MAX_DEPTH ? fc.constant(null) : fc.option(this.of(type.inner, c, depth + 1), { nil: null });
      case "ref": {
        const def = this.def(type.name);
        switch (def.kind) {
          case "alias":
            return this.of(def.type, merge(def.constraints, c), depth);
          case "record":
            return this.fields(def.fields, depth);
          case "enum": {
            if (!this.tagged(def)) return fc.constantFrom(...def.variants.map((v) => v.name));
            let variants = def.variants;
            if (depth >= MAX_DEPTH && variants.some((v) => v.fields.length === 0))
              variants = variants.filter((v) => v.fields.length === 0);
            return fc.oneof(
              ...variants.map((v) => this.fields(v.fields, depth).map((fields) => ({ tag: v.name, ...fields }))),
            );
          }
        }
      }
    }
  }

  fields(fields: readonly FieldDef[], depth: number): fc.Arbitrary<Record<string, unknown>> {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) {
      if (f.type.kind === "optional") {
        shape[f.name] =
          depth >= MAX_DEPTH
            ? fc.constant(undefined)
            : fc.option(this.of(f.type.inner, f.constraints, depth + 1), { nil: undefined });
      } else {
        shape[f.name] = this.of(f.type, f.constraints, depth + 1);
      }
    }
    return fc.record(shape);
  }

  primitive(name: string, c: Constraints): fc.Arbitrary<unknown> {
    switch (name) {
      case "String":
        return stringArbitrary(c);
      case "Int": {
        const min = c.min ?? Number.MIN_SAFE_INTEGER;
        const max = c.max ?? Number.MAX_SAFE_INTEGER;
        return fc.oneof(
          fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 1000) }),
          fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
        );
      }
      case "Float":
        return fc
          .double({ min: c.min ?? -1e300, max: c.max ?? 1e300, noNaN: true, noDefaultInfinity: true })
          .map((x) => (Object.is(x, -0) ? 0 : x));
      case "Bool":
        return fc.boolean();
      case "Uuid":
        return fc.uuid().map((u) => u.toLowerCase());
      case "Timestamp":
        return fc.date({
          min: new Date("0001-01-01T00:00:00.000Z"),
          max: new Date("9999-12-31T23:59:59.999Z"),
          noInvalidDate: true,
        });
      case "Date":
        return fc
          .date({
            min: new Date("0000-01-01T00:00:00.000Z"),
            max: new Date("9999-12-31T00:00:00.000Z"),
            noInvalidDate: true,
          })
          .map((d) => d.toISOString().slice(0, 10));
      case "Bytes":
        return fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString("base64"));
      case "Json":
        return fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
      default:
        throw new Error(`unknown primitive ${name}`);
    }
  }
}

/** Field constraints on top of an alias's own: the tighter bound wins. */
function merge(a: Constraints, b: Constraints): Constraints {
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = { ...a, ...b };
  const max = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.max(x, y));
  const min = (x?: number, y?: number) => (x === undefined ? y : y === undefined ? x : Math.min(x, y));
  const lo = ["minLength", "min", "minItems"] as const;
  const hi = ["maxLength", "max", "maxItems"] as const;
  for (const k of lo) {
    const v = max(a[k], b[k]);
    if (v !== undefined) out[k] = v;
  }
  for (const k of hi) {
    const v = min(a[k], b[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function stringArbitrary(c: Constraints): fc.Arbitrary<string> {
  const minLength = c.minLength ?? 0;
  const maxLength = Math.min(c.maxLength ?? 30, minLength + 30);
  const fits = (s: string) => {
    const n = codePoints(s);
    return n >= minLength && n <= (c.maxLength ?? Infinity);
  };
  let base: fc.Arbitrary<string>;
  if (c.format === "email") {
    const word = fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"),
      minLength: 1,
      maxLength: 8,
    });
    base = fc
      .tuple(word, word, fc.constantFrom("com", "org", "io"))
      .map(([a, b, tld]) => `${a}@${b}.${tld}`)
      .filter((s) => EMAIL_RE.test(s));
  } else if (c.format === "url") {
    base = fc.webUrl({ validSchemes: ["http", "https"] });
  } else if (c.pattern !== undefined) {
    base = fc.stringMatching(new RegExp(c.pattern));
  } else {
    return fc.string({ unit: "binary", minLength, maxLength });
  }
  if (c.pattern !== undefined && c.format !== undefined) {
    const re = new RegExp(c.pattern);
    base = base.filter((s) => re.test(s));
  }
  return base.filter(fits);
}
