/**
 * `<Prefix>/WebSocket.elm`: a `port module` with, per `websocket` declaration, typed `send…`
 * commands and `on…` subscriptions over ports that runtime-elm/js/websocket.js serves.
 *
 * Ports are per declaration (`hamletWs<Name>Send`, `hamletWs<Name>State`, `hamletWs<Name>Problem`
 * and one `hamletWs<Name>Message<Tag>` per message variant): Elm has no way to filter a
 * subscription, so the companion routes each frame by its tag to that variant's port and an
 * `on<Variant>` subscription only ever fires for its own variant. Ports the page never uses are
 * removed by the Elm compiler; the companion skips them. The JSON of every frame is decoded here,
 * by the generated decoders, never in JavaScript.
 */
import type { EnumDef, VariantDef, WebSocketDef } from "../../src/schema/types.js";
import { elmString, elmType, type ElmContext } from "./context.js";
import { docComment, paragraph, userParagraphs } from "./doc-comment.js";
import { printPortModule } from "./module-file.js";
import { decoderName, encoderName, fieldNames, lowerFirst, typeName } from "./names.js";
import { caseOf, customType, indent, recordType, type Block } from "./printer.js";

/** The port names a declaration uses; runtime-elm/js/websocket.js computes the same ones. */
export function webSocketPorts(ws: WebSocketDef, variants: readonly string[]) {
  const base = `hamletWs${ws.name}`;
  return {
    send: `${base}Send`,
    state: `${base}State`,
    problem: `${base}Problem`,
    message: new Map(variants.map((v) => [v, `${base}Message${v}`])),
  };
}

/** Reserves names in order: a name already taken gets a trailing `_`. */
function nameKeeper(): (name: string) => string {
  const taken = new Set<string>();
  return (name) => {
    let unique = name;
    while (taken.has(unique)) unique = `${unique}_`;
    taken.add(unique);
    return unique;
  };
}

function port(name: string, type: string): Block {
  return [`port ${name} : ${type}`];
}

function fn(doc: Block, name: string, annotation: string, params: string, body: Block): Block {
  return [...doc, `${name} : ${annotation}`, `${name}${params ? ` ${params}` : ""} =`, ...indent(body)];
}

function payloadType(ctx: ElmContext, v: VariantDef): string {
  if (v.fields.length === 0) return "()";
  const names = fieldNames(v.fields.map((f) => f.name));
  return recordType(v.fields.map((f, i) => [names[i]!, elmType(ctx, f.type)]));
}

interface SocketPart {
  readonly exposing: string[];
  readonly declarations: Block[];
}

function socketPart(ctx: ElmContext, ws: WebSocketDef, reserve: (name: string) => string): SocketPart {
  const def = ctx.types.get(ws.message) as EnumDef;
  const ports = webSocketPorts(
    ws,
    def.variants.map((v) => v.name),
  );
  const ctors = ctx.variants.get(def.name)!;
  const messageType = `${ctx.qualifier}${typeName(def.name)}`;
  const messageDecoder = `${ctx.qualifier}${decoderName(def.name)}`;
  const where = `\`websocket ${ws.name}\` (\`${ws.path}\`)`;
  const sendAll = reserve(`send${typeName(ws.name)}`);
  const onState = reserve(`on${typeName(ws.name)}ConnectionChange`);
  const onProblem = reserve(`on${typeName(ws.name)}Problem`);
  const declarations: Block[] = [
    port(ports.send, "String -> Cmd msg"),
    port(ports.state, "(Decode.Value -> msg) -> Sub msg"),
    port(ports.problem, "(Decode.Value -> msg) -> Sub msg"),
    ...def.variants.map((v) => port(ports.message.get(v.name)!, "(Decode.Value -> msg) -> Sub msg")),
    fn(
      docComment([
        ...userParagraphs(ws.docs),
        paragraph(
          `Sends a message on ${where}. While the socket is (re)connecting the companion queues it`,
          "(a bounded queue; overflow is reported as `SendsDropped`).",
        ),
      ]),
      sendAll,
      `${messageType} -> Cmd msg`,
      "message",
      [`${ports.send} (Encode.encode 0 (${ctx.qualifier}${encoderName(def.name)} message))`],
    ),
    fn(
      docComment([paragraph(`The connection state of ${where}, each time it changes.`)]),
      onState,
      "(ConnectionState -> msg) -> Sub msg",
      "toMsg",
      [`${ports.state} (\\value -> toMsg (connectionStateOf value))`],
    ),
    fn(
      docComment([
        paragraph(
          `Frames of ${where} that are not messages: the server's refusal of a frame this page sent,`,
          "an unexpected frame, or sends dropped while disconnected.",
        ),
      ]),
      onProblem,
      "(Problem -> msg) -> Sub msg",
      "toMsg",
      [`${ports.problem} (\\value -> toMsg (problemOf value))`],
    ),
  ];
  const exposing = [sendAll, onState, onProblem];
  for (const v of def.variants) {
    const ctor = ctors.get(v.name)!;
    const qualifiedCtor = `${ctx.qualifier}${ctor}`;
    const payload = payloadType(ctx, v);
    const send = reserve(`send${ctor}`);
    const on = reserve(`on${ctor}`);
    const select = reserve(`${lowerFirst(ctor)}Payload`);
    const fields = v.fields.length > 0;
    declarations.push(
      fields
        ? fn(
            docComment([paragraph(`Sends a \`${v.name}\` message on ${where}.`)]),
            send,
            `${payload} -> Cmd msg`,
            "payload",
            [`${sendAll} (${qualifiedCtor} payload)`],
          )
        : fn(docComment([paragraph(`Sends a \`${v.name}\` message on ${where}.`)]), send, "Cmd msg", "", [
            `${sendAll} ${qualifiedCtor}`,
          ]),
      fn(
        docComment([
          paragraph(
            `Every \`${v.name}\` message from ${where}, decoded by the generated decoder; a frame that`,
            "does not decode arrives as an `Err`.",
          ),
        ]),
        on,
        `(Result Decode.Error ${payload} -> msg) -> Sub msg`,
        "toMsg",
        [`${ports.message.get(v.name)!} (\\value -> toMsg (decodeVariant ${messageDecoder} ${select} value))`],
      ),
      fn(
        [],
        select,
        `${messageType} -> Maybe ${payload}`,
        "message",
        caseOf("message", [
          [fields ? `${qualifiedCtor} payload` : qualifiedCtor, fields ? "Just payload" : "Just ()"],
          ...(def.variants.length > 1 ? ([["_", "Nothing"]] as const) : []),
        ]),
      ),
    );
    exposing.push(send, on);
  }
  return { exposing, declarations };
}

const SHARED: Block[] = [
  customType(
    docComment([
      paragraph(
        "The state of a socket as runtime-elm/js/websocket.js reports it. `Disconnected` says when the next",
        "attempt is made (`Nothing`: the page closed the socket and it stays closed).",
      ),
    ]),
    "ConnectionState",
    ["Connecting", "Connected", "Disconnected { code : Int, reason : String, retryInMs : Maybe Int }"],
  ),
  customType(
    docComment([
      paragraph(
        "A frame that is not a message: the server refused a frame this page sent, the server sent something",
        "that is not a message of the websocket (its text), or sends were dropped because the queue was full",
        "while disconnected.",
      ),
    ]),
    "Problem",
    ["Refused Refusal", "UnexpectedFrame String", "SendsDropped Int"],
  ),
  customType(
    docComment([
      paragraph(
        "Why the server refused a frame; after repeated refusals it closes the connection (code 1007 or 1008).",
      ),
    ]),
    "Refusal",
    ["InvalidJson", "BinaryFrame", "RateLimited", "InvalidMessage (List { path : String, message : String })"],
  ),
];

const HELPERS: Block[] = [
  `
decodeVariant : Decode.Decoder m -> (m -> Maybe a) -> Decode.Value -> Result Decode.Error a
decodeVariant decoder select value =
    case Decode.decodeValue decoder value of
        Ok message ->
            case select message of
                Just payload ->
                    Ok payload

                Nothing ->
                    Err (Decode.Failure "a message of another variant arrived on this port" value)

        Err error ->
            Err error


connectionStateOf : Decode.Value -> ConnectionState
connectionStateOf value =
    let
        disconnected =
            Decode.map3 (\\code reason retry -> Disconnected { code = code, reason = reason, retryInMs = retry })
                (Decode.field "code" Decode.int)
                (Decode.field "reason" Decode.string)
                (Decode.field "retryInMs" (Decode.nullable Decode.int))

        decoder =
            Decode.field "state" Decode.string
                |> Decode.andThen
                    (\\state ->
                        case state of
                            "connecting" ->
                                Decode.succeed Connecting

                            "connected" ->
                                Decode.succeed Connected

                            _ ->
                                disconnected
                    )
    in
    case Decode.decodeValue decoder value of
        Ok state ->
            state

        Err error ->
            Disconnected { code = 0, reason = Decode.errorToString error, retryInMs = Nothing }


problemOf : Decode.Value -> Problem
problemOf value =
    let
        issue =
            Decode.map2 (\\path message -> { path = path, message = message })
                (Decode.field "path" Decode.string)
                (Decode.field "message" Decode.string)

        refusal error =
            case error of
                "InvalidJson" ->
                    Decode.succeed InvalidJson

                "BinaryFrame" ->
                    Decode.succeed BinaryFrame

                "RateLimited" ->
                    Decode.succeed RateLimited

                "InvalidMessage" ->
                    Decode.map InvalidMessage (Decode.field "issues" (Decode.list issue))

                _ ->
                    Decode.fail ("unknown refusal " ++ error)

        decoder =
            Decode.field "tag" Decode.string
                |> Decode.andThen
                    (\\tag ->
                        case tag of
                            "$error" ->
                                Decode.map Refused (Decode.field "error" Decode.string |> Decode.andThen refusal)

                            "$dropped" ->
                                Decode.map SendsDropped (Decode.field "count" Decode.int)

                            "$unexpected" ->
                                Decode.map UnexpectedFrame (Decode.field "text" Decode.string)

                            _ ->
                                Decode.fail ("unknown problem " ++ tag)
                    )
    in
    case Decode.decodeValue decoder value of
        Ok problem ->
            problem

        Err _ ->
            UnexpectedFrame (Encode.encode 0 value)
`,
]
  .join("")
  .trim()
  .split("\n\n\n")
  .map((text) => text.split("\n"));

export function webSocketModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  if (ctx.schema.websockets.length === 0) return undefined;
  // Names used by the shared declarations and helpers come first, so a message never takes them.
  const reserve = nameKeeper();
  for (const name of ["decodeVariant", "connectionStateOf", "problemOf"]) reserve(name);
  const parts = ctx.schema.websockets.map((ws) => socketPart(ctx, ws, reserve));
  const wiring = ctx.schema.websockets.map(
    (ws) => `\`connectWebSocket(app, { name: ${elmString(ws.name)}, url: ${elmString(ws.path)} })\``,
  );
  return printPortModule({
    name: moduleName,
    exposing: ["ConnectionState(..)", "Problem(..)", "Refusal(..)", ...parts.flatMap((p) => p.exposing)],
    intro: [
      `Typed messages over the websockets of the \`${ctx.schema.package}\` schema. \`send…\` commands encode with the`,
      "generated encoders; `on…` subscriptions decode with the generated decoders and fire only for their own",
      "message. The socket itself (connecting, queueing sends, reconnecting with backoff) is owned by",
      "`connectWebSocket` from runtime-elm/js/websocket.js, started next to the Elm app once per websocket:",
      ...wiring,
    ],
    typesModule,
    declarations: [...SHARED, ...parts.flatMap((p) => p.declarations)],
    helpers: HELPERS,
  });
}
