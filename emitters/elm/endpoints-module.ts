/** `<Prefix>/Endpoints.elm`: one `Cmd` and one `Task` function per endpoint. */
import { findRecord } from "../../src/schema/query.js";
import type { EndpointDef, FieldDef, RecordDef, TypeExpr } from "../../src/schema/types.js";
import { decoder, docComment, elmString, elmType, encoder, paren, textForm, type ElmContext } from "./context.js";
import { helpersFor, importsFor } from "./helpers.js";
import { decoderName, encoderName, endpointName, fieldNames, typeName } from "./names.js";

function requestRecord(ctx: ElmContext, ep: EndpointDef): RecordDef {
  return findRecord(ctx.schema, ep.request);
}

/** `Hamlet.Url.path [ "api", "posts", Hamlet.Uuid.toString request.id ]` */
function pathExpression(
  ctx: ElmContext,
  ep: EndpointDef,
  fields: readonly FieldDef[],
  names: readonly string[],
): string {
  const segments = ep.path.split("/").filter((s) => s.length > 0);
  const items = segments.map((segment) => {
    const pieces: string[] = [];
    let rest = segment;
    while (rest.length > 0) {
      const m = /\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
      if (!m) {
        pieces.push(elmString(rest));
        break;
      }
      if (m.index > 0) pieces.push(elmString(rest.slice(0, m.index)));
      const i = fields.findIndex((f) => f.name === m[1]);
      const field = fields[i];
      if (!field) throw new Error(`unknown path parameter ${m[1]}`);
      const form = textForm(ctx, field.type);
      pieces.push(form === "identity" ? `request.${names[i]}` : `${form} request.${names[i]}`);
      rest = rest.slice(m.index + m[0].length);
    }
    return pieces.join(" ++ ");
  });
  return `Hamlet.Url.path [ ${items.join(", ")} ]`;
}

/** Query parameters: `List ( String, String )` pieces for every non-path field. */
function queryPieces(
  ctx: ElmContext,
  fields: readonly FieldDef[],
  names: readonly string[],
  pathParams: readonly string[],
): string[] {
  return fields.flatMap((f, i) => {
    if (pathParams.includes(f.name)) return [];
    const key = elmString(f.name);
    const access = `request.${names[i]}`;
    const pair = (t: TypeExpr, v: string): string => {
      const form = textForm(ctx, t);
      return `( ${key}, ${form === "identity" ? v : `${form} ${v}`} )`;
    };
    let t = f.type;
    if (t.kind === "optional") {
      const inner = t.inner;
      if (inner.kind === "list")
        return [`List.map (\\v -> ${pair(inner.element, "v")}) (Maybe.withDefault [] ${access})`];
      return [`List.filterMap identity [ Maybe.map (\\v -> ${pair(inner, "v")}) ${access} ]`];
    }
    if (t.kind === "list") {
      t = t.element;
      return [`List.map (\\v -> ${pair(t, "v")}) ${access}`];
    }
    return [`[ ${pair(t, access)} ]`];
  });
}

function bodyExpression(ctx: ElmContext, ep: EndpointDef, def: RecordDef, names: readonly string[]): string {
  if (ep.bodyless) return "Http.emptyBody";
  if (ep.pathParams.length === 0) return `Http.jsonBody (${ctx.qualifier}${encoderName(def.name)} request)`;
  const pairs = def.fields.flatMap((f, i) => {
    if (ep.pathParams.includes(f.name)) return [];
    const access = `request.${names[i]}`;
    if (f.type.kind === "optional")
      return [`( ${elmString(f.name)}, Maybe.map ${paren(encoder(ctx, f.type.inner))} ${access} )`];
    return [`( ${elmString(f.name)}, Just (${encoder(ctx, f.type)} ${access}) )`];
  });
  return `Http.jsonBody (objectOf [ ${pairs.join(", ")} ])`;
}

function endpointFunctions(ctx: ElmContext, ep: EndpointDef): { exposing: string[]; source: string } {
  const def = requestRecord(ctx, ep);
  const names = fieldNames(def.fields.map((f) => f.name));
  const fn = endpointName(ep.name);
  const requestType = ctx.qualifier + typeName(def.name);
  const errorType = ep.errors ? ctx.qualifier + typeName(ep.errors) : "Never";
  const errorDecoder = ep.errors ? ctx.qualifier + decoderName(ep.errors) : "Hamlet.Http.noErrors";
  const responseType = ep.response ? elmType(ctx, ep.response) : "()";
  const responseDecoder = ep.response ? decoder(ctx, ep.response) : undefined;
  const wrapped = ctx.wrapped.has(def.name);
  const query = ep.bodyless ? queryPieces(ctx, def.fields, names, ep.pathParams) : [];
  const path = pathExpression(ctx, ep, def.fields, names);
  const url =
    query.length === 0
      ? `config.baseUrl ++ ${path}`
      : `config.baseUrl\n        ++ Hamlet.Url.withQuery (${path})\n            (List.concat\n                [ ${query.join("\n                , ")}\n                ]\n            )`;
  const usesRequest = def.fields.length > 0;
  const requestPattern = wrapped ? `(${requestType} request)` : "request";
  const urlFn = `${fn}Url`;
  const result = `Result (Hamlet.Http.Error ${paren(errorType)}) ${paren(responseType)}`;
  const expect = responseDecoder
    ? `Hamlet.Http.expectJson toMsg ${errorDecoder} ${paren(responseDecoder)}`
    : `Hamlet.Http.expectEmpty toMsg ${errorDecoder}`;
  const resolver = responseDecoder
    ? `Hamlet.Http.jsonResolver ${errorDecoder} ${paren(responseDecoder)}`
    : `Hamlet.Http.emptyResolver ${errorDecoder}`;
  const body = bodyExpression(ctx, ep, def, names);
  const route = `\`${ep.method} ${ep.path}\``;
  const notes = [route];
  if (ep.auth === "session")
    notes.push("", "Needs a signed-in session: the browser sends the session cookie with same-origin requests.");
  const doc = docComment(ep.docs, notes, ep.deprecated);
  const taskDoc = docComment([`\`${fn}\` as a \`Task\`, to chain with other requests.`], [], ep.deprecated);
  const request = (extra: string[]): string =>
    [
      `        { method = ${elmString(ep.method)}`,
      "        , headers = []",
      `        , url = ${urlFn} config request`,
      `        , body = ${body.replace(/request\./g, "request.")}`,
      ...extra,
      "        , timeout = Nothing",
    ].join("\n");
  const source = [
    `${doc}${fn} : Config -> (${result} -> msg) -> ${requestType} -> Cmd msg`,
    `${fn} config toMsg ${requestPattern} =`,
    `    Http.request`,
    request([`        , expect = ${expect}`]),
    "        , tracker = Nothing",
    "        }",
    "",
    "",
    `${taskDoc}${fn}Task : Config -> ${requestType} -> Task.Task (Hamlet.Http.Error ${paren(errorType)}) ${paren(responseType)}`,
    `${fn}Task config ${requestPattern} =`,
    "    Http.task",
    request([`        , resolver = ${resolver}`]),
    "        }",
    "",
    "",
    docComment([
      `The URL \`${fn}\` requests: path parameters filled in${ep.bodyless ? ", the other fields in the query string" : ""}.`,
    ]) +
      `${urlFn} : Config -> ${wrapped ? `{ ${def.fields.map((f, i) => `${names[i]} : ${elmType(ctx, f.type)}`).join(", ")} }` : requestType} -> String`,
    `${urlFn} config ${usesRequest ? "request" : "_"} =`,
    `    ${url}`,
  ].join("\n");
  return { exposing: [fn, `${fn}Task`, urlFn], source };
}

export function endpointsModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  if (ctx.schema.endpoints.length === 0) return undefined;
  const parts = ctx.schema.endpoints.map((ep) => endpointFunctions(ctx, ep));
  const config = [
    docComment([
      "Where the API lives: the scheme, host and port (or a path prefix) put before every endpoint's path,",
      'without a trailing slash. `{ baseUrl = "" }` calls the server the page came from.',
    ]),
    "type alias Config =\n    { baseUrl : String }",
  ].join("");
  const body = [config, ...parts.map((p) => p.source)].join("\n\n\n");
  const doc = docComment([
    `Requests to the endpoints of the \`${ctx.schema.package}\` schema. Each endpoint has a \`Cmd\` version`,
    "(results arrive as messages) and a `Task` version; both give a `Result (Hamlet.Http.Error e) a`, where `e`",
    "is the endpoint's declared errors (`Never` when it has none). Requests are not validated here: run the",
    "matching function of the Validate module first to report problems before sending.",
    "",
    "Generated by hamletc; do not edit.",
  ]);
  const helpers = helpersFor(body);
  return [
    `module ${moduleName} exposing (Config, ${parts.flatMap((p) => p.exposing).join(", ")})`,
    "",
    doc,
    importsFor(body + helpers, [`import ${typesModule} as Types`]),
    "",
    "",
    body,
    helpers,
  ].join("\n");
}
