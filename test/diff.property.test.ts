/**
 * Property: whenever `hamletc diff` calls a wire direction safe, it is. Random schema pairs (an old
 * schema and a mutation of it) are compiled, the TypeScript emitter's validators of both versions
 * are built and loaded, and values generated for the sending side's types are encoded by the
 * sender's encoder and decoded by the receiver's decoder:
 * - requests (new server ← old client): old `Req` values, old encoder, new decoder;
 * - responses (old client ← new server): new `Res` values, new encoder, old decoder.
 * HAMLET_DIFF_PAIRS sets the number of pairs (default 30).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { afterAll, expect, it } from "vitest";
import { diffVersions } from "../src/diff/diff.js";
import type { Version } from "../src/diff/model.js";
import { versionFromText } from "./support/diff-helpers.js";
import { ArbitraryBuilder } from "./support/ts-arbitrary.js";
import { emitTypescript, tmpRoot } from "./support/ts-emit.js";

type FieldType = "Int" | "Float" | "String" | "Bool" | "Kind";
interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly optional: boolean;
  readonly withDefault: boolean;
  readonly bounds: readonly [number, number] | undefined;
}
interface Model {
  readonly kinds: readonly string[];
  readonly req: readonly Field[];
  readonly res: readonly Field[];
}

const types: FieldType[] = ["Int", "Float", "String", "Bool", "Kind"];
const canDefault = (f: Field) => !f.optional && ((f.type === "Int" && !f.bounds) || f.type === "Bool");
const normalize = (f: Field): Field => ({
  ...f,
  bounds: f.type === "Bool" || f.type === "Kind" ? undefined : f.bounds,
  withDefault: f.withDefault && canDefault({ ...f, withDefault: false }),
});

const boundsArb = fc.option(
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 8 })).map(([a, b]) => [a, a + b] as const),
  { nil: undefined },
);
const fieldArb = (name: string): fc.Arbitrary<Field> =>
  fc
    .record({ type: fc.constantFrom(...types), optional: fc.boolean(), withDefault: fc.boolean(), bounds: boundsArb })
    .map((f) => normalize({ name, ...f }));
const fieldsArb = (prefix: string) =>
  fc
    .integer({ min: 1, max: 4 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fieldArb(`${prefix}${i}`))));
const modelArb: fc.Arbitrary<Model> = fc.record({
  kinds: fc.integer({ min: 1, max: 3 }).map((n) => ["A", "B", "C"].slice(0, n)),
  req: fieldsArb("q"),
  res: fieldsArb("s"),
});

/** One random edit of a model. */
function mutationArb(m: Model): fc.Arbitrary<Model> {
  const side = fc.constantFrom("req" as const, "res" as const);
  const edit = (key: "req" | "res", i: number, change: (f: Field) => Field | undefined): Model => {
    const list = m[key];
    const index = i % list.length;
    const next = list.flatMap((f, k) => (k === index ? [change(f)].filter((x): x is Field => !!x) : [f]));
    return { ...m, [key]: next.length > 0 ? next : list };
  };
  return fc.oneof(
    fc.tuple(side, fieldArb("added")).map(([k, f]) => ({ ...m, [k]: [...m[k], f] })),
    fc.tuple(side, fc.nat()).map(([k, i]) => edit(k, i, () => undefined)),
    fc
      .tuple(side, fc.nat(), fc.constantFrom(...types))
      .map(([k, i, t]) => edit(k, i, (f) => normalize({ ...f, type: t }))),
    fc.tuple(side, fc.nat()).map(([k, i]) => edit(k, i, (f) => normalize({ ...f, optional: !f.optional }))),
    fc.tuple(side, fc.nat()).map(([k, i]) => edit(k, i, (f) => normalize({ ...f, withDefault: !f.withDefault }))),
    fc.tuple(side, fc.nat(), boundsArb).map(([k, i, b]) => edit(k, i, (f) => normalize({ ...f, bounds: b }))),
    fc.constant({ ...m, kinds: m.kinds.length < 4 ? [...m.kinds, "D"] : m.kinds }),
    fc.constant({ ...m, kinds: m.kinds.length > 1 ? m.kinds.slice(1) : m.kinds }),
  );
}

function fieldText(f: Field): string {
  const bound = f.bounds
    ? f.type === "String"
      ? ` @length(${f.bounds[0]}, ${f.bounds[1]})`
      : ` @range(${f.bounds[0]}, ${f.bounds[1]})`
    : "";
  const def = f.withDefault ? (f.type === "Bool" ? " = true" : " = 0") : "";
  return `  ${f.name}: ${f.type}${f.optional ? "?" : ""}${bound}${def}`;
}

function schemaText(m: Model): string {
  return [
    "package prop",
    `enum Kind { ${m.kinds.join(", ")} }`,
    `record Req {\n${m.req.map(fieldText).join("\n")}\n}`,
    `record Res {\n${m.res.map(fieldText).join("\n")}\n}`,
    'endpoint Put: POST "/put" {\n  request Req\n}',
    'endpoint Get: GET "/get" {\n  response Res\n}',
  ].join("\n\n");
}

type Codec = Record<string, (value: unknown) => unknown>;
type Decoded = { ok: true; value: unknown } | { ok: false; errors: unknown[] };

const dir = join(tmpRoot, `diff-property-${process.pid}`);
let built = 0;

/** The TypeScript emitter's validators for a version, transpiled and imported. */
async function validators(version: Version): Promise<Codec> {
  const files = await emitTypescript(version.schema);
  const source = [...files].find(([path]) => path.endsWith("validators.ts"))![1];
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `validators-${built++}.mjs`);
  writeFileSync(file, js);
  return (await import(pathToFileURL(file).href)) as Codec;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pairs = Number(process.env["HAMLET_DIFF_PAIRS"] ?? 30);

it(
  `wire verdicts called safe hold for the generated validators (${pairs} schema pairs)`,
  async () => {
    const seen = { safe: 0, unsafe: 0, checked: 0 };
    await fc.assert(
      fc.asyncProperty(
        modelArb.chain((m) => fc.tuple(fc.constant(m), mutationArb(m))),
        async ([before, after]) => {
          const oldVersion = versionFromText("old", schemaText(before));
          const newVersion = versionFromText("new", schemaText(after));
          const changes = diffVersions(oldVersion, newVersion);
          const requestsSafe = changes.every((c) => c.verdicts.requests === "safe");
          const responsesSafe = changes.every((c) => c.verdicts.responses === "safe");
          for (const safe of [requestsSafe, responsesSafe]) seen[safe ? "safe" : "unsafe"]++;
          if (!requestsSafe && !responsesSafe) return;
          const [oldCodec, newCodec] = await Promise.all([validators(oldVersion), validators(newVersion)]);
          const check = (from: Version, encode: Codec, decode: Codec, type: string, direction: string) =>
            fc.assert(
              fc.property(new ArbitraryBuilder(from.schema).named(type), (value) => {
                const wire = JSON.parse(JSON.stringify(encode[`encode${type}`]!(value))) as unknown;
                const decoded = decode[`decode${type}`]!(wire) as Decoded;
                const changed = changes.map((c) => c.kind).join(", ") || "no change";
                expect(decoded.ok ? [] : decoded.errors, `${direction} judged safe (${changed})`).toEqual([]);
              }),
              { numRuns: 25 },
            );
          if (requestsSafe) check(oldVersion, oldCodec, newCodec, "Req", "requests");
          if (responsesSafe) check(newVersion, newCodec, oldCodec, "Res", "responses");
          seen.checked++;
        },
      ),
      { numRuns: pairs },
    );
    // Not vacuous: some pairs were judged safe (and checked), some were not.
    expect(seen.checked).toBeGreaterThan(0);
    expect(seen.unsafe).toBeGreaterThan(0);
    // Each pair builds and loads two sets of validators: allow a few seconds apiece on a busy machine.
  },
  Math.max(120_000, pairs * 4_000),
);
