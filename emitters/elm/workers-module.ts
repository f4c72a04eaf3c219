/**
 * `<Prefix>/Workers.elm`: a `port module` giving, per `worker`, `start<Worker>`, `cancel<Worker>`
 * and `on<Worker>` over two ports (`<worker>ToWorker`, `<worker>FromWorker`). The page wires the
 * ports to browser Web Workers with `connectWorkers` of runtime-elm/js/worker.js, which forwards
 * messages unchanged: every reply is decoded here with the generated decoders, and a reply that
 * does not decode becomes a typed `InvalidReply` failure, never a half-typed value.
 */
import type { WorkerDef } from "../../src/schema/types.js";
import type { ElmContext } from "./context.js";
import { docComment, paragraph, userParagraphs } from "./doc-comment.js";
import { printPortModule } from "./module-file.js";
import { decoderName, encoderName, lowerFirst, typeName } from "./names.js";
import { caseOf, customType, typeAlias, valueDeclaration, type Block } from "./printer.js";

/** `Decode.map ThumbnailerProgress (Decode.field "value" Types.processingProgressDecoder)` */
function valueDecoder(ctx: ElmContext, variant: string, type: string): string {
  return `Decode.map ${variant} (Decode.field "value" ${ctx.qualifier}${decoderName(type)})`;
}

function workerDeclarations(ctx: ElmContext, w: WorkerDef): { exposing: string[]; declarations: Block[] } {
  const name = typeName(w.name);
  const lower = lowerFirst(name);
  const event = `${name}Event`;
  const input = ctx.qualifier + typeName(w.input!);
  const toPort = `${lower}ToWorker`;
  const fromPort = `${lower}FromWorker`;
  const variants: string[] = [];
  const branches: [string, string][] = [];
  if (w.progress !== undefined) {
    variants.push(`${name}Progress ${ctx.qualifier}${typeName(w.progress)}`);
    branches.push(['"progress"', valueDecoder(ctx, `${name}Progress`, w.progress)]);
  }
  if (w.output !== undefined) {
    variants.push(`${name}Output ${ctx.qualifier}${typeName(w.output)}`);
    branches.push(['"output"', valueDecoder(ctx, `${name}Output`, w.output)]);
  } else {
    variants.push(`${name}Output`);
    branches.push(['"output"', `Decode.succeed ${name}Output`]);
  }
  if (w.error !== undefined) {
    variants.push(`${name}Error ${ctx.qualifier}${typeName(w.error)}`);
    branches.push(['"error"', valueDecoder(ctx, `${name}Error`, w.error)]);
  }
  variants.push(`${name}Failed Failure`);
  branches.push(['"failure"', `Decode.map ${name}Failed (Decode.field "failure" failureDecoder)`]);
  branches.push(["_", `Decode.fail ("unknown message " ++ tag)`]);
  const docs = userParagraphs(w.docs);
  return {
    exposing: [`${event}(..)`, `start${name}`, `cancel${name}`, `on${name}`],
    declarations: [
      [
        ...docComment([
          paragraph(`Messages from the page to the Web Workers of \`${w.name}\` (wired by \`worker.js\`).`),
        ]),
        `port ${toPort} : Encode.Value -> Cmd msg`,
      ],
      [
        ...docComment([paragraph(`Replies of the Web Workers of \`${w.name}\`, each with its job id.`)]),
        `port ${fromPort} : (Decode.Value -> msg) -> Sub msg`,
      ],
      customType(
        docComment([
          ...docs,
          paragraph(
            `What a run of \`${w.name}\` reports: progress (any number of times), then exactly one of its output,`,
            "its declared error or a failure.",
          ),
        ]),
        event,
        variants,
      ),
      valueDeclaration({
        doc: docComment([
          paragraph(
            `Starts a run of \`${w.name}\` in a new Web Worker. The job id comes back with every message of the run,`,
            "so several runs can go on at once; the worker validates the input before its body runs.",
          ),
        ]),
        name: `start${name}`,
        annotation: `JobId -> ${input} -> Cmd msg`,
        params: "job input",
        body: [
          `${toPort} (Encode.object [ ( "tag", Encode.string "start" ), ( "job", Encode.string job ), ( "input", ${ctx.qualifier}${encoderName(w.input!)} input ) ])`,
        ],
      }),
      valueDeclaration({
        doc: docComment([
          paragraph(
            `Stops a run of \`${w.name}\`: its Web Worker is terminated and the run ends with \`${name}Failed Cancelled\`.`,
          ),
        ]),
        name: `cancel${name}`,
        annotation: "JobId -> Cmd msg",
        params: "job",
        body: [`${toPort} (Encode.object [ ( "tag", Encode.string "cancel" ), ( "job", Encode.string job ) ])`],
      }),
      valueDeclaration({
        doc: docComment([
          paragraph(
            `Every message of every run of \`${w.name}\`, decoded with the generated decoders; a message that`,
            "does not decode arrives as a failure (`InvalidReply`).",
          ),
        ]),
        name: `on${name}`,
        annotation: `(JobId -> ${event} -> msg) -> Sub msg`,
        params: "toMsg",
        body: [`${fromPort} (reply ${name}Failed ${lower}EventDecoder toMsg)`],
      }),
      valueDeclaration({
        name: `${lower}EventDecoder`,
        annotation: `String -> Decode.Decoder ${event}`,
        params: "tag",
        body: caseOf("tag", branches),
      }),
    ],
  };
}

/** The declarations every workers module has, in elm-format's layout. */
const SHARED: Block[] = [
  [
    "{-| Tells the runs of a worker apart: chosen by the app, echoed on every message of the run.",
    "-}",
    "type alias JobId =",
    "    String",
  ],
  [
    "{-| One problem of a malformed message, as the validator reports it: its path (`$.width`) and what is wrong.",
    "-}",
    "type alias Issue =",
    "    { path : String, message : String }",
  ],
  [
    "{-| Why a run ended with neither its output nor its declared error. `Crashed`: the worker threw, failed to",
    "load or could not start. `Cancelled`: the app cancelled it. `TimedOut ms`: the run took longer than the",
    "`timeoutMs` given to `connectWorkers` (milliseconds), so its Web Worker was stopped. `InvalidInput`: the",
    "worker's validator rejected the input, so the body never ran. `InvalidReply`: a progress, output or error",
    "message (named by the string) failed the worker's validator or the decoder here; it was not delivered.",
    "-}",
    "type Failure",
    "    = Crashed String",
    "    | Cancelled",
    "    | TimedOut Int",
    "    | InvalidInput (List Issue)",
    "    | InvalidReply String (List Issue)",
  ],
  [
    "{-| A failure as one line of text, for logs and simple error displays.",
    "-}",
    "failureToString : Failure -> String",
    "failureToString failure =",
    "    case failure of",
    "        Crashed message ->",
    '            "the worker crashed: " ++ message',
    "",
    "        Cancelled ->",
    '            "cancelled"',
    "",
    "        TimedOut ms ->",
    '            "timed out after " ++ String.fromInt ms ++ " ms"',
    "",
    "        InvalidInput issues ->",
    '            "invalid input: " ++ issuesToString issues',
    "",
    "        InvalidReply message issues ->",
    '            "invalid " ++ message ++ " from the worker: " ++ issuesToString issues',
  ],
];

const HELPERS: Block[] = [
  [
    "issuesToString : List Issue -> String",
    "issuesToString issues =",
    '    String.join "; " (List.map (\\issue -> issue.path ++ " " ++ issue.message) issues)',
  ],
  [
    "reply : (Failure -> event) -> (String -> Decode.Decoder event) -> (JobId -> event -> msg) -> Decode.Value -> msg",
    "reply failed decoderFor toMsg value =",
    "    let",
    "        job =",
    '            Result.withDefault "" (Decode.decodeValue (Decode.field "job" Decode.string) value)',
    "",
    "        tag =",
    '            Result.withDefault "reply" (Decode.decodeValue (Decode.field "tag" Decode.string) value)',
    "    in",
    '    case Decode.decodeValue (Decode.andThen decoderFor (Decode.field "tag" Decode.string)) value of',
    "        Ok event ->",
    "            toMsg job event",
    "",
    "        Err error ->",
    '            toMsg job (failed (InvalidReply tag [ { path = "$", message = Decode.errorToString error } ]))',
  ],
  [
    "failureDecoder : Decode.Decoder Failure",
    "failureDecoder =",
    '    Decode.andThen failureOf (Decode.field "tag" Decode.string)',
  ],
  [
    "failureOf : String -> Decode.Decoder Failure",
    "failureOf tag =",
    "    case tag of",
    '        "cancelled" ->',
    "            Decode.succeed Cancelled",
    "",
    '        "timeout" ->',
    '            Decode.map TimedOut (Decode.field "timeoutMs" Decode.int)',
    "",
    '        "invalid-message" ->',
    "            Decode.map3 invalidMessage",
    '                (Decode.field "direction" Decode.string)',
    '                (Decode.field "message" Decode.string)',
    '                (Decode.field "issues" (Decode.list issueDecoder))',
    "",
    "        _ ->",
    '            Decode.map Crashed (Decode.oneOf [ Decode.field "message" Decode.string, Decode.succeed tag ])',
  ],
  [
    "invalidMessage : String -> String -> List Issue -> Failure",
    "invalidMessage direction message issues =",
    '    if direction == "toWorker" then',
    "        InvalidInput issues",
    "",
    "    else",
    "        InvalidReply message issues",
  ],
  [
    "issueDecoder : Decode.Decoder Issue",
    "issueDecoder =",
    '    Decode.map2 Issue (Decode.field "path" Decode.string) (Decode.field "message" Decode.string)',
  ],
];

/** The module, or undefined when the schema declares no worker with an `input`. */
export function workersModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  const workers = ctx.schema.workers.filter((w) => w.input !== undefined);
  if (workers.length === 0) return undefined;
  const parts = workers.map((w) => workerDeclarations(ctx, w));
  return printPortModule({
    name: moduleName,
    exposing: ["Failure(..)", "Issue", "JobId", "failureToString", ...parts.flatMap((p) => p.exposing)],
    intro: [
      `Typed browser Web Workers for the \`worker\` declarations of the \`${ctx.schema.package}\` schema, through ports.`,
      "Start a run with `start<Worker> jobId input`, cancel it with `cancel<Worker> jobId`, and subscribe to its",
      "progress, output, declared error or failure with `on<Worker>`. In the page, `connectWorkers(app, { ... })`",
      "of `runtime-elm/js/worker.js` gives each worker name a function that creates its `Worker`; the worker body",
      "is `defineWebWorker<Worker>(body)` of the generated `typescript/web-workers.ts`.",
    ],
    typesModule,
    declarations: [...SHARED, ...parts.flatMap((p) => p.declarations)],
    helpers: HELPERS,
  });
}

/** `Encode.object [ ( "tag", Encode.string "progress" ), ( "value", Types.encodeX value ) ]` */
function replyObject(ctx: ElmContext, tag: string, type: string): string {
  return `Encode.object [ ( "tag", Encode.string "${tag}" ), ( "value", ${ctx.qualifier}${encoderName(type)} value ) ]`;
}

function bodyDeclarations(ctx: ElmContext, w: WorkerDef): { exposing: string[]; declarations: Block[] } {
  const name = typeName(w.name);
  const lower = lowerFirst(name);
  const inPort = `${lower}Input`;
  const outPort = `${lower}Reply`;
  const send = (fn: string, tag: string, type: string | undefined, what: string): Block =>
    type === undefined
      ? valueDeclaration({
          doc: docComment([paragraph(`${what.charAt(0).toUpperCase()}${what.slice(1)}.`)]),
          name: fn,
          annotation: "Cmd msg",
          body: [`${outPort} (Encode.object [ ( "tag", Encode.string "${tag}" ), ( "value", Encode.null ) ])`],
        })
      : valueDeclaration({
          doc: docComment([paragraph(`${what.charAt(0).toUpperCase()}${what.slice(1)}.`)]),
          name: fn,
          annotation: `${ctx.qualifier}${typeName(type)} -> Cmd msg`,
          params: "value",
          body: [`${outPort} (${replyObject(ctx, tag, type)})`],
        });
  const declarations: Block[] = [
    [
      ...docComment([paragraph(`The input of each run of \`${w.name}\`, from \`worker-body.js\`.`)]),
      `port ${inPort} : (Decode.Value -> msg) -> Sub msg`,
    ],
    [
      ...docComment([paragraph(`Replies of the \`${w.name}\` body, posted to the page by \`worker-body.js\`.`)]),
      `port ${outPort} : Encode.Value -> Cmd msg`,
    ],
    valueDeclaration({
      doc: docComment([
        paragraph(
          `Each run's input, decoded with the generated decoder. On \`Err\` (the decoder's message) answer with`,
          `\`reject${name}Input\`: the body must not run.`,
        ),
      ]),
      name: `on${name}Input`,
      annotation: `(Result String ${ctx.qualifier}${typeName(w.input!)} -> msg) -> Sub msg`,
      params: "toMsg",
      body: [
        `${inPort} (\\value -> toMsg (Result.mapError Decode.errorToString (Decode.decodeValue ${ctx.qualifier}${decoderName(w.input!)} value)))`,
      ],
    }),
    valueDeclaration({
      doc: docComment([paragraph("Ends the run with an `InvalidInput` failure carrying the decoder's message.")]),
      name: `reject${name}Input`,
      annotation: "String -> Cmd msg",
      params: "message",
      body: [`${outPort} (invalidInput message)`],
    }),
  ];
  const exposing = [`on${name}Input`, `reject${name}Input`];
  if (w.progress !== undefined) {
    declarations.push(send(`${lower}Progress`, "progress", w.progress, "sends a progress message"));
    exposing.push(`${lower}Progress`);
  }
  declarations.push(send(`${lower}Output`, "output", w.output, "ends the run with its output"));
  exposing.push(`${lower}Output`);
  if (w.error !== undefined) {
    declarations.push(send(`${lower}Error`, "error", w.error, "ends the run with its declared error"));
    exposing.push(`${lower}Error`);
  }
  return { exposing, declarations };
}

const BODY_HELPERS: Block[] = [
  [
    "invalidInput : String -> Encode.Value",
    "invalidInput message =",
    '    Encode.object [ ( "tag", Encode.string "failure" ), ( "failure", Encode.object [ ( "tag", Encode.string "invalid-message" ), ( "direction", Encode.string "toWorker" ), ( "message", Encode.string "input" ), ( "issues", Encode.list identity [ Encode.object [ ( "path", Encode.string "$" ), ( "message", Encode.string message ) ] ] ) ] ) ]',
  ],
];

/**
 * `<Prefix>/WorkerBodies.elm`: the body side in Elm, for a `Platform.worker` program run inside the
 * Web Worker (`connectWorkerBody` of runtime-elm/js/worker-body.js wires its ports).
 */
export function workerBodiesModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  const workers = ctx.schema.workers.filter((w) => w.input !== undefined);
  if (workers.length === 0) return undefined;
  const parts = workers.map((w) => bodyDeclarations(ctx, w));
  return printPortModule({
    name: moduleName,
    exposing: parts.flatMap((p) => p.exposing),
    intro: [
      `Worker bodies written in Elm for the \`worker\` declarations of the \`${ctx.schema.package}\` schema: a`,
      "`Platform.worker` program subscribes to `on<Worker>Input` and answers with `<worker>Progress`, then one of",
      "`<worker>Output`, `<worker>Error` or `reject<Worker>Input`. Inside the Web Worker, `connectWorkerBody(app, name)`",
      "of `runtime-elm/js/worker-body.js` wires the ports. Replies are typed by construction; constraints of the",
      "reply types are not re-checked here (run the Validate module first when they matter), the page's decoders",
      "still check every reply.",
    ],
    typesModule,
    declarations: parts.flatMap((p) => p.declarations),
    helpers: BODY_HELPERS,
  });
}
