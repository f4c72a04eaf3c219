/**
 * `<Prefix>/Sse.elm`: a `port module` with typed subscriptions to the schema's `sse` streams and,
 * when it declares workflows, to the built-in workflow status stream (`/hamlet/runs`). The
 * JavaScript companion (`runtime-elm/js/sse.js`, `connectSse(app)`) owns the `EventSource`s:
 * `open`/`close` reach it through the `hamletSseCommand` port, each stream's raw `data` strings
 * come back through its own port (`hamletSse<Name>`), and the generated decoders turn them into
 * values, so nothing untyped reaches the application. Printed in elm-format's layout.
 */
import type { Schema, SseDef } from "../../src/schema/types.js";
import { decoderName, typeName } from "./names.js";

/** The route of a declared stream (the TypeScript emitter's `ssePath`). */
const pathOf = (name: string): string => `/hamlet/sse/${name}`;

interface StreamInfo {
  readonly constructor: string;
  readonly wireName: string;
  readonly url: string;
  readonly port: string;
}

const RUNS: StreamInfo = {
  constructor: "HamletRuns",
  wireName: "hamlet.runs",
  url: "/hamlet/runs",
  port: "hamletSseRuns",
};

function messageType(sse: SseDef): string {
  if (sse.type.kind !== "ref")
    throw new Error(`sse ${sse.name}: its message type must be a named type or an inline record`);
  return sse.type.name;
}

function info(sse: SseDef): StreamInfo {
  return { constructor: sse.name, wireName: sse.name, url: pathOf(sse.name), port: `hamletSse${sse.name}` };
}

function caseOf(streams: readonly StreamInfo[], value: (s: StreamInfo) => string): string {
  return streams.map((s) => `        ${s.constructor} ->\n            ${value(s)}`).join("\n\n");
}

function streamSub(sse: SseDef): string {
  const t = typeName(messageType(sse));
  const name = `on${sse.name}`;
  const docs = sse.docs.length > 0 ? `${sse.docs.join("\n")}\n\n` : "";
  return `{-| ${docs}Messages of \`sse ${sse.name}\`, decoded with \`Types.${decoderName(t)}\` (an \`Err\` when one does not
match its type). Call \`open ${sse.name}\` to start receiving them.
${docs === "" ? "" : "\n"}-}
${name} : (Result Decode.Error Types.${t} -> msg) -> Sub msg
${name} toMsg =
    hamletSse${sse.name} (\\data -> toMsg (Decode.decodeString Types.${decoderName(t)} data))


port hamletSse${sse.name} : (String -> msg) -> Sub msg`;
}

const RUN_PART = `{-| A change to a workflow run started by this session: a step's progress, a step waiting, done or
failed, or the run's end. \`step\` is \`Nothing\` for a change of the run alone; \`progress\` is what a
running step reported (\`StepRunning\`), as JSON for the app to decode.
-}
type alias RunUpdate =
    { runId : String
    , workflow : String
    , status : RunStatus
    , step : Maybe String
    , stepStatus : Maybe StepStatus
    , progress : Maybe Decode.Value
    , correlationId : String
    }


{-| Where a run is.
-}
type RunStatus
    = Running
    | Completed
    | Failed


{-| Where a step is: running (it reported \`progress\`), waiting for a service call it made
(\`awaitService\`), or how it ended.
-}
type StepStatus
    = StepRunning
    | StepWaiting
    | StepDone
    | StepFailed


{-| Updates of the workflow runs this session started (\`GET /hamlet/runs\`). Call \`open HamletRuns\`
to start receiving them.
-}
onRunUpdate : (Result Decode.Error RunUpdate -> msg) -> Sub msg
onRunUpdate toMsg =
    hamletSseRuns (\\data -> toMsg (Decode.decodeString runUpdateDecoder data))


port hamletSseRuns : (String -> msg) -> Sub msg


{-| Decodes a message of \`/hamlet/runs\`.
-}
runUpdateDecoder : Decode.Decoder RunUpdate
runUpdateDecoder =
    Decode.map7 RunUpdate
        (Decode.field "runId" Decode.string)
        (Decode.field "workflow" Decode.string)
        (Decode.field "status" (enumeration [ ( "running", Running ), ( "completed", Completed ), ( "failed", Failed ) ]))
        (Decode.field "step" (Decode.nullable Decode.string))
        (Decode.field "stepStatus" (Decode.nullable (enumeration [ ( "running", StepRunning ), ( "waiting", StepWaiting ), ( "done", StepDone ), ( "failed", StepFailed ) ])))
        (Decode.oneOf [ Decode.field "progress" (Decode.nullable Decode.value), Decode.succeed Nothing ])
        (Decode.field "correlationId" Decode.string)


enumeration : List ( String, a ) -> Decode.Decoder a
enumeration choices =
    Decode.string
        |> Decode.andThen
            (\\text ->
                case List.filter (\\( name, _ ) -> name == text) choices of
                    ( _, value ) :: _ ->
                        Decode.succeed value

                    [] ->
                        Decode.fail ("unexpected " ++ text)
            )`;

/** The module, or `undefined` when the schema has no stream and no workflow. */
export function sseModule(schema: Schema, moduleName: string, typesModule: string): string | undefined {
  const runs = schema.workflows.length > 0;
  if (schema.sse.length === 0 && !runs) return undefined;
  const streams = [...schema.sse.map(info), ...(runs ? [RUNS] : [])];
  const exposed = [
    "Connection(..)",
    ...(runs ? ["RunStatus(..)", "RunUpdate", "StepStatus(..)"] : []),
    "Stream(..)",
    "close",
    "onConnection",
    ...schema.sse.map((s) => `on${s.name}`),
    ...(runs ? ["onRunUpdate", "runUpdateDecoder"] : []),
    "open",
  ];
  const sorted = [...exposed.filter((e) => /^[A-Z]/.test(e)).sort(), ...exposed.filter((e) => /^[a-z]/.test(e)).sort()];
  const imports = [
    ...(schema.sse.length > 0 ? [`import ${typesModule} as Types`] : []),
    "import Json.Decode as Decode",
  ].sort();
  const names = streams.map((s) => s.constructor);
  return `port module ${moduleName} exposing (${sorted.join(", ")})

{-| Server-sent-event streams of the \`${schema.package}\` schema, over ports. Wire the JavaScript
companion once (\`connectSse(app)\` from \`runtime-elm/js/sse.js\`); it owns the \`EventSource\`s, reconnects
with backoff and resumes from the last event id, and hands each message's raw text to the decoders here.

Generated by hamletc; do not edit.

-}

${imports.join("\n")}


{-| The streams this schema offers.
-}
type Stream
    = ${names.join("\n    | ")}


{-| The state of a stream's connection, as the companion reports it: \`Reconnecting\` carries the delay
in milliseconds before the next attempt.
-}
type Connection
    = Connecting
    | Open
    | Reconnecting Int
    | Closed


{-| Starts receiving a stream (again a no-op when it is already open).
-}
open : Stream -> Cmd msg
open stream =
    hamletSseCommand { op = "open", stream = streamName stream, url = streamUrl stream, port_ = streamPort stream }


{-| Stops receiving a stream.
-}
close : Stream -> Cmd msg
close stream =
    hamletSseCommand { op = "close", stream = streamName stream, url = streamUrl stream, port_ = streamPort stream }


{-| Reports of the streams' connection states.
-}
onConnection : (Result Decode.Error ( Stream, Connection ) -> msg) -> Sub msg
onConnection toMsg =
    hamletSseConnection (\\report -> toMsg (Decode.decodeValue connectionDecoder report))


connectionDecoder : Decode.Decoder ( Stream, Connection )
connectionDecoder =
    Decode.map2 Tuple.pair
        (Decode.field "stream" Decode.string |> Decode.andThen streamDecoder)
        (Decode.field "state" Decode.string
            |> Decode.andThen
                (\\state ->
                    case state of
                        "connecting" ->
                            Decode.succeed Connecting

                        "open" ->
                            Decode.succeed Open

                        "reconnecting" ->
                            Decode.map Reconnecting (Decode.field "retryInMs" Decode.int)

                        "closed" ->
                            Decode.succeed Closed

                        _ ->
                            Decode.fail ("unknown connection state " ++ state)
                )
        )


streamDecoder : String -> Decode.Decoder Stream
streamDecoder name =
    case name of
${streams.map((s) => `        ${JSON.stringify(s.wireName)} ->\n            Decode.succeed ${s.constructor}`).join("\n\n")}

        _ ->
            Decode.fail ("unknown stream " ++ name)


streamName : Stream -> String
streamName stream =
    case stream of
${caseOf(streams, (s) => JSON.stringify(s.wireName))}


streamUrl : Stream -> String
streamUrl stream =
    case stream of
${caseOf(streams, (s) => JSON.stringify(s.url))}


streamPort : Stream -> String
streamPort stream =
    case stream of
${caseOf(streams, (s) => JSON.stringify(s.port))}


port hamletSseCommand : { op : String, stream : String, url : String, port_ : String } -> Cmd msg


port hamletSseConnection : (Decode.Value -> msg) -> Sub msg


${[...schema.sse.map(streamSub), ...(runs ? [RUN_PART] : [])].join("\n\n\n")}
`;
}
