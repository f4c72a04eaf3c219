/**
 * Elm and TypeScript agree on the wire format. Every golden case is emitted with its own module
 * prefix (Case1, Case2, ...) into one Elm project, together with a `Platform.worker` harness that
 * receives `{ type, json }` items through a port, decodes each with the type's decoder, re-encodes
 * it and runs its validator. From TypeScript we send fast-check values of every type of the corpus
 * (test/support/arbitrary-json.ts, fixed seed) and check that the Elm encoders give back the
 * normalized input with no violations, then send invalid values and check they are rejected.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContext } from "../emitters/elm/context.js";
import { decoderName, encoderName, validateName } from "../emitters/elm/names.js";
import { constrainedTypes } from "../emitters/elm/validate-module.js";
import type { EmittedFile } from "../src/emit/types.js";
import type { Schema, TypeDef, TypeExpr } from "../src/schema/types.js";
import { WireArbitraries, normalize } from "./support/arbitrary-json.js";
import { elmCases, elmProject, elmReady, emitElm, runElm, schemaOf } from "./support/elm-project.js";

const ready = elmReady("test/elm-roundtrip.test.ts");
const RUNS = 50;
const SEED = 20240229;

interface Case {
  readonly name: string;
  readonly prefix: string;
  readonly schema: Schema;
}

interface Reply {
  readonly ok?: unknown;
  readonly violations?: { path: string; message: string }[];
  readonly error?: string;
}

function harness(cases: readonly Case[]): string {
  const branches: string[] = [];
  for (const c of cases) {
    const constrained = constrainedTypes(buildContext(c.schema));
    for (const def of c.schema.types) {
      const validate = constrained.has(def.name) ? `${c.prefix}.Validate.${validateName(def.name)}` : "noChecks";
      branches.push(
        `        ${JSON.stringify(`${c.name}:${def.name}`)} ->\n            check ${c.prefix}.Types.${decoderName(def.name)} ${c.prefix}.Types.${encoderName(def.name)} ${validate} json\n`,
      );
    }
  }
  const imports = cases.flatMap((c) => [`import ${c.prefix}.Types`, `import ${c.prefix}.Validate`]);
  return `port module Main exposing (main)

${imports.join("\n")}
import Hamlet.Validate
import Json.Decode as Decode
import Json.Encode as Encode
import Platform


port requests : (Decode.Value -> msg) -> Sub msg


port responses : Encode.Value -> Cmd msg


main : Program () () Decode.Value
main =
    Platform.worker
        { init = \\_ -> ( (), Cmd.none )
        , update = \\msg model -> ( model, responses (handleAll msg) )
        , subscriptions = \\_ -> requests identity
        }


handleAll : Decode.Value -> Encode.Value
handleAll value =
    case Decode.decodeValue (Decode.list (Decode.map2 Tuple.pair (Decode.field "type" Decode.string) (Decode.field "json" Decode.string))) value of
        Ok items ->
            Encode.list (\\( typeName, json ) -> handle typeName json) items

        Err err ->
            Encode.string (Decode.errorToString err)


handle : String -> String -> Encode.Value
handle typeName json =
    case typeName of
${branches.join("\n")}
        _ ->
            Encode.object [ ( "error", Encode.string ("no such type " ++ typeName) ) ]


check : Decode.Decoder a -> (a -> Encode.Value) -> (a -> List Hamlet.Validate.Violation) -> String -> Encode.Value
check decoder encode validate json =
    case Decode.decodeString decoder json of
        Ok value ->
            Encode.object
                [ ( "ok", encode value )
                , ( "violations", Encode.list (\\v -> Encode.object [ ( "path", Encode.string v.path ), ( "message", Encode.string v.message ) ]) (validate value) )
                ]

        Err err ->
            Encode.object [ ( "error", Encode.string (Decode.errorToString err) ) ]


noChecks : a -> List Hamlet.Validate.Violation
noChecks _ =
    []
`;
}

interface ElmWorker {
  ports: {
    requests: { send(value: unknown): void };
    responses: { subscribe(f: (value: unknown) => void): void };
  };
}

let cases: Case[] = [];
let worker: ElmWorker | undefined;
let cleanup: (() => void) | undefined;
let pending: ((value: unknown) => void) | undefined;

/** Sends items to the Elm harness and waits for its answers (one batch at a time). */
async function ask(items: readonly { type: string; json: string }[]): Promise<Reply[]> {
  if (!worker) throw new Error("the Elm harness did not start");
  const answer = new Promise<unknown>((resolve) => (pending = resolve));
  worker.ports.requests.send(items);
  const value = await answer;
  if (!Array.isArray(value)) throw new Error(`harness error: ${String(value)}`);
  return value as Reply[];
}

beforeAll(async () => {
  if (!ready) return;
  cases = elmCases().map((c, i) => ({ name: c.name, prefix: `Case${i + 1}`, schema: schemaOf(c.entry) }));
  const files = new Map<string, EmittedFile>();
  for (const c of cases) for (const f of await emitElm(c.schema, c.prefix)) files.set(f.path, f);
  const project = elmProject([...files.values(), { path: "Main.elm", content: harness(cases) }]);
  cleanup = project.cleanup;
  const { status, output } = runElm(project.dir, ["make", "src/Main.elm", "--output=main.js"]);
  if (status !== 0) throw new Error(`elm make failed:\n${output}`);
  const scope: { Elm?: { Main: { init(): ElmWorker } } } = {};
  new Function(readFileSync(join(project.dir, "main.js"), "utf8")).call(scope);
  worker = scope.Elm!.Main.init();
  worker.ports.responses.subscribe((value) => {
    const resolve = pending;
    pending = undefined;
    resolve?.(value);
  });
}, 120_000);

afterAll(() => cleanup?.());

/** The primitive (or kind) a type is on the wire, through aliases. */
function wireKind(schema: Schema, t: TypeExpr): string {
  if (t.kind === "primitive") return t.name;
  if (t.kind !== "ref") return t.kind;
  const def = schema.types.find((d) => d.name === t.name)!;
  if (def.kind === "alias") return wireKind(schema, def.type);
  if (def.kind === "record") return "record";
  const tagged =
    !def.plain || (def.origin.kind === "part" && (def.origin.role === "errors" || def.origin.role === "messages"));
  return tagged ? "tagged" : "plain";
}

const WRONG: Record<string, string[]> = {
  String: ["42", "null", "[]"],
  Int: ['"1"', "1.5", "9007199254740992", "-9007199254740992", "true"],
  Float: ['"1.5"', "null", "{}"],
  Bool: ['"true"', "0", "null"],
  Uuid: ['"123e4567-e89b-12d3-a456-42661417400"', '"{123e4567-e89b-12d3-a456-426614174000}"', "7"],
  Timestamp: ['"2024-02-30T00:00:00Z"', '"2024-03-05T07:08:60Z"', '"2024-03-05 07:08:09Z"', '"2024-03-05T07:08:09"'],
  Date: ['"2024-02-30"', '"2024-2-3"', "20240203"],
  Bytes: ['"abc"', '"aGFtbGV0\\n"', '"aGFtbGV1="', "12"],
  Json: [],
  list: ["{}", '"x"'],
  map: ["[]", '{"__proto__":1}', '{"constructor":1}'],
  record: ["42", "[]", '"x"', "null"],
  plain: ['"NoSuchVariant"', "42"],
  tagged: ['{"tag":"NoSuchVariant"}', '{"name":"x"}', '"x"'],
};

function invalidValues(schema: Schema, def: TypeDef, sample: unknown): { json: string; expect?: string }[] {
  const out: { json: string; expect?: string }[] = [];
  const kind = wireKind(schema, { kind: "ref", name: def.name });
  for (const json of WRONG[kind] ?? []) out.push({ json });
  if (def.kind === "enum") {
    const allowed = def.variants.map((v) => v.name).join(", ");
    out.push(
      kind === "plain"
        ? { json: '"NoSuchVariant"', expect: `unknown value "NoSuchVariant"; expected one of: ${allowed}` }
        : { json: '{"tag":"NoSuchVariant"}', expect: `unknown tag "NoSuchVariant"; expected one of: ${allowed}` },
    );
  }
  if (def.kind === "record" && sample && typeof sample === "object") {
    const value = sample as Record<string, unknown>;
    for (const f of def.fields) {
      if (f.type.kind === "optional" || f.default !== undefined) continue;
      const { [f.name]: _dropped, ...rest } = value;
      out.push({ json: JSON.stringify(rest) });
      const fieldKind = wireKind(schema, f.type);
      for (const wrong of (WRONG[fieldKind] ?? []).slice(0, 2))
        out.push({ json: JSON.stringify({ ...value, [f.name]: "@@" }).replace('"@@"', wrong) });
    }
    const body = JSON.stringify(value);
    out.push({ json: body === "{}" ? '{"__proto__":1}' : `{"prototype":1,${body.slice(1)}` });
  }
  return out;
}

describe.skipIf(!ready)("Elm codecs agree with the wire format", () => {
  it("the harness runs", async () => {
    expect(await ask([])).toEqual([]);
  });

  it.each(elmCases().map((c) => c.name))("%s: every type round-trips and validates", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const arbitraries = new WireArbitraries(c.schema);
    const items: { type: string; json: string; input: unknown; def: TypeDef }[] = [];
    for (const def of c.schema.types) {
      for (const value of fc.sample(arbitraries.named(def.name), { numRuns: RUNS, seed: SEED })) {
        items.push({ type: `${name}:${def.name}`, json: JSON.stringify(value), input: value, def });
      }
    }
    const replies = await ask(items);
    expect(replies.length).toBe(items.length);
    items.forEach((item, i) => {
      const reply = replies[i]!;
      const context = `${item.type} ${item.json}`;
      expect(reply.error, context).toBeUndefined();
      const expected = normalize(c.schema, { kind: "ref", name: item.def.name }, JSON.parse(item.json));
      expect(reply.ok, context).toEqual(expected);
      expect(reply.violations, context).toEqual([]);
    });
  });

  it.each(elmCases().map((c) => c.name))("%s: invalid values are rejected", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const arbitraries = new WireArbitraries(c.schema, { maxDepth: 1 });
    const items: { type: string; json: string; expect?: string }[] = [];
    for (const def of c.schema.types) {
      const [sample] = fc.sample(arbitraries.named(def.name), { numRuns: 1, seed: SEED });
      for (const bad of invalidValues(c.schema, def, sample)) items.push({ type: `${name}:${def.name}`, ...bad });
    }
    expect(items.length).toBeGreaterThan(0);
    const replies = await ask(items);
    items.forEach((item, i) => {
      const reply = replies[i]!;
      expect(reply.error, `${item.type} accepted ${item.json} as ${JSON.stringify(reply.ok)}`).toBeDefined();
      if (item.expect) expect(reply.error).toContain(item.expect);
    });
  });
});
