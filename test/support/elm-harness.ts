/**
 * An Elm `Platform.worker` over the generated modules of several cases, shared by the Elm tests
 * that need to run Elm decoders from TypeScript (elm-roundtrip, elm-typescript-agreement).
 *
 * Every case is emitted with its own module prefix (Case1, Case2, ...) into one Elm project,
 * together with a harness that receives `{ type, json }` items through a port. For a type
 * (`"<case>:<Type>"`) it decodes `json` with the type's decoder, re-encodes the value and runs
 * the type's validator (Api.Validate, or no checks when the type has no constraints); for an
 * endpoint (`"<case>:url:<Endpoint>"`) it decodes the request and builds its URL.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildContext } from "../../emitters/elm/context.js";
import { decoderName, encoderName, endpointName, validateName } from "../../emitters/elm/names.js";
import { constrainedTypes } from "../../emitters/elm/validate-module.js";
import type { EmittedFile } from "../../src/emit/types.js";
import type { Schema } from "../../src/schema/types.js";
import { elmProject, emitElm, runElmAsync } from "./elm-project.js";

export interface HarnessCase {
  readonly name: string;
  readonly prefix: string;
  readonly schema: Schema;
}

/**
 * The harness's answer to one item: `ok` (the re-encoded value, or the URL) with the validator's
 * `violations`, or the decoder's `error`.
 */
export interface Reply {
  readonly ok?: unknown;
  readonly violations?: { path: string; message: string }[];
  readonly error?: string;
}

export interface HarnessItem {
  readonly type: string;
  readonly json: string;
}

export function harnessSource(cases: readonly HarnessCase[]): string {
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
  for (const c of cases) {
    for (const ep of c.schema.endpoints) {
      branches.push(
        `        ${JSON.stringify(`${c.name}:url:${ep.name}`)} ->\n            url ${c.prefix}.Types.${decoderName(ep.request)} (${c.prefix}.Endpoints.${endpointName(ep.name)}Url { baseUrl = "https://h" }) json\n`,
      );
    }
  }
  const imports = cases.flatMap((c) => [
    // A schema without types has no Types module.
    ...(c.schema.types.length > 0 ? [`import ${c.prefix}.Types`] : []),
    `import ${c.prefix}.Validate`,
    ...(c.schema.endpoints.length > 0 ? [`import ${c.prefix}.Endpoints`] : []),
  ]);
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


url : Decode.Decoder a -> (a -> String) -> String -> Encode.Value
url decoder toUrl json =
    case Decode.decodeString decoder json of
        Ok value ->
            Encode.object [ ( "ok", Encode.string (toUrl value) ) ]

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

/** A running harness: `ask` sends items and resolves with one reply per item, in order. */
export class ElmHarness {
  private pending: ((value: unknown) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly worker: ElmWorker,
    readonly cleanup: () => void,
  ) {
    worker.ports.responses.subscribe((value) => {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(value);
    });
  }

  /** Emits the cases, compiles the harness with `elm make` (asynchronously) and starts it. */
  static async start(cases: readonly HarnessCase[]): Promise<ElmHarness> {
    const files = new Map<string, EmittedFile>();
    for (const c of cases) for (const f of await emitElm(c.schema, c.prefix)) files.set(f.path, f);
    const project = elmProject([...files.values(), { path: "Main.elm", content: harnessSource(cases) }]);
    try {
      const { status, output } = await runElmAsync(project.dir, ["make", "src/Main.elm", "--output=main.js"]);
      if (status !== 0) throw new Error(`elm make failed:\n${output}`);
      const scope: { Elm?: { Main: { init(): ElmWorker } } } = {};
      new Function(readFileSync(join(project.dir, "main.js"), "utf8")).call(scope);
      return new ElmHarness(scope.Elm!.Main.init(), project.cleanup);
    } catch (error) {
      project.cleanup();
      throw error;
    }
  }

  /** Sends items to the harness and waits for its answers (batches never overlap). */
  ask(items: readonly HarnessItem[]): Promise<Reply[]> {
    const run = async (): Promise<Reply[]> => {
      const answer = new Promise<unknown>((resolve) => (this.pending = resolve));
      this.worker.ports.requests.send(items.map(({ type, json }) => ({ type, json })));
      const value = await answer;
      if (!Array.isArray(value)) throw new Error(`harness error: ${String(value)}`);
      return value as Reply[];
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
