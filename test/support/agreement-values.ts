/**
 * Values for the Elm/TypeScript agreement test, from the generators the OpenAPI agreement test
 * already uses (test/openapi-wire.ts): valid wire values of a type (every allowed spelling), and
 * values breaking exactly one rule, both at the top of the type and inside random valid records
 * or tagged variants. Everything is sampled with a fixed seed.
 *
 * Edge values are borderline spellings (exact bounds, astral and lone-surrogate strings, odd URLs
 * and addresses, timestamps whose UTC form leaves the year range, base64 padding, map keys that
 * need escaping in paths) whose fate the agreement test does not prescribe: Elm and TypeScript
 * only have to decide alike.
 */
import fc from "fast-check";
import { exampleOfFields } from "../../src/schema/examples.js";
import { isTagged } from "../../src/schema/query.js";
import type { Constraints, FieldDef, Schema, TypeDef, TypeExpr } from "../../src/schema/types.js";
import { WireValues } from "../openapi-wire.js";

/** One value to try, labelled with why it is there (`valid`, `wrong type`, `body: length`, ...). */
export interface Probe {
  readonly label: string;
  readonly json: string;
}

/** The kind of rule an invalid value breaks, without the field and element/value prefixes. */
export function ruleKind(label: string): string {
  return label.replace(/^.*: /, "").replace(/^((element|value) )+/, "");
}

function fieldsOf(def: TypeDef): { fields: readonly FieldDef[]; tag?: string }[] {
  if (def.kind === "record") return [{ fields: def.fields }];
  if (def.kind === "enum" && isTagged(def)) return def.variants.map((v) => ({ fields: v.fields, tag: v.name }));
  return [];
}

export class AgreementValues {
  private readonly wire: WireValues;

  constructor(
    readonly schema: Schema,
    private readonly seed: number,
  ) {
    this.wire = new WireValues(schema);
  }

  /** `runs` valid wire values of the type. */
  valid(def: TypeDef, runs: number): Probe[] {
    return fc
      .sample(this.wire.named(def.name), { numRuns: runs, seed: this.seed })
      .map((value) => ({ label: "valid", json: JSON.stringify(value) }));
  }

  /** Edge values for a slot of `type`: scalars, one in a list, or in a map under odd keys. */
  private slotEdges(type: TypeExpr, constraints: Constraints): [string, unknown][] {
    const { type: t, c } = this.wire.resolve(type.kind === "optional" ? type.inner : type, constraints);
    if (t.kind === "optional") return this.slotEdges(t.inner, c);
    if (t.kind === "primitive") return edgeScalars(t.name, c).map((v) => [`edge ${t.name}`, v]);
    if (t.kind === "list") {
      const inner = this.slotEdges(t.element, {});
      return inner.map(([label, v]) => [`element ${label}`, [v]]);
    }
    if (t.kind === "map") {
      const inner = this.slotEdges(t.value, {});
      const sample = this.wire.sample(t.value, {});
      return [
        ...EDGE_KEYS.map((key, i): [string, unknown] => [
          `key ${JSON.stringify(key)}`,
          { [key]: inner[i % Math.max(inner.length, 1)]?.[1] ?? sample },
        ]),
        ...inner.slice(0, 4).map(([label, v]): [string, unknown] => [`value ${label}`, { k: v }]),
      ];
    }
    return [];
  }

  /**
   * Borderline values: the type itself when it is an alias of a scalar, list or map, or each
   * field of an example record (every variant of a tagged enum) replaced by an edge value.
   */
  edges(def: TypeDef): Probe[] {
    const out: Probe[] = [];
    if (def.kind === "alias")
      for (const [label, value] of this.slotEdges({ kind: "ref", name: def.name }, {}))
        out.push({ label, json: JSON.stringify(value) });
    if (def.kind === "enum") {
      const first = def.variants[0]!.name;
      const odd = isTagged(def)
        ? [{ tag: 1 }, { tag: null }, {}, { tag: first.toUpperCase() }, { tag: ` ${first}` }, first, [first]]
        : [first.toUpperCase(), ` ${first}`, "", null, { tag: first }, [first]];
      for (const value of odd) out.push({ label: "edge enum", json: JSON.stringify(value) });
    }
    for (const { fields, tag } of fieldsOf(def)) {
      const base = exampleOfFields(this.schema, fields, tag) as Record<string, unknown> | undefined;
      if (!base) continue;
      out.push({ label: "edge key prototype", json: JSON.stringify({ ...base, prototype: {} }) });
      out.push({ label: "edge unknown keys", json: JSON.stringify({ ...base, Tag: "x", proto: 1, __proto: 2 }) });
      for (const f of fields)
        for (const [label, value] of this.slotEdges(f.type, f.constraints))
          out.push({ label: `${f.name}: ${label}`, json: JSON.stringify({ ...base, [f.name]: value }) });
    }
    return out;
  }

  /**
   * Values breaking one rule each: replacements for the whole value (wrong JSON types, every
   * constraint of the type, unknown tags, missing fields, forbidden keys, bad scalars, also one
   * level down), and every bad value of every field placed in a random valid container.
   */
  invalid(def: TypeDef): Probe[] {
    const out: Probe[] = [];
    for (const [label, value] of this.wire.violations({ kind: "ref", name: def.name }, {}))
      out.push({ label, json: JSON.stringify(value) });
    for (const { fields, tag } of fieldsOf(def)) {
      // Every field breaking a constraint at once: the violations must agree as a set.
      const base = exampleOfFields(this.schema, fields, tag) as Record<string, unknown> | undefined;
      const broken = Object.fromEntries(
        fields.flatMap((f) => {
          const bad = this.wire.fieldViolations(f).find(([label]) => CONSTRAINT_KINDS.has(ruleKind(label)));
          return bad ? [[f.name, bad[1]]] : [];
        }),
      );
      if (base && Object.keys(broken).length > 1)
        out.push({ label: "several fields: constraints", json: JSON.stringify({ ...base, ...broken }) });
      for (const f of fields) {
        const bads = this.wire.fieldViolations(f);
        if (bads.length === 0) continue;
        const bases = fc.sample(this.wire.object(fields, 1), { numRuns: bads.length, seed: this.seed });
        bads.forEach(([label, bad], i) => {
          const base = tag === undefined ? bases[i]! : { tag, ...bases[i]! };
          out.push({ label: `${f.name}: ${label}`, json: JSON.stringify({ ...base, [f.name]: bad }) });
        });
      }
    }
    return out;
  }
}

const CONSTRAINT_KINDS = new Set(["length", "range", "pattern", "items", "format"]);

const EDGE_KEYS = ['"', "\\", "\n", "😀", "", "a.b", "[0]", "$"];

function edgeStrings(c: Constraints): string[] {
  const out = ["", "a", "😀", "\ud800", "a\udc00b", "\u0000", " ", "\n", "é", "e\u0301"];
  for (const n of [c.minLength, c.maxLength]) {
    if (n === undefined) continue;
    for (const k of [n - 1, n, n + 1]) if (k >= 0) out.push("a".repeat(k), "😀".repeat(k), "\ud800".repeat(k));
  }
  if (c.format === "email")
    out.push(
      "A@B.CO",
      "a@b",
      "a..b@c.com",
      ".a@b.com",
      "a@-b.com",
      "a@b-.com",
      "a@b.c",
      "é@x.com",
      "a@é.com",
      " a@b.com",
      "a@b.com\n",
      "a@b..com",
      "a+b@c.io",
      "a@b.c0m",
      "a@1.2",
      `${"a".repeat(64)}@b.com`,
      `a@${"b".repeat(250)}.com`,
    );
  if (c.format === "url")
    out.push(
      "HTTP://X.IO",
      "Https://x.io",
      "https://x",
      "http://a b.com",
      "http://[::1]/",
      "http://127.0.0.1:8080/x",
      "https://example.com:99999",
      "https://example.com:0",
      "ftp://x.io",
      "http://",
      "http:///x",
      "https://user:pw@x.io",
      "https://é.example",
      "http://x.io/a b",
      "http:/x.io",
      "https://x.io#",
      "https://x.io?",
      "http://localhost",
      "https://-x-.io",
      "https://x.io\n",
      " https://x.io",
      "https://x.io/%zz",
      "https://x_y.io",
      "http://x.io:80",
      "http://x.io:",
      "https://%41.io",
      "http://x.io\\y",
    );
  if (c.pattern !== undefined) out.push("a".repeat(21), "abc", "ABC", "a_1", "ab", "a\nb", "😀😀😀");
  return out;
}

function edgeNumbers(c: Constraints): unknown[] {
  const out: unknown[] = [
    0,
    -0,
    1,
    -1,
    0.5,
    1e-7,
    1e21,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    2 ** 53,
    1e308,
  ];
  out.push(5e-324, -1e308, 2 ** 53 + 2);
  for (const n of [c.min, c.max]) {
    if (n === undefined) continue;
    out.push(
      n,
      n - 1,
      n + 1,
      n - 0.5,
      n + 0.5,
      n - Number.EPSILON * Math.max(1, Math.abs(n)),
      n + Number.EPSILON * Math.max(1, Math.abs(n)),
    );
  }
  return out;
}

const EDGE_SCALARS: Record<string, unknown[]> = {
  Bool: [true, false, "false", 0, null],
  Uuid: [
    "00000000-0000-0000-0000-000000000000",
    "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
    "123e4567-e89b-12d3-a456-426614174000\n",
    " 123e4567-e89b-12d3-a456-426614174000",
    "123e4567-e89b-12d3-a456_426614174000",
    "123e4567-e89b-12d3-a4564-26614174000",
    "123e4567e-89b-12d3-a456-426614174000",
    "１23e4567-e89b-12d3-a456-426614174000",
    "",
  ],
  // Local times whose UTC instant leaves years 0000-9999 are rejected by both: no encoder could
  // write them in the prescribed form, so they would not round-trip.
  Timestamp: [
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:00:00-00:59",
    "9999-12-31T23:00:00-01:00",
    "9999-12-31T23:59:59.9999-00:00",
    "0000-01-01T00:00:00+00:01",
    "0000-01-01T00:59:59+01:00",
    "0000-01-01T01:00:00+01:00",
    "0000-01-01T00:00:00.000+00:00",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59+23:59",
    "0000-01-01T00:00:00Z",
    "0000-01-01T00:00:00-00:01",
    "0099-12-31T23:59:59Z",
    "0100-01-01T00:00:00+01:00",
    "2024-03-05T07:08:09.1234567890123Z",
    "2024-03-05T07:08:09.9999Z",
    "2024-03-05T07:08:09.0005Z",
    "2024-03-05T07:08:09,1Z",
    "2024-03-05T07:08:09+0100",
    "2024-03-05T07:08:09+01",
    "2024-03-05T07:08:09-00:00",
    "2024-03-05T07:08:09+23:59",
    "2024-03-05T07:08:09+00:60",
    "2024-13-01T00:00:00Z",
    "2024-00-01T00:00:00Z",
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "+2024-03-05T07:08:09Z",
    "2024-03-05T7:08:09Z",
    "2024-03-05t07:08:09z",
    "2024-03-05T23:59:59.999999Z",
    "20240305T070809Z",
    "２024-03-05T07:08:09Z",
    "2024-03-05T07:08:09Z\n",
  ],
  Date: [
    "0000-02-29",
    "0000-01-01",
    "1900-02-29",
    "2000-02-29",
    "9999-12-31",
    "10000-01-01",
    "2024-00-10",
    "2024-01-00",
    "2024-01-32",
    "2024-04-31",
    " 2024-01-01",
    "2024-01-01\n",
    "+2024-01-01",
    "２024-01-01",
  ],
  Bytes: [
    "",
    "AA==",
    "AB==",
    "AAA=",
    "AAB=",
    "A===",
    "====",
    "AAAA",
    "AAA",
    "A",
    "aGFtbGV0\r",
    "aGFt\nbGV0",
    "aGFtbGV0==",
    "a+/A",
    "-_-_",
    "AA==AA==",
    "AA=A",
  ],
  Json: [null, "__proto__", { a: [1, { b: null }] }, JSON.parse('{"__proto__": 1}'), { a: { constructor: 1 } }],
};

function edgeScalars(name: string, c: Constraints): unknown[] {
  if (name === "String") return edgeStrings(c);
  if (name === "Int") return edgeNumbers(c);
  if (name === "Float") return edgeNumbers(c);
  return EDGE_SCALARS[name] ?? [];
}
