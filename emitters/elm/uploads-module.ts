/**
 * `<Prefix>/Uploads.elm` (only when the schema declares uploads): per upload a `Cmd` that checks
 * the `File` against the upload's constraints (size, media type, not empty) before sending it as
 * `multipart/form-data`, its tracker name and a progress `Sub`, and its constraints as a value.
 * Errors are `Hamlet.Http.Error (UploadError e)`: `Refused` for a file refused in the browser or
 * by the server (400, 408, 413, 415, 422, one typed variant per runtime refusal), `Failed e` for
 * the upload's declared errors; any other status (401, 403, 500, 503) is `BadStatus`. The module is
 * printed in elm-format's layout; it needs `elm/file` and `elm/bytes` as direct dependencies. Each upload
 * also has a `<upload>Bytes` variant that sends bytes made in the page (`BytesFile`: an image resized
 * in a Web Worker) instead of a chosen `File`, with the same checks (`checkBytes`).
 */
import { findRecord } from "../../src/schema/query.js";
import type { FileConstraints, UploadDef } from "../../src/schema/types.js";
import { elmString, textForm, type ElmContext } from "./context.js";
import { docComment, paragraph, userParagraphs, userText, type DocBlock } from "./doc-comment.js";
import { pathExpression } from "./endpoints-module.js";
import { helperDeclarations, importsFor } from "./helpers.js";
import { printModule } from "./module-file.js";
import { decoderName, endpointName, fieldNames, typeName } from "./names.js";
import type { Block } from "./printer.js";

const lines = (text: string): Block => text.replace(/^\n/, "").replace(/\n$/, "").split("\n");

function constraintsValue(file: FileConstraints): string[] {
  const maxSize = file.maxSize === undefined ? "Nothing" : `Just ${file.maxSize}`;
  const types =
    file.types === undefined || file.types.length === 0 ? "[]" : `[ ${file.types.map(elmString).join(", ")} ]`;
  const dims =
    file.maxDimensions === undefined
      ? "Nothing"
      : `Just { width = ${file.maxDimensions.width}, height = ${file.maxDimensions.height} }`;
  return [`    { maxSize = ${maxSize}`, `    , types = ${types}`, `    , maxDimensions = ${dims}`, "    }"];
}

/** The values Uploads.elm declares whatever the schema (besides the helpers of ./helpers.ts). */
export const UPLOADS_MODULE_VALUES: readonly string[] = [
  "checkFile",
  "checkBytes",
  "checkSizeAndType",
  "refusalToString",
  "typeMatches",
  "progressFraction",
  "uploadErrorDecoder",
  "refusalDecoder",
];

/** The functions an upload gets in Uploads.elm (the checker claims them, see ./naming.ts). */
export function uploadFunctionNames(upload: string): string[] {
  const fn = endpointName(upload);
  return [fn, `${fn}Bytes`, `${fn}Constraints`, `${fn}Tracker`, `${fn}Progress`];
}

function uploadDeclarations(ctx: ElmContext, u: UploadDef): { exposing: string[]; declarations: Block[] } {
  const def = findRecord(ctx.schema, u.fields);
  const names = fieldNames(def.fields.map((f) => f.name));
  const fn = endpointName(u.name);
  const fieldsType = ctx.qualifier + typeName(def.name);
  if (u.response !== undefined && u.response.kind !== "ref")
    throw new Error(`upload ${u.name}: its response must be a record or a named type`);
  const responseType = u.response === undefined ? "()" : ctx.qualifier + typeName(u.response.name);
  const errorType = u.errors === undefined ? "Never" : ctx.qualifier + typeName(u.errors);
  const errorDecoder = u.errors === undefined ? "Hamlet.Http.noErrors" : ctx.qualifier + decoderName(u.errors);
  const expect =
    u.response === undefined
      ? `Hamlet.Http.expectEmpty toMsg (uploadErrorDecoder ${errorDecoder})`
      : `Hamlet.Http.expectJson toMsg (uploadErrorDecoder ${errorDecoder}) ${ctx.qualifier}${decoderName(u.response.name)}`;
  const parts = def.fields.flatMap((f, i) => {
    if (u.pathParams.includes(f.name)) return [];
    const access = `request.${names[i]}`;
    const key = elmString(f.name);
    if (f.type.kind === "optional") {
      const form = textForm(ctx, f.type.inner);
      const value = form === "identity" ? "v" : `(${form} v)`;
      return [`List.filterMap identity [ Maybe.map (\\v -> Http.stringPart ${key} ${value}) ${access} ]`];
    }
    const form = textForm(ctx, f.type);
    return [`[ Http.stringPart ${key} ${form === "identity" ? access : `(${form} ${access})`} ]`];
  });
  const body = (filePart: string): string[] =>
    parts.length === 0
      ? [`                , body = Http.multipartBody [ ${filePart} ]`]
      : [
          "                , body =",
          "                    Http.multipartBody",
          "                        (List.concat",
          ...parts.map((p, i) => `                            ${i === 0 ? "[" : ","} ${p}`),
          `                            , [ ${filePart} ]`,
          "                            ]",
          "                        )",
        ];
  const deprecated: DocBlock[] =
    u.deprecated === undefined
      ? []
      : [paragraph(u.deprecated === "" ? "**Deprecated.**" : `**Deprecated:** ${userText(u.deprecated)}`)];
  const doc = docComment([
    ...userParagraphs(u.docs),
    ...deprecated,
    paragraph(`\`${u.method} ${u.path}\` (multipart: the fields, then the file).`),
    paragraph(`The file is checked against \`${fn}Constraints\` first; progress arrives through \`${fn}Progress\`.`),
    ...(u.auth === "session"
      ? [paragraph("Needs a signed-in session: the browser sends the session cookie with same-origin requests.")]
      : []),
  ]);
  const requestParam = def.fields.length > 0 ? "request" : "_";
  const resultType = `(Result (Hamlet.Http.Error (UploadError ${errorType})) ${responseType} -> msg)`;
  const send = (name: string, fileType: string, check: string, filePart: string): Block => [
    `${name} : Config -> ${resultType} -> ${fieldsType} -> ${fileType} -> Cmd msg`,
    `${name} config toMsg ${requestParam} file =`,
    `    case ${check} ${fn}Constraints file of`,
    "        Err refusal ->",
    "            Task.perform (\\_ -> toMsg (Err (Hamlet.Http.Declared (Refused refusal)))) (Task.succeed ())",
    "",
    "        Ok _ ->",
    "            Http.request",
    `                { method = ${elmString(u.method)}`,
    "                , headers = []",
    `                , url = config.baseUrl ++ ${pathExpression(ctx, u, def.fields, names)}`,
    ...body(filePart),
    `                , expect = ${expect}`,
    "                , timeout = Nothing",
    `                , tracker = Just ${fn}Tracker`,
    "                }",
  ];
  const upload: Block = [...doc, ...send(fn, "File.File", "checkFile", 'Http.filePart "file" file')];
  const uploadBytes: Block = [
    ...docComment([
      paragraph(
        `\`${fn}\` with bytes made in the page (see \`BytesFile\`) in place of a chosen file: the same checks`,
        `(\`checkBytes\`), request, tracker, progress and errors.`,
      ),
    ]),
    ...send(`${fn}Bytes`, "BytesFile", "checkBytes", 'Http.bytesPart "file" file.mime file.bytes'),
  ];
  const constraints: Block = [
    ...docComment([paragraph(`The \`file { ... }\` constraints of \`${u.name}\`, as the server enforces them.`)]),
    `${fn}Constraints : Constraints`,
    `${fn}Constraints =`,
    ...constraintsValue(u.file),
  ];
  const tracker: Block = [
    ...docComment([paragraph(`The tracker of \`${fn}\`'s request (for \`Http.track\` or \`Http.cancel\`).`)]),
    `${fn}Tracker : String`,
    `${fn}Tracker =`,
    `    ${elmString(`hamlet-upload-${u.name}`)}`,
  ];
  const progress: Block = [
    ...docComment([paragraph(`The fraction of the file sent so far (0 to 1) while \`${fn}\` runs.`)]),
    `${fn}Progress : (Float -> msg) -> Sub msg`,
    `${fn}Progress toMsg =`,
    `    Http.track ${fn}Tracker (progressFraction >> toMsg)`,
  ];
  return {
    exposing: uploadFunctionNames(u.name),
    declarations: [upload, uploadBytes, constraints, tracker, progress],
  };
}

const SHARED: Block[] = [
  lines(`
{-| The \`file { ... }\` constraints of an upload: largest size in bytes, accepted media types
(\`image/*\` accepts every image; empty: any type) and largest image dimensions (checked by the
server only: the browser does not decode the image).
-}
type alias Constraints =
    { maxSize : Maybe Int
    , types : List String
    , maxDimensions : Maybe { width : Int, height : Int }
    }`),
  lines(`
{-| Why a file was refused, by this module before sending or by the server.

  - \`TooLarge maxSize\`: larger than \`maxSize\` bytes (413 from the server).
  - \`TypeNotAllowed detected allowed\`: its media type is not one of \`allowed\`; the server
    looks at the bytes, the browser only at the file's declared type (415).
  - \`Empty\`: the file has no bytes.
  - \`ImageTooLarge\`: the image header says it is wider or taller than allowed (422).
  - \`TooManyPixels\`: the image has more pixels than the server accepts (422).
  - \`UnreadableImage contentType\`: the server could not read the image's size (422).
  - \`MissingFile\`: the request had no file part (400).
  - \`NotMultipart message\`: the request was not \`multipart/form-data\` (415).
  - \`TimedOut message\`: the upload stalled and the server abandoned it (408).
  - \`BadUpload message\`: the server could not read or store the upload (400).
  - \`InvalidFields issues\`: the text fields do not pass the schema's checks (400).

Any other answer of the server (401 without a session, 403, 500, 503, ...) is not a refusal of
the file: it arrives as \`Hamlet.Http.BadStatus status body\`, as it does for endpoints.

-}
type Refusal
    = TooLarge Int
    | TypeNotAllowed (Maybe String) (List String)
    | Empty
    | ImageTooLarge { width : Int, height : Int, maxWidth : Int, maxHeight : Int }
    | TooManyPixels { width : Int, height : Int, maxPixels : Int }
    | UnreadableImage String
    | MissingFile
    | NotMultipart String
    | TimedOut String
    | BadUpload String
    | InvalidFields (List { path : String, message : String })`),
  lines(`
{-| The error of an upload, inside \`Hamlet.Http.Declared\`: a refused file, or one of the
upload's declared errors.
-}
type UploadError e
    = Refused Refusal
    | Failed e`),
  lines(`
{-| Checks a file against constraints, as the upload functions do before sending.
-}
checkFile : Constraints -> File.File -> Result Refusal File.File
checkFile constraints file =
    Result.map (\\_ -> file) (checkSizeAndType constraints (File.size file) (File.mime file))`),
  lines(`
{-| Bytes made in the page (an image resized in a Web Worker, say), uploaded in place of a chosen
file with the \`...Bytes\` upload functions: the media type they are sent as, and the bytes.
-}
type alias BytesFile =
    { mime : String, bytes : Bytes.Bytes }`),
  lines(`
{-| Checks bytes against constraints, as the \`...Bytes\` upload functions do before sending.
-}
checkBytes : Constraints -> BytesFile -> Result Refusal BytesFile
checkBytes constraints file =
    Result.map (\\_ -> file) (checkSizeAndType constraints (Bytes.width file.bytes) file.mime)`),
  lines(`
{-| A sentence for a refusal.
-}
refusalToString : Refusal -> String
refusalToString refusal =
    case refusal of
        TooLarge maxSize ->
            "The file is larger than " ++ String.fromInt maxSize ++ " bytes."

        TypeNotAllowed detected allowed ->
            "Files of type " ++ Maybe.withDefault "unknown" detected ++ " are not accepted (accepted: " ++ String.join ", " allowed ++ ")."

        Empty ->
            "The file is empty."

        ImageTooLarge image ->
            "The image is " ++ String.fromInt image.width ++ "x" ++ String.fromInt image.height ++ "; at most " ++ String.fromInt image.maxWidth ++ "x" ++ String.fromInt image.maxHeight ++ " is accepted."

        TooManyPixels image ->
            "The image is " ++ String.fromInt image.width ++ "x" ++ String.fromInt image.height ++ "; at most " ++ String.fromInt image.maxPixels ++ " pixels are accepted."

        UnreadableImage contentType ->
            "The image (" ++ contentType ++ ") could not be read."

        MissingFile ->
            "No file was sent."

        NotMultipart message ->
            "The upload was not sent as a form: " ++ message ++ "."

        TimedOut message ->
            "The upload stalled: " ++ message ++ "."

        BadUpload message ->
            "The upload failed: " ++ message ++ "."

        InvalidFields issues ->
            "Some fields are not valid: " ++ String.join "; " (List.map (\\issue -> issue.path ++ " " ++ issue.message) issues) ++ "."`),
];

const PRIVATE: Block[] = [
  lines(`
checkSizeAndType : Constraints -> Int -> String -> Result Refusal ()
checkSizeAndType constraints size mime =
    if size == 0 then
        Err Empty

    else if Maybe.withDefault False (Maybe.map (\\maxSize -> size > maxSize) constraints.maxSize) then
        Err (TooLarge (Maybe.withDefault size constraints.maxSize))

    else if not (List.isEmpty constraints.types) && not (List.any (typeMatches mime) constraints.types) then
        Err
            (TypeNotAllowed
                (if String.isEmpty mime then
                    Nothing

                 else
                    Just mime
                )
                constraints.types
            )

    else
        Ok ()`),
  lines(`
typeMatches : String -> String -> Bool
typeMatches mime allowed =
    if String.endsWith "/*" allowed then
        String.startsWith (String.dropRight 1 allowed) mime

    else
        mime == allowed`),
  lines(`
progressFraction : Http.Progress -> Float
progressFraction progress =
    case progress of
        Http.Sending sending ->
            Http.fractionSent sending

        Http.Receiving _ ->
            1`),
  lines(`
uploadErrorDecoder : Decode.Decoder e -> Decode.Decoder (UploadError e)
uploadErrorDecoder declared =
    Decode.oneOf [ Decode.map Failed declared, Decode.map Refused refusalDecoder ]`),
  lines(`
refusalDecoder : Decode.Decoder Refusal
refusalDecoder =
    Decode.field "tag" Decode.string
        |> Decode.andThen
            (\\tag ->
                case tag of
                    "PayloadTooLarge" ->
                        Decode.map TooLarge (Decode.field "max_size" Decode.int)

                    "UnsupportedFileType" ->
                        Decode.map2 TypeNotAllowed (Decode.field "detected" (Decode.nullable Decode.string)) (Decode.field "allowed" (Decode.list Decode.string))

                    "EmptyFile" ->
                        Decode.succeed Empty

                    "ImageTooLarge" ->
                        Decode.map4 (\\w h mw mh -> ImageTooLarge { width = w, height = h, maxWidth = mw, maxHeight = mh })
                            (Decode.field "width" Decode.int)
                            (Decode.field "height" Decode.int)
                            (Decode.field "max_width" Decode.int)
                            (Decode.field "max_height" Decode.int)

                    "TooManyPixels" ->
                        Decode.map3 (\\w h p -> TooManyPixels { width = w, height = h, maxPixels = p })
                            (Decode.field "width" Decode.int)
                            (Decode.field "height" Decode.int)
                            (Decode.field "max_pixels" Decode.int)

                    "UnreadableImage" ->
                        Decode.map UnreadableImage (Decode.field "content_type" Decode.string)

                    "MissingFile" ->
                        Decode.succeed MissingFile

                    "UnsupportedMediaType" ->
                        Decode.map NotMultipart (Decode.field "message" Decode.string)

                    "RequestTimeout" ->
                        Decode.map TimedOut (Decode.field "message" Decode.string)

                    "BadUpload" ->
                        Decode.map BadUpload (Decode.field "message" Decode.string)

                    "ValidationFailed" ->
                        Decode.map InvalidFields
                            (Decode.field "issues"
                                (Decode.list
                                    (Decode.map2 (\\path message -> { path = path, message = message })
                                        (Decode.field "path" Decode.string)
                                        (Decode.field "message" Decode.string)
                                    )
                                )
                            )

                    _ ->
                        -- Not a refusal of the file (Unauthorized, InternalError, ...): BadStatus, as for endpoints.
                        Decode.fail ("not an upload refusal: " ++ tag)
            )`),
];

/** The Uploads module, or `undefined` when the schema declares no upload. */
export function uploadsModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  if (ctx.schema.uploads.length === 0) return undefined;
  const parts = ctx.schema.uploads.map((u) => uploadDeclarations(ctx, u));
  const config: Block = lines(`
{-| Where the API lives: the scheme, host and port (or a path prefix) put before every upload's path,
without a trailing slash. \`{ baseUrl = "" }\` calls the server the page came from.
-}
type alias Config =
    { baseUrl : String }`);
  const declarations = [config, ...SHARED, ...parts.flatMap((p) => p.declarations)];
  const body = [...declarations, ...PRIVATE].flat().join("\n");
  const helpers = [...PRIVATE, ...helperDeclarations(body)];
  return printModule({
    name: moduleName,
    exposing: [
      "Config",
      "Constraints",
      "Refusal(..)",
      "UploadError(..)",
      "BytesFile",
      "checkFile",
      "checkBytes",
      "refusalToString",
      ...parts.flatMap((p) => p.exposing),
    ],
    doc: docComment([
      paragraph(
        `Uploads of the \`${ctx.schema.package}\` schema: per upload a function that checks the file against the`,
        "upload's constraints before sending it with its fields as `multipart/form-data`, a tracker name and a",
        "progress subscription. Results are `Result (Hamlet.Http.Error (UploadError e)) a`. Needs `elm/file`",
        "and `elm/bytes` (the `...Bytes` variants upload bytes made in the page instead of a chosen file).",
      ),
      paragraph("Generated by hamletc; do not edit."),
    ]),
    imports: importsFor(body, [
      { module: typesModule, alias: "Types" },
      { module: "Bytes" },
      { module: "File" },
      { module: "Http" },
      { module: "Task" },
    ]),
    declarations,
    helpers,
  });
}
