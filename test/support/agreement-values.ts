/**
 * Values for the Elm/TypeScript agreement test, from the generators the OpenAPI agreement test
 * already uses (test/openapi-wire.ts): valid wire values of a type (every allowed spelling), and
 * values breaking exactly one rule, both at the top of the type and inside random valid records
 * or tagged variants. Everything is sampled with a fixed seed.
 */
import fc from "fast-check";
import { isTagged } from "../../emitters/openapi/json-schema.js";
import type { FieldDef, Schema, TypeDef } from "../../src/schema/types.js";
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
