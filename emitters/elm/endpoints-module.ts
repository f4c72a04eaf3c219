/** `<Prefix>/Endpoints.elm`: one `Cmd` and one `Task` function per endpoint. */
import { declarationTypes, FragmentCache } from "../../src/emit/fragment-cache.js";
import { findRecord } from "../../src/schema/query.js";
import type { EndpointDef, FieldDef, RecordDef, TypeExpr } from "../../src/schema/types.js";
import { decoder, elmString, elmType, encoder, paren, textForm, type ElmContext } from "./context.js";
import { docComment, paragraph, userParagraphs, userText, type DocBlock } from "./doc-comment.js";
import { helperDeclarations, importsFor, mentionsOf } from "./helpers.js";
import { printModule } from "./module-file.js";
import { decoderName, encoderName, endpointName, fieldNames, typeName } from "./names.js";
import { contextKey } from "./types-module.js";
import {
  asText,
  call,
  lambda,
  list,
  listBlock,
  operatorChain,
  parens,
  record,
  recordBlock,
  recordType,
  tuple,
  typeAlias,
  valueDeclaration,
  type Block,
  type Code,
} from "./printer.js";

function requestRecord(ctx: ElmContext, ep: EndpointDef): RecordDef {
  return findRecord(ctx.schema, ep.request);
}

/** `Hamlet.Url.path [ "api", "posts", Hamlet.Uuid.toString request.id ]` */
export function pathExpression(
  ctx: ElmContext,
  ep: Pick<EndpointDef, "path">,
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
  return `Hamlet.Url.path ${list(items)}`;
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
      return tuple([key, form === "identity" ? v : `${form} ${v}`]);
    };
    const each = (t: TypeExpr): string => `(${lambda("v", pair(t, "v"))})`;
    const t = f.type;
    if (t.kind === "optional") {
      const inner = t.inner;
      if (inner.kind === "list") return [`List.map ${each(inner.element)} (Maybe.withDefault [] ${access})`];
      return [`List.filterMap identity ${list([`Maybe.map ${each(inner)} ${access}`])}`];
    }
    if (t.kind === "list") return [`List.map ${each(t.element)} ${access}`];
    return [list([pair(t, access)])];
  });
}

function bodyExpression(ctx: ElmContext, ep: EndpointDef, def: RecordDef, names: readonly string[]): string {
  if (ep.bodyless) return "Http.emptyBody";
  if (ep.pathParams.length === 0) return `Http.jsonBody (${ctx.qualifier}${encoderName(def.name)} request)`;
  const pairs = def.fields.flatMap((f, i) => {
    if (ep.pathParams.includes(f.name)) return [];
    const access = `request.${names[i]}`;
    if (f.type.kind === "optional")
      return [tuple([elmString(f.name), `Maybe.map ${paren(encoder(ctx, f.type.inner))} ${access}`])];
    return [tuple([elmString(f.name), `Just (${encoder(ctx, f.type)} ${access})`])];
  });
  return `Http.jsonBody (objectOf ${list(pairs)})`;
}

interface EndpointFunctions {
  readonly exposing: string[];
  readonly declarations: Block[];
}

/** Each endpoint's functions, kept by a watch build for the next (see src/emit/fragment-cache.ts). */
const endpointFragments = new FragmentCache<EndpointFunctions, EndpointDef>();

/**
 * `endpointFunctions`, reused while the endpoint and the types it reaches are the same objects and
 * the context says the same of those types (wrapped, constructor names, recursion components).
 */
function cachedEndpointFunctions(ctx: ElmContext, ep: EndpointDef): EndpointFunctions {
  return endpointFragments.reuseOr(
    ep,
    () => {
      const reached = declarationTypes(ctx.schema, [[ep]]);
      const facts = reached.length === 0 ? "" : contextKey(ctx, reached[0]!, reached.slice(1));
      return { reached, context: `${ctx.qualifier}|${facts}` };
    },
    () => endpointFunctions(ctx, ep),
  );
}

function endpointFunctions(ctx: ElmContext, ep: EndpointDef): EndpointFunctions {
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
  const url: Code =
    query.length === 0
      ? `config.baseUrl ++ ${path}`
      : operatorChain("++", "config.baseUrl", [
          call(`Hamlet.Url.withQuery (${path})`, [parens(call("List.concat", [listBlock(query)]))]),
        ]);
  const requestPattern = wrapped ? `(${requestType} request)` : "request";
  const urlFn = `${fn}Url`;
  const result = `Result (Hamlet.Http.Error ${paren(errorType)}) ${paren(responseType)}`;
  const expect = responseDecoder
    ? `Hamlet.Http.expectJson toMsg ${errorDecoder} ${paren(responseDecoder)}`
    : `Hamlet.Http.expectEmpty toMsg ${errorDecoder}`;
  const resolver = responseDecoder
    ? `Hamlet.Http.jsonResolver ${errorDecoder} ${paren(responseDecoder)}`
    : `Hamlet.Http.emptyResolver ${errorDecoder}`;
  const request = (last: [string, string]): Code =>
    recordBlock([
      ["method", elmString(ep.method)],
      ["headers", "[]"],
      ["url", `${urlFn} config request`],
      ["body", bodyExpression(ctx, ep, def, names)],
      last,
      ["timeout", "Nothing"],
      ...(last[0] === "expect" ? [["tracker", "Nothing"] as [string, string]] : []),
    ]);
  const deprecated: DocBlock[] =
    ep.deprecated === undefined
      ? []
      : [paragraph(ep.deprecated === "" ? "**Deprecated.**" : `**Deprecated:** ${userText(ep.deprecated)}`)];
  const doc = docComment([
    ...userParagraphs(ep.docs),
    ...deprecated,
    paragraph(`\`${ep.method} ${ep.path}\``),
    ...(ep.auth === "session"
      ? [paragraph("Needs a signed-in session: the browser sends the session cookie with same-origin requests.")]
      : []),
  ]);
  const urlRequestType = wrapped
    ? recordType(def.fields.map((f, i) => [names[i]!, elmType(ctx, f.type)]))
    : requestType;
  return {
    exposing: [fn, `${fn}Task`, urlFn],
    declarations: [
      valueDeclaration({
        doc,
        name: fn,
        annotation: `Config -> (${result} -> msg) -> ${requestType} -> Cmd msg`,
        params: `config toMsg ${requestPattern}`,
        body: call("Http.request", [request(["expect", expect])]),
      }),
      valueDeclaration({
        doc: docComment([paragraph(`\`${fn}\` as a \`Task\`, to chain with other requests.`), ...deprecated]),
        name: `${fn}Task`,
        annotation: `Config -> ${requestType} -> Task.Task (Hamlet.Http.Error ${paren(errorType)}) ${paren(responseType)}`,
        params: `config ${requestPattern}`,
        body: call("Http.task", [request(["resolver", resolver])]),
      }),
      valueDeclaration({
        doc: docComment([
          paragraph(
            `The URL \`${fn}\` requests: path parameters filled in${ep.bodyless ? ", the other fields in the query string" : ""}.`,
          ),
        ]),
        name: urlFn,
        annotation: `Config -> ${urlRequestType} -> String`,
        params: `config ${def.fields.length > 0 ? "request" : "_"}`,
        body: url,
      }),
    ],
  };
}

export function endpointsModule(ctx: ElmContext, moduleName: string, typesModule: string): string | undefined {
  if (ctx.schema.endpoints.length === 0) return undefined;
  const parts = ctx.schema.endpoints.map((ep) => cachedEndpointFunctions(ctx, ep));
  const config = typeAlias(
    docComment([
      paragraph(
        "Where the API lives: the scheme, host and port (or a path prefix) put before every endpoint's path,",
        'without a trailing slash. `{ baseUrl = "" }` calls the server the page came from.',
      ),
    ]),
    "Config",
    recordType([["baseUrl", "String"]]),
  );
  const declarations = [config, ...parts.flatMap((p) => p.declarations.map(asText))];
  // What the declarations mention, each kept block scanned once (not the module's joined text).
  const mentioned = mentionsOf(declarations);
  const helpers = helperDeclarations(mentioned);
  return printModule({
    name: moduleName,
    exposing: ["Config", ...parts.flatMap((p) => p.exposing)],
    doc: docComment([
      paragraph(
        `Requests to the endpoints of the \`${ctx.schema.package}\` schema. Each endpoint has a \`Cmd\` version`,
        "(results arrive as messages) and a `Task` version; both give a `Result (Hamlet.Http.Error e) a`, where `e`",
        "is the endpoint's declared errors (`Never` when it has none). Requests are not validated here: run the",
        "matching function of the Validate module first to report problems before sending.",
      ),
      paragraph("Generated by hamletc; do not edit."),
    ]),
    imports: importsFor(new Set([...mentioned, ...mentionsOf(helpers)]), [{ module: typesModule, alias: "Types" }]),
    declarations,
    helpers,
  });
}
