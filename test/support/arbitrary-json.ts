/**
 * fast-check arbitraries of valid wire JSON (spec/wire-format.md) for any type of a checked
 * `Schema`, honoring constraints, and the normal form a conforming encoder writes back.
 *
 * - Strings: any Unicode code points within `@length`; `@pattern` strings come from
 *   `fc.stringMatching` (filtered by length); `@format(email|url)` strings from small lists of
 *   addresses both the Elm and the TypeScript checks accept.
 * - Optional fields and fields with defaults are sometimes absent, sometimes `null`.
 * - Records sometimes carry an unknown key (`zz_unknown`), which decoders must ignore.
 * - Recursion: after `maxDepth` steps through named types, optional fields are absent, lists and
 *   maps minimal, and enums pick variants that end the recursion.
 * - Timestamps are years 1000–8999 with random offsets, `T`/`t`, 0–6 fraction digits; UUIDs in
 *   mixed case; Bytes any bytes in canonical base64; Json any JSON value.
 */
import fc from "fast-check";
import type { Constraints, FieldDef, JsonValue, Schema, TypeDef, TypeExpr } from "../../src/schema/types.js";

const ABSENT = Symbol("absent");
type Wire = unknown;

const EMAILS = [
  "ada@example.com",
  "a.b+c@mail.example.org",
  "x_y@sub.domain.io",
  "bob@host.co",
  "long.name-1@example.net",
];
const URLS = [
  "https://example.com",
  "http://a.example.org/path?q=1#frag",
  "https://x.io/a/b",
  "http://localhost:8080/",
];

export interface WireOptions {
  readonly maxDepth?: number;
}

function hasRef(t: TypeExpr): boolean {
  if (t.kind === "ref") return true;
  if (t.kind === "list") return hasRef(t.element);
  if (t.kind === "map") return hasRef(t.value);
  if (t.kind === "optional") return hasRef(t.inner);
  return false;
}

function refsOf(def: TypeDef): string[] {
  const out: string[] = [];
  const walk = (t: TypeExpr): void => {
    if (t.kind === "ref") out.push(t.name);
    else if (t.kind === "list") walk(t.element);
    else if (t.kind === "map") walk(t.value);
    else if (t.kind === "optional") walk(t.inner);
  };
  if (def.kind === "alias") walk(def.type);
  else if (def.kind === "record") def.fields.forEach((f) => walk(f.type));
  else def.variants.forEach((v) => v.fields.forEach((f) => walk(f.type)));
  return out;
}

export class WireArbitraries {
  private readonly types: Map<string, TypeDef>;
  private readonly memo = new Map<string, fc.Arbitrary<Wire>>();
  private readonly maxDepth: number;

  constructor(
    readonly schema: Schema,
    options: WireOptions = {},
  ) {
    this.types = new Map(schema.types.map((t) => [t.name, t]));
    this.maxDepth = options.maxDepth ?? 3;
  }

  /** Valid wire JSON for the named type. */
  named(name: string): fc.Arbitrary<Wire> {
    return this.ref(name, this.maxDepth);
  }

  private ref(name: string, depth: number): fc.Arbitrary<Wire> {
    const key = `${name}@${Math.max(depth, 0)}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    const def = this.types.get(name);
    if (!def) throw new Error(`unknown type ${name}`);
    // Tie the knot lazily so building the arbitrary itself never loops.
    let built: fc.Arbitrary<Wire> | undefined;
    const arb = fc.constant(null).chain(() => (built ??= this.definition(def, depth - 1)));
    this.memo.set(key, arb);
    return arb;
  }

  private definition(def: TypeDef, depth: number): fc.Arbitrary<Wire> {
    switch (def.kind) {
      case "alias":
        return this.expr(def.type, def.constraints, depth);
      case "record":
        return this.object(def.fields, depth);
      case "enum": {
        let variants = def.variants;
        if (depth <= 0) {
          const ending = variants.filter((v) =>
            v.fields.every((f) => f.type.kind !== "ref" || !this.recursive(f.type.name)),
          );
          if (ending.length > 0) variants = ending;
        }
        const tagged =
          !def.plain ||
          (def.origin.kind === "part" && (def.origin.role === "errors" || def.origin.role === "messages"));
        if (!tagged) return fc.constantFrom(...variants.map((v) => v.name));
        return fc.oneof(
          ...variants.map((v) =>
            this.object(v.fields, depth).map((o) => ({ tag: v.name, ...(o as Record<string, Wire>) })),
          ),
        );
      }
    }
  }

  /** Is the named type part of a cycle (can it contain itself)? */
  private recursive(name: string): boolean {
    const seen = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const def = this.types.get(stack.pop()!);
      if (!def) continue;
      for (const next of refsOf(def)) {
        if (next === name) return true;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }

  private object(fields: readonly FieldDef[], depth: number): fc.Arbitrary<Wire> {
    const parts = fields.map((f) => {
      const optional = f.type.kind === "optional";
      const inner = optional ? (f.type as { inner: TypeExpr }).inner : f.type;
      const skippable = optional || f.default !== undefined;
      if (skippable && depth <= 0 && hasRef(inner)) return fc.constantFrom<Wire>(ABSENT, null);
      const value = this.expr(inner, f.constraints, depth);
      if (!skippable) return value;
      return fc.oneof({ weight: 1, arbitrary: fc.constantFrom<Wire>(ABSENT, null) }, { weight: 3, arbitrary: value });
    });
    return fc.tuple(fc.tuple(...parts), fc.boolean()).map(([values, extra]) => {
      const out: Record<string, Wire> = {};
      fields.forEach((f, i) => {
        if (values[i] !== ABSENT) out[f.name] = values[i];
      });
      if (extra && !fields.some((f) => f.name === "zz_unknown")) out.zz_unknown = [1, "x"];
      return out;
    });
  }

  expr(t: TypeExpr, c: Constraints, depth: number): fc.Arbitrary<Wire> {
    switch (t.kind) {
      case "primitive":
        return primitive(t.name, c);
      case "optional":
        return depth <= 0 && hasRef(t.inner)
          ? fc.constant(null)
          : fc.oneof(fc.constant(null), this.expr(t.inner, c, depth));
      case "list": {
        const min = c.minItems ?? 0;
        const max = depth <= 0 ? min : Math.min(c.maxItems ?? min + 4, min + 4);
        return fc.array(this.expr(t.element, {}, depth), { minLength: min, maxLength: max });
      }
      case "map": {
        const min = c.minItems ?? 0;
        const max = depth <= 0 ? min : Math.min(c.maxItems ?? min + 3, min + 3);
        return fc
          .uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), this.expr(t.value, {}, depth)), {
            minLength: min,
            maxLength: max,
            selector: ([k]) => k,
          })
          .filter((entries) => entries.every(([k]) => !["__proto__", "constructor", "prototype"].includes(k)))
          .map((entries) => Object.fromEntries(entries));
      }
      case "ref": {
        const def = this.types.get(t.name);
        // A field's own constraints on an alias add to the alias's.
        if (def?.kind === "alias" && Object.keys(c).length > 0)
          return this.expr(def.type, merge(def.constraints, c), depth);
        return this.ref(t.name, depth);
      }
    }
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function merge(a: Constraints, b: Constraints): Constraints {
  const most = (x?: number, y?: number): number | undefined =>
    x === undefined ? y : y === undefined ? x : Math.max(x, y);
  const least = (x?: number, y?: number): number | undefined =>
    x === undefined ? y : y === undefined ? x : Math.min(x, y);
  const out: { -readonly [K in keyof Constraints]: Constraints[K] } = { ...a, ...b };
  const set = (
    key: "min" | "max" | "minLength" | "maxLength" | "minItems" | "maxItems",
    value: number | undefined,
  ): void => {
    if (value === undefined) delete out[key];
    else out[key] = value;
  };
  set("min", most(a.min, b.min));
  set("max", least(a.max, b.max));
  set("minLength", most(a.minLength, b.minLength));
  set("maxLength", least(a.maxLength, b.maxLength));
  set("minItems", most(a.minItems, b.minItems));
  set("maxItems", least(a.maxItems, b.maxItems));
  return out;
}

function primitive(name: string, c: Constraints): fc.Arbitrary<Wire> {
  switch (name) {
    case "String":
      return stringArb(c);
    case "Int": {
      const lo = Math.max(c.min !== undefined ? Math.ceil(c.min) : -MAX_SAFE, -MAX_SAFE);
      const hi = Math.min(c.max !== undefined ? Math.floor(c.max) : MAX_SAFE, MAX_SAFE);
      const small = fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) });
      if (lo >= -(2 ** 31) && hi <= 2 ** 31 - 1) return fc.oneof(small, fc.constantFrom(lo, hi));
      return fc.oneof(
        small,
        fc.constantFrom(lo, hi),
        fc.maxSafeInteger().filter((n) => n >= lo && n <= hi),
      );
    }
    case "Float":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: c.min ?? -1e300, max: c.max ?? 1e300 });
    case "Bool":
      return fc.boolean();
    case "Uuid":
      return fc
        .tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }))
        .map(([u, upper]) => [...u].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(""));
    case "Timestamp":
      return timestampArb();
    case "Date":
      return fc
        .date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "Bytes":
      return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString("base64"));
    case "Json":
      return fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
  }
  throw new Error(`unknown primitive ${name}`);
}

function codePoints(s: string): number {
  return [...s].length;
}

function stringArb(c: Constraints): fc.Arbitrary<Wire> {
  const min = c.minLength ?? 0;
  const max = c.maxLength ?? Number.MAX_SAFE_INTEGER;
  const fits = (s: string): boolean => codePoints(s) >= min && codePoints(s) <= max;
  if (c.format === "email") return fc.constantFrom(...EMAILS.filter(fits));
  if (c.format === "url") return fc.constantFrom(...URLS.filter(fits));
  if (c.pattern !== undefined) return fc.stringMatching(new RegExp(c.pattern)).filter(fits);
  return fc.string({ unit: "binary", minLength: min, maxLength: Math.min(max, min + 12) });
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function timestampArb(): fc.Arbitrary<Wire> {
  return fc
    .record({
      date: fc.date({
        min: new Date("1000-01-01T00:00:00Z"),
        max: new Date("8999-12-31T00:00:00Z"),
        noInvalidDate: true,
      }),
      offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      utc: fc.boolean(),
      fraction: fc.integer({ min: 0, max: 6 }),
      extra: fc.integer({ min: 0, max: 999 }),
      lowerT: fc.boolean(),
    })
    .map(({ date, offset, utc, fraction, extra, lowerT }) => {
      const minutes = utc ? 0 : offset;
      const local = new Date(date.getTime() + minutes * 60_000).toISOString();
      const ms = local.slice(20, 23) + pad(extra, 3);
      const frac = fraction === 0 ? "" : `.${ms.slice(0, fraction)}`;
      const zone = utc
        ? "Z"
        : `${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60), 2)}:${pad(Math.abs(minutes) % 60, 2)}`;
      return `${local.slice(0, 10)}${lowerT ? "t" : "T"}${local.slice(11, 19)}${frac}${zone}`;
    });
}

/** Milliseconds of an RFC 3339 timestamp, fraction truncated to milliseconds. */
export function timestampMillis(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(Date.UTC(2000, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  date.setUTCFullYear(Number(m[1]));
  const zone = m[8]!;
  const offset =
    zone === "Z" || zone === "z"
      ? 0
      : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return date.getTime() - offset * 60_000;
}

/**
 * What a conforming encoder writes back for a valid wire value: optional fields that were absent
 * or null are omitted, defaults filled in, unknown keys dropped, timestamps in canonical UTC form,
 * UUIDs in lower case.
 */
export function normalize(schema: Schema, t: TypeExpr, value: Wire): Wire {
  const types = new Map(schema.types.map((d) => [d.name, d]));
  const object = (fields: readonly FieldDef[], v: Record<string, Wire>): Record<string, Wire> => {
    const out: Record<string, Wire> = {};
    for (const f of fields) {
      const inner = f.type.kind === "optional" ? f.type.inner : f.type;
      let item = v[f.name];
      if (item === undefined || item === null) {
        if (f.default === undefined) {
          if (f.type.kind === "optional") continue;
          out[f.name] = go(f.type, item); // a required Json field may hold null
          continue;
        }
        item = f.default as JsonValue;
      }
      out[f.name] = go(inner, item);
    }
    return out;
  };
  const go = (type: TypeExpr, v: Wire): Wire => {
    switch (type.kind) {
      case "optional":
        return v === null || v === undefined ? null : go(type.inner, v);
      case "list":
        return (v as Wire[]).map((item) => go(type.element, item));
      case "map":
        return Object.fromEntries(
          Object.entries(v as Record<string, Wire>).map(([k, item]) => [k, go(type.value, item)]),
        );
      case "primitive":
        if (type.name === "Uuid") return (v as string).toLowerCase();
        if (type.name === "Timestamp") return new Date(timestampMillis(v as string)).toISOString();
        return v;
      case "ref": {
        const def = types.get(type.name)!;
        if (def.kind === "alias") return go(def.type, v);
        if (def.kind === "record") return object(def.fields, v as Record<string, Wire>);
        if (typeof v === "string") return v;
        const tag = (v as { tag: string }).tag;
        const variant = def.variants.find((x) => x.name === tag)!;
        return { tag, ...object(variant.fields, v as Record<string, Wire>) };
      }
    }
  };
  return go(t, value);
}
