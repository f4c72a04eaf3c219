/**
 * The published JSON Schema says exactly what the wire format says. For every type of every
 * corpus case: fast-check wire values validate against the emitted component (ajv, 2020-12,
 * ajv-formats), values breaking one rule of each kind (length, range, pattern, items, formats,
 * enum tag, missing required, wrong type, forbidden keys) fail it, and the generated TypeScript
 * validators (`decodeX` in test/golden/typescript) accept and reject the very same values.
 */
import fc from "fast-check";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../emitters/openapi/index.js";
import { isTagged } from "../src/schema/query.js";
import type { FieldDef, TypeDef } from "../src/schema/types.js";
import { componentAjv } from "./openapi-ajv.js";
import { schemaCases } from "./openapi-support.js";
import { WireValues } from "./openapi-wire.js";
import { repoRoot } from "./support/corpus.js";

type Decoder = (value: unknown) => { ok: boolean; errors?: unknown };
type Validators = Record<string, unknown>;

const cases = schemaCases();
const KINDS = [
  "length",
  "range",
  "pattern",
  "items",
  "format",
  "enum tag",
  "missing required",
  "wrong type",
  "forbidden key",
];

/** The TypeScript emitter's validators for a case, if its goldens exist. */
async function tsValidators(caseName: string): Promise<Validators | undefined> {
  const folder = caseName.replace("/", "-");
  const path = join(repoRoot, "test", "golden", "typescript", folder, "validators.ts");
  if (!existsSync(path)) return undefined;
  return (await import(/* @vite-ignore */ path)) as Validators;
}

function fieldsOf(def: TypeDef): { label: string; fields: readonly FieldDef[]; tag?: string }[] {
  if (def.kind === "record") return [{ label: def.name, fields: def.fields }];
  if (def.kind === "enum" && isTagged(def))
    return def.variants.map((v) => ({ label: `${def.name}.${v.name}`, fields: v.fields, tag: v.name }));
  return [];
}

const kindsSeen = new Set<string>();

describe("JSON Schema and TypeScript validators agree with the wire format", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const ajv = componentAjv(openApiDocument(c.schema, { examples: false }) as never);
      const wire = new WireValues(c.schema);
      const ts = await tsValidators(c.name);
      for (const def of c.schema.types) {
        const validate = ajv.getSchema(`#/components/schemas/${def.name}`)!;
        const decode = ts?.[`decode${def.name}`] as Decoder | undefined;
        if (ts) expect(decode, `decode${def.name}`).toBeTypeOf("function");
        const check = (value: unknown, expected: boolean, why: string) => {
          const text = `${def.name} ${why}: ${JSON.stringify(value)}`;
          expect(validate(value), `ajv ${text} ${JSON.stringify(validate.errors)}`).toBe(expected);
          if (decode)
            expect(decode(value).ok, `TS decode${def.name} ${text} ${JSON.stringify(decode(value).errors)}`).toBe(
              expected,
            );
        };

        // Valid wire values are accepted.
        fc.assert(
          fc.property(wire.named(def.name), (value) => check(value, true, "valid")),
          { numRuns: 40 },
        );

        // One broken rule at a time, in a fixed example and in random valid containers.
        for (const [kind, bad] of wire.violations({ kind: "ref", name: def.name }, {})) {
          kindsSeen.add(kind.replace(/^.*: /, "").replace(/^(element|value) /, ""));
          check(bad, false, kind);
        }
        for (const { fields, tag } of fieldsOf(def)) {
          for (const f of fields) {
            const bads = wire.fieldViolations(f);
            if (bads.length === 0) continue;
            const base = wire.object(fields, 0).map((o) => (tag === undefined ? o : { tag, ...o }));
            fc.assert(
              fc.property(base, fc.constantFrom(...bads), (value, [kind, bad]) =>
                check({ ...value, [f.name]: bad }, false, `${f.name}: ${kind}`),
              ),
              { numRuns: 15 },
            );
          }
        }
      }
    });
  }

  it("covered every kind of violation", () => {
    for (const kind of KINDS) expect([...kindsSeen], kind).toContain(kind);
  });
});

describe("Runtime replies", () => {
  it("ValidationFailed, Unauthorized and InternalError bodies match their components", () => {
    const horatio = cases.find((c) => c.name === "shared/horatio")!.schema;
    const ajv = componentAjv(openApiDocument(horatio) as never);
    const ok = (name: string, value: unknown) => ajv.getSchema(`#/components/schemas/${name}`)!(value);
    expect(
      ok("Hamlet.ValidationFailed", {
        tag: "ValidationFailed",
        issues: [{ path: "$.body", message: "expected at most 500 characters" }],
      }),
    ).toBe(true);
    expect(ok("Hamlet.ValidationFailed", { tag: "ValidationFailed" })).toBe(false);
    expect(ok("Hamlet.Unauthorized", { tag: "Unauthorized" })).toBe(true);
    expect(ok("Hamlet.InternalError", { tag: "InternalError" })).toBe(true);
    expect(ok("Hamlet.InternalError", { tag: "Oops" })).toBe(false);
    expect(ok("CreatePostError", { tag: "RateLimited", retry_after_s: 30 })).toBe(true);
    expect(ok("GetPostError", { tag: "NotFound" })).toBe(true);
    expect(ok("GetPostError", "NotFound")).toBe(false);
  });
});
