/**
 * Invalid values are rejected by Elm exactly where the TypeScript validators reject them (issue 3).
 *
 * For every type of every Elm case (the valid corpus, the shared examples, the edge schema) we
 * run the same JSON text through the Elm harness (test/support/elm-harness.ts: the type's decoder,
 * then its `validate` from Api.Validate when it has constraints) and through the generated
 * TypeScript `decodeX` (emitted from the same schema). A value is accepted by Elm when it decodes
 * and validation reports no violations.
 *
 * - Valid wire values (test/openapi-wire.ts, fixed seed) are accepted by both; Elm's re-encoding
 *   is accepted by `decodeX` and means the same thing, and TypeScript's `encodeX(decodeX(x))`
 *   is accepted by Elm and means the same thing.
 * - Values breaking one rule (every constraint kind, wrong JSON types, unknown tags, missing
 *   fields, unsafe integers, forbidden keys, bad timestamps, UUIDs, dates and base64) are
 *   rejected by both. When Elm decodes the value and its validator rejects it, the TypeScript
 *   errors are exactly the Elm violations (same paths, same messages); when the Elm decoder
 *   rejects it, TypeScript reports at least one error that is not a constraint violation.
 * - Edge values (exact bounds, lone surrogates, odd URLs, addresses, timestamps, dates, base64,
 *   map keys that need escaping) are decided alike: accepted by both with the same encoding, or
 *   rejected by both as above.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema } from "../src/schema/types.js";
import { AgreementValues, ruleKind, type Probe } from "./support/agreement-values.js";
import { ElmHarness, type HarnessCase, type Reply } from "./support/elm-harness.js";
import { elmCases, elmReady, schemaOf } from "./support/elm-project.js";
import { emitTypescript, tmpRoot, writeFiles } from "./support/ts-emit.js";

const ready = elmReady("test/elm-typescript-agreement.test.ts");
const RUNS = Number(process.env.AGREEMENT_RUNS ?? 30);
const SEED = Number(process.env.AGREEMENT_SEED ?? 20260303);

interface Issue {
  readonly path: string;
  readonly message: string;
}
type Decoded = { ok: true; value: unknown } | { ok: false; errors: Issue[] };
type Validators = Record<string, (value: unknown) => unknown>;

interface AgreementCase extends HarnessCase {
  readonly ts: Validators;
}

/** The messages of spec/wire-format.md's constraint table. */
const CONSTRAINT_MESSAGE =
  /^(expected at (least|most) -?[0-9.e+-]+( characters| items)?|expected to match pattern .*|expected an email address|expected a URL)$/s;
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

let cases: AgreementCase[] = [];
let harness: ElmHarness | undefined;
let tsDir: string | undefined;
const kindsSeen = new Set<string>();
let constraintRejections = 0;

/** Emits the TypeScript validators of a schema under test/.tmp and imports them. */
async function tsValidators(dir: string, schema: Schema): Promise<Validators> {
  const files = await emitTypescript(schema);
  writeFiles(dir, files);
  return (await import(/* @vite-ignore */ join(dir, "validators.ts"))) as Validators;
}

beforeAll(async () => {
  if (!ready) return;
  mkdirSync(tmpRoot, { recursive: true });
  tsDir = mkdtempSync(join(tmpRoot, "agreement-"));
  const harnessCases = elmCases().map((c, i) => ({ name: c.name, prefix: `Case${i + 1}`, schema: schemaOf(c.entry) }));
  cases = [];
  for (const c of harnessCases) cases.push({ ...c, ts: await tsValidators(join(tsDir, c.name), c.schema) });
  harness = await ElmHarness.start(harnessCases);
}, 180_000);

afterAll(() => {
  harness?.cleanup();
  if (tsDir) rmSync(tsDir, { recursive: true, force: true });
});

const issueKey = (i: Issue) => `${i.path} ${i.message}`;
const uniqueSorted = (issues: readonly Issue[]) => [...new Set(issues.map(issueKey))].sort();
/** Plain JSON (maps from `encodeX` have a null prototype). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
/** JSON text with object keys sorted: Elm's `Dict` writes map entries in key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

interface Codec {
  decode(value: unknown): Decoded;
  encode(value: unknown): unknown;
}

function codec(c: AgreementCase, typeName: string): Codec {
  const decode = c.ts[`decode${typeName}`];
  const encode = c.ts[`encode${typeName}`];
  if (typeof decode !== "function" || typeof encode !== "function")
    throw new Error(`${c.name}: the TypeScript validators lack decode${typeName}/encode${typeName}`);
  return { decode: decode as Codec["decode"], encode };
}

function elmAccepts(reply: Reply): boolean {
  return reply.error === undefined && (reply.violations ?? []).length === 0;
}

function describeReply(reply: Reply | undefined): string {
  if (!reply) return "no reply";
  if (reply.error !== undefined) return `Elm decoder error: ${reply.error.slice(0, 300)}`;
  return `Elm ok ${JSON.stringify(reply.ok)?.slice(0, 300)} violations ${JSON.stringify(reply.violations)}`;
}

/**
 * For a value TypeScript rejects with `errors`: why the Elm reply disagrees, if it does. Elm must
 * reject it too; when its validator (not its decoder) rejects it, the violations are exactly the
 * TypeScript errors; when its decoder rejects it, TypeScript reports more than constraints.
 */
function rejectionProblem(reply: Reply, errors: readonly Issue[]): string | undefined {
  if (elmAccepts(reply)) return `Elm accepts it as ${JSON.stringify(reply.ok)}; TypeScript: ${JSON.stringify(errors)}`;
  if (reply.error === undefined) {
    constraintRejections++;
    const elm = uniqueSorted(reply.violations ?? []);
    const ts = uniqueSorted(errors);
    if (JSON.stringify(elm) !== JSON.stringify(ts))
      return `Elm violations ${JSON.stringify(elm)}, TypeScript errors ${JSON.stringify(ts)}`;
  } else if (errors.every((e) => CONSTRAINT_MESSAGE.test(e.message))) {
    return `the Elm decoder rejects it (${reply.error.slice(0, 200)}), TypeScript only reports constraints ${JSON.stringify(errors)}`;
  }
  return undefined;
}

describe.skipIf(!ready)("Elm decoders + validators accept exactly what the TypeScript validators accept", () => {
  it.each(elmCases().map((c) => c.name))("%s: valid values are accepted by both, re-encodings too", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const values = new AgreementValues(c.schema, SEED);
    const probes: { type: string; codec: Codec; probe: Probe }[] = [];
    for (const def of c.schema.types) {
      const tsCodec = codec(c, def.name);
      for (const probe of values.valid(def, RUNS)) probes.push({ type: def.name, codec: tsCodec, probe });
    }
    const replies = await harness!.ask(probes.map((p) => ({ type: `${name}:${p.type}`, json: p.probe.json })));
    expect(replies.length).toBe(probes.length);

    // TypeScript's encodeX(decodeX(x)) goes back to Elm.
    const problems: string[] = [];
    const tsEncoded: (string | undefined)[] = probes.map((p) => {
      const decoded = p.codec.decode(JSON.parse(p.probe.json));
      return decoded.ok ? JSON.stringify(p.codec.encode(decoded.value)) : undefined;
    });
    const again = await harness!.ask(
      probes.flatMap((p, i) =>
        tsEncoded[i] === undefined ? [] : [{ type: `${name}:${p.type}`, json: tsEncoded[i]! }],
      ),
    );
    let next = 0;
    probes.forEach((p, i) => {
      const context = `${p.type} ${p.probe.json}`;
      const reply = replies[i]!;
      const decoded = p.codec.decode(JSON.parse(p.probe.json));
      if (!decoded.ok) {
        problems.push(`${context}: TypeScript rejects a valid value: ${JSON.stringify(decoded.errors)}`);
        return;
      }
      const expected = canonical(p.codec.encode(decoded.value));
      if (!elmAccepts(reply)) problems.push(`${context}: Elm rejects a valid value: ${describeReply(reply)}`);
      else if (canonical(reply.ok) !== expected)
        problems.push(`${context}: Elm encodes it as ${canonical(reply.ok)}, TypeScript as ${expected}`);
      else {
        // Elm's re-encoding is accepted by TypeScript and decodes to the same value.
        const back = p.codec.decode(plain(reply.ok));
        if (!back.ok)
          problems.push(
            `${context}: TypeScript rejects Elm's encoding ${JSON.stringify(reply.ok)}: ${JSON.stringify(back.errors)}`,
          );
        else if (canonical(p.codec.encode(back.value)) !== expected)
          problems.push(
            `${context}: Elm's encoding ${JSON.stringify(reply.ok)} means ${canonical(p.codec.encode(back.value))} to TypeScript, not ${expected}`,
          );
      }
      // TypeScript's encoding is accepted by Elm and re-encoded by Elm as the original was.
      const fromTs = again[next++]!;
      if (!elmAccepts(fromTs))
        problems.push(`${context}: Elm rejects TypeScript's encoding ${tsEncoded[i]}: ${describeReply(fromTs)}`);
      else if (elmAccepts(reply) && canonical(fromTs.ok) !== canonical(reply.ok))
        problems.push(
          `${context}: Elm re-encodes TypeScript's encoding ${tsEncoded[i]} as ${JSON.stringify(fromTs.ok)}, the original as ${JSON.stringify(reply.ok)}`,
        );
    });
    expect(next).toBe(again.length);
    expect(problems.slice(0, 15), `${problems.length} disagreements`).toEqual([]);
  });

  it.each(elmCases().map((c) => c.name))(
    "%s: invalid values are rejected by both, for the same reasons",
    async (name) => {
      const c = cases.find((x) => x.name === name)!;
      if (c.schema.types.length === 0) return; // an empty or models-only schema has no codecs
      const values = new AgreementValues(c.schema, SEED);
      const probes: { type: string; codec: Codec; probe: Probe }[] = [];
      for (const def of c.schema.types) {
        const tsCodec = codec(c, def.name);
        for (const probe of values.invalid(def)) probes.push({ type: def.name, codec: tsCodec, probe });
      }
      expect(probes.length).toBeGreaterThan(0);
      const replies = await harness!.ask(probes.map((p) => ({ type: `${name}:${p.type}`, json: p.probe.json })));
      expect(replies.length).toBe(probes.length);
      const problems: string[] = [];
      probes.forEach((p, i) => {
        kindsSeen.add(ruleKind(p.probe.label));
        const context = `${p.type} (${p.probe.label}) ${p.probe.json}`;
        const reply = replies[i]!;
        expect(reply.error ?? "", context).not.toMatch(/^no such type/);
        const decoded = p.codec.decode(JSON.parse(p.probe.json));
        if (decoded.ok) {
          problems.push(`${context}: TypeScript accepts an invalid value; ${describeReply(reply)}`);
          return;
        }
        const problem = rejectionProblem(reply, decoded.errors);
        if (problem) problems.push(`${context}: ${problem}`);
      });
      expect(problems.slice(0, 15), `${problems.length} disagreements`).toEqual([]);
    },
  );

  it.each(elmCases().map((c) => c.name))("%s: edge values are decided alike", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const values = new AgreementValues(c.schema, SEED);
    const probes: { type: string; codec: Codec; probe: Probe }[] = [];
    for (const def of c.schema.types) {
      const tsCodec = codec(c, def.name);
      for (const probe of values.edges(def)) probes.push({ type: def.name, codec: tsCodec, probe });
    }
    const replies = await harness!.ask(probes.map((p) => ({ type: `${name}:${p.type}`, json: p.probe.json })));
    expect(replies.length).toBe(probes.length);
    const problems: string[] = [];
    probes.forEach((p, i) => {
      const context = `${p.type} (${p.probe.label}) ${p.probe.json}`;
      const reply = replies[i]!;
      expect(reply.error ?? "", context).not.toMatch(/^no such type/);
      const decoded = p.codec.decode(JSON.parse(p.probe.json));
      if (decoded.ok) {
        const ts = canonical(p.codec.encode(decoded.value));
        if (!elmAccepts(reply)) problems.push(`${context}: TypeScript accepts it as ${ts}; ${describeReply(reply)}`);
        else if (canonical(reply.ok) !== ts)
          problems.push(`${context}: Elm encodes it as ${canonical(reply.ok)}, TypeScript as ${ts}`);
        return;
      }
      const problem = rejectionProblem(reply, decoded.errors);
      if (problem) problems.push(`${context}: ${problem}`);
    });
    expect(problems.slice(0, 15), `${problems.length} disagreements`).toEqual([]);
  });

  it("covered every kind of invalid value, and compared constraint violations", () => {
    for (const kind of KINDS) expect([...kindsSeen], kind).toContain(kind);
    expect(constraintRejections).toBeGreaterThan(0);
  });
});
