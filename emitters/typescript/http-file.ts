/**
 * `server.ts` (handler interface + Fastify wiring) and `client.ts` (typed fetch client). Each
 * endpoint's members, route and client method are printed apart, with the imports they use, so a
 * watch build prints again only the endpoints whose declarations changed (`FragmentCache`).
 */
import { hardline, indent, join, printDoc, type Doc } from "../../src/emit/doc.js";
import { declarationTypes, FragmentCache } from "../../src/emit/fragment-cache.js";
import { collectNames, Prelude } from "../../src/emit/prelude.js";
import { PRINT_WIDTH, TsFile } from "../../src/emit/ts-file.js";
import { findRecord } from "../../src/schema/query.js";
import {
  arr,
  arrow,
  atom,
  block,
  call,
  declare,
  exprStmt,
  group,
  obj,
  params,
  property,
  ret,
  str,
  type Expr,
} from "../../src/emit/ts-syntax.js";
import type { EndpointDef, RecordDef, TypeExpr } from "../../src/schema/types.js";
import { camel, propKey, type TypeTable } from "./model.js";
import { docLines, inputName } from "./types-file.js";

/** Name of the type an endpoint's response decodes to (a ref, or the synthetic `<Name>Result`). */
export function responseName(endpoint: EndpointDef): string | undefined {
  if (endpoint.response === undefined) return undefined;
  return endpoint.response.kind === "ref" ? endpoint.response.name : `${endpoint.name}Result`;
}

export function textKind(table: TypeTable, type: TypeExpr): { kind: string; list: boolean; optional: boolean } {
  let optional = false;
  let t = type;
  if (t.kind === "optional") {
    optional = true;
    t = t.inner;
  }
  let r = table.resolve(t);
  let list = false;
  if (r.kind === "list") {
    list = true;
    r = table.resolve(r.element);
  }
  if (r.kind === "optional") r = table.resolve(r.inner);
  let kind = "json";
  if (r.kind === "primitive") {
    kind =
      r.name === "Int" || r.name === "Float"
        ? "number"
        : r.name === "Bool"
          ? "boolean"
          : r.name === "Json"
            ? "json"
            : "text";
  } else if (r.kind === "ref") {
    const def = table.get(r.name);
    kind = def.kind === "enum" && !table.tagged(def) ? "text" : "json";
  }
  return { kind, list, optional };
}

function paramSpecs(table: TypeTable, request: RecordDef, names: readonly string[]): Expr {
  const entries = names.map((name): [string, Expr] => {
    const field = request.fields.find((f) => f.name === name);
    if (!field) throw new Error(`request field ${name} not found`);
    const { kind, list, optional } = textKind(table, field.type);
    const spec: [string, Expr][] = [["kind", str(kind)]];
    if (list) spec.push(["list", atom("true")]);
    if (list && optional) spec.push(["optional", atom("true")]);
    return [propKey(name), obj(spec)];
  });
  return obj(entries);
}

function requestRecord(table: TypeTable, endpoint: EndpointDef): RecordDef {
  return findRecord(table.schema, endpoint.request);
}

/** A member of an interface: doc comment, then `name(params): Promise<R>;`. */
export function method(docs: Doc[], name: string, list: readonly string[], returns: string): Doc {
  return [...docs, group([name, params(list, returns, true)]), ";"];
}

/** An import a printed piece used: name, module, and whether only as a type. */
type Imported = readonly [name: string, from: string, type: boolean];

/** `file`'s imports, also recorded in `used` so a kept piece can declare them again. */
function recording(file: TsFile, used: Imported[]): Pick<TsFile, "import"> {
  return {
    import(name, from, options = {}) {
      used.push([name, from, options.type === true]);
      return file.import(name, from, options);
    },
  };
}

/** Declares a kept piece's imports in `file` again. */
function replay(file: TsFile, used: readonly Imported[]): void {
  for (const [name, from, type] of used) file.import(name, from, { type });
}

/**
 * `doc` printed as a member or statement `depth` blocks deep, without the line break before it:
 * what it prints as inside its block, where a line break always precedes and follows it.
 */
function printIndented(doc: Doc, depth: number): string {
  let d: Doc = [hardline, doc];
  for (let i = 0; i < depth; i++) d = indent(d);
  return printDoc(d, PRINT_WIDTH).slice(1);
}

/** What one endpoint adds to `server.ts`: its `Handlers` method, its route, and their imports. */
interface ServerPiece {
  readonly member: string;
  readonly route: string;
  readonly imports: readonly Imported[];
}

/** What one endpoint adds to `client.ts`: its `Client` method, its `createClient` entry, and their imports. */
interface ClientPiece {
  readonly member: string;
  /** The `createClient` entry as a property (printed apart only when there are at least two). */
  readonly entry: readonly [string, Expr];
  readonly imports: readonly Imported[];
}

const serverPieces = new FragmentCache<ServerPiece, EndpointDef>("server.ts endpoints");
const clientPieces = new FragmentCache<
  ClientPiece & { readonly text: string; readonly names: readonly string[] },
  EndpointDef
>("client.ts endpoints");

/**
 * What an endpoint's pieces are printed from besides the endpoint: the types it reaches (its
 * request, response and error types, and what those reach) and the runtime module.
 */
const endpointInputs = (table: TypeTable, e: EndpointDef, runtimeImport: string) => () => ({
  reached: declarationTypes(table.schema, [[e]]),
  context: runtimeImport,
});

function serverPiece(table: TypeTable, file: TsFile, e: EndpointDef, runtimeImport: string): ServerPiece {
  const imports: Imported[] = [];
  const imp = recording(file, imports);
  const rt = (name: string, type = false) => imp.import(name, runtimeImport, { type });
  const types = (name: string) => imp.import(name, "./types.js", { type: true });
  const validators = (name: string) => imp.import(name, "./validators.js");
  const request = requestRecord(table, e);
  const response = responseName(e);
  let success = "void";
  if (response !== undefined) success = types(inputName(table, response));
  let returns = success;
  if (e.errors !== undefined) returns = `${success} | ${rt("Failure", true)}<${types(e.errors)}>`;
  const context = handlerContextType(imp, rt, e);
  const member = method(
    docLines(e.docs, e.deprecated, [routeLine(e)]),
    camel(e.name),
    [`request: ${types(e.request)}`, `context: ${context}`],
    `Promise<${returns}>`,
  );
  const query = e.bodyless ? request.fields.map((f) => f.name).filter((n) => !e.pathParams.includes(n)) : [];
  let errors: Expr = atom("undefined");
  if (e.errors !== undefined) {
    const def = table.get(e.errors);
    if (def.kind !== "enum") throw new Error(`errors ${e.errors} is not an enum`);
    errors = obj([
      ["status", obj(def.variants.map((v) => [propKey(v.name), atom(String(v.status ?? 422))]))],
      ["encode", atom(validators(`encode${e.errors}`))],
    ]);
  }
  const given = e.auth ? call(rt("authenticated"), atom("context")) : atom("context");
  const handle =
    e.emits.length === 0
      ? call(`handlers.${camel(e.name)}`, atom("request"), given)
      : call(
          rt("withEmit"),
          given,
          arrow(
            "c",
            call(`handlers.${camel(e.name)}`, atom("request"), call(imp.import("emitting", "./events.js"), atom("c"))),
          ),
        );
  const route = exprStmt(
    call(
      rt("serveEndpoint"),
      atom("app"),
      obj([
        ["name", str(e.name)],
        ["method", str(e.method)],
        ["path", str(e.path)],
        ["auth", atom(e.auth ? "true" : "false")],
        ["pathParams", paramSpecs(table, request, e.pathParams)],
        ["query", paramSpecs(table, request, query)],
        ["body", atom(e.bodyless ? "false" : "true")],
        ["decode", atom(validators(`decode${e.request}`))],
        ["encode", atom(response === undefined ? "undefined" : validators(`encode${response}`))],
        ["errors", errors],
        ["handle", arrow("request, context", handle)],
      ]),
    ),
  );
  return { member: printIndented(member, 1), route: printIndented(route, 1), imports };
}

const HANDLERS_DOC = [
  "/**",
  " * One method per endpoint. Return the response, or `fail(error)` (from the runtime) for a",
  ' * declared error; a thrown exception answers 500 `{"tag":"InternalError"}`.',
  " */",
];

export function serverFile(table: TypeTable, header: string, runtimeImport: string): string {
  const file = new TsFile(header)
    .module(runtimeImport)
    .module("./types.js", true)
    .module("./validators.js")
    .module("./events.js");
  const pieces = table.schema.endpoints.map((e) => {
    const piece = serverPieces.reuseOr(e, endpointInputs(table, e, runtimeImport), () =>
      serverPiece(table, file, e, runtimeImport),
    );
    replay(file, piece.imports); // a kept piece's imports (declaring one twice changes nothing)
    return piece;
  });
  file.import("HamletServer", runtimeImport, { type: true });
  if (pieces.length === 0) {
    file.print([join(hardline, HANDLERS_DOC), hardline, interfaceBody("export interface Handlers", [])]);
    file.print([
      "/** Registers every endpoint of the schema on `app`. */",
      hardline,
      "export function registerRoutes(_app: HamletServer, _handlers: Handlers): void ",
      block([]),
    ]);
    return file.toString();
  }
  // The layout `interfaceBody` and `block` print: members a blank line apart, routes one per line.
  file.verbatim(
    `${HANDLERS_DOC.join("\n")}\nexport interface Handlers {\n${pieces.map((p) => p.member).join("\n\n")}\n}`,
  );
  file.verbatim(
    `/** Registers every endpoint of the schema on \`app\`. */\nexport function registerRoutes(app: HamletServer, handlers: Handlers): void {\n${pieces.map((p) => p.route).join("\n")}\n}`,
  );
  return file.toString();
}

/** `head {` members separated by blank lines `}`. */
export function interfaceBody(head: string, members: readonly Doc[]): Doc {
  if (members.length === 0) return `${head} {}`;
  return [`${head} {`, indent([hardline, ...join([hardline, hardline], members)]), hardline, "}"];
}

export const CLIENT_PRELUDE = `/** The part of \`fetch\` the client uses (the global \`fetch\` fits; tests may pass their own). */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    credentials?: "include" | "same-origin" | "omit";
  },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

export interface ClientOptions {
  /** Origin and optional prefix, e.g. \`https://api.example.com\` (no trailing slash needed). */
  readonly baseUrl: string;
  readonly fetch?: FetchLike;
  /** Extra headers for every request (e.g. a cookie outside browsers), or a function returning them. */
  readonly headers?: Record<string, string> | (() => Record<string, string>);
  /** Browser credentials mode (default \`same-origin\`). */
  readonly credentials?: "include" | "same-origin" | "omit";
}

/** The outcome of a call: the response, a declared error, or what else went wrong. */
export type ClientResult<T, E = never> =
  | { readonly ok: true; readonly value: T }
  /** A declared error of the endpoint, with its HTTP status. */
  | { readonly ok: false; readonly kind: "error"; readonly status: number; readonly error: E }
  /** The server rejected the input (400 \`ValidationFailed\`). */
  | {
      readonly ok: false;
      readonly kind: "validation";
      readonly status: 400;
      readonly issues: Issue[];
    }
  /** The endpoint needs a session (401 \`Unauthorized\`). */
  | { readonly ok: false; readonly kind: "unauthorized"; readonly status: 401 }
  /** Any other status (404 for an unknown tenant, 500 \`InternalError\`, ...), with the parsed body. */
  | { readonly ok: false; readonly kind: "http"; readonly status: number; readonly body: unknown }
  /** The request did not complete. */
  | { readonly ok: false; readonly kind: "network"; readonly message: string }
  /** The response did not match the schema. */
  | {
      readonly ok: false;
      readonly kind: "decode";
      readonly status: number;
      readonly issues: Issue[];
    };

/** Text form of a wire value for a path segment or query parameter. */
function textForm(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function tagOf(body: unknown): unknown {
  return typeof body === "object" && body !== null ? (body as { tag?: unknown }).tag : undefined;
}

type Send = <T, E>(
  method: string,
  template: string,
  pathParams: readonly string[],
  /** Names of query fields; \`null\` sends the other fields as a JSON body. */
  query: readonly string[] | null,
  wire: unknown,
  decode: ((value: unknown) => Decoded<T>) | undefined,
  decodeError: ((value: unknown) => Decoded<E>) | undefined,
) => Promise<ClientResult<T, E>>;

function sender(options: ClientOptions): Send {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const base = options.baseUrl.replace(/\\/+$/, "");
  return async <T, E>(
    method: string,
    template: string,
    pathParams: readonly string[],
    query: readonly string[] | null,
    wire: unknown,
    decode: ((value: unknown) => Decoded<T>) | undefined,
    decodeError: ((value: unknown) => Decoded<E>) | undefined,
  ): Promise<ClientResult<T, E>> => {
    const fields = (typeof wire === "object" && wire !== null ? wire : {}) as Record<
      string,
      unknown
    >;
    let url =
      base +
      template.replace(/\\{([A-Za-z_][A-Za-z0-9_]*)\\}/g, (_, name: string) =>
        encodeURIComponent(textForm(fields[name])),
      );
    const extra = typeof options.headers === "function" ? options.headers() : options.headers;
    const headers: Record<string, string> = { accept: "application/json", ...extra };
    const init: {
      method: string;
      headers: Record<string, string>;
      body?: string;
      credentials?: "include" | "same-origin" | "omit";
    } = {
      method,
      headers,
      credentials: options.credentials ?? "same-origin",
    };
    if (query !== null) {
      const params = new URLSearchParams();
      for (const name of query) {
        const value = fields[name];
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) for (const item of value) params.append(name, textForm(item));
        else params.append(name, textForm(value));
      }
      const text = params.toString();
      if (text !== "") url += "?" + text;
    } else {
      const body: Record<string, unknown> = {};
      for (const key of Object.keys(fields)) if (!pathParams.includes(key)) body[key] = fields[key];
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let status: number;
    let body: unknown;
    try {
      const response = await doFetch(url, init);
      status = response.status;
      body = parseBody(await response.text());
    } catch (error) {
      return {
        ok: false,
        kind: "network",
        message: error instanceof Error ? error.message : String(error),
      };
    }
    if (status >= 200 && status < 300) {
      if (decode === undefined) return { ok: true, value: undefined as T };
      const decoded = decode(body);
      return decoded.ok
        ? { ok: true, value: decoded.value }
        : { ok: false, kind: "decode", status, issues: decoded.errors };
    }
    if (decodeError !== undefined) {
      const decoded = decodeError(body);
      if (decoded.ok) return { ok: false, kind: "error", status, error: decoded.value };
    }
    const tag = tagOf(body);
    if (status === 400 && tag === "ValidationFailed") {
      const issues = (body as { issues?: unknown }).issues;
      return {
        ok: false,
        kind: "validation",
        status: 400,
        issues: Array.isArray(issues) ? (issues as Issue[]) : [],
      };
    }
    if (status === 401 && tag === "Unauthorized")
      return { ok: false, kind: "unauthorized", status: 401 };
    return { ok: false, kind: "http", status, body };
  };
}`;

function clientPiece(
  table: TypeTable,
  file: TsFile,
  e: EndpointDef,
): ClientPiece & { readonly text: string; readonly names: readonly string[] } {
  const imports: Imported[] = [];
  const imp = recording(file, imports);
  const types = (name: string) => imp.import(name, "./types.js", { type: true });
  const validators = (name: string) => imp.import(name, "./validators.js");
  const request = requestRecord(table, e);
  const response = responseName(e);
  const hasArg = request.fields.length > 0;
  const value = response === undefined ? "void" : types(response);
  const error = e.errors === undefined ? undefined : types(e.errors);
  const result = `ClientResult<${value}${error !== undefined ? `, ${error}` : ""}>`;
  const member = method(
    docLines(e.docs, e.deprecated, [`\`${e.method} ${e.path}\``]),
    camel(e.name),
    hasArg ? [`request: ${types(inputName(table, e.request))}`] : [],
    `Promise<${result}>`,
  );
  const query = e.bodyless
    ? arr(
        request.fields
          .map((f) => f.name)
          .filter((n) => !e.pathParams.includes(n))
          .map(str),
      )
    : atom("null");
  const entry: [string, Expr] = [
    camel(e.name),
    arrow(
      hasArg ? "request" : "",
      call(
        `send<${value}, ${error ?? "never"}>`,
        str(e.method),
        str(e.path),
        arr(e.pathParams.map(str)),
        query,
        call(validators(`encode${e.request}`), atom(hasArg ? "request" : "{}")),
        atom(response === undefined ? "undefined" : validators(`decode${response}`)),
        atom(e.errors === undefined ? "undefined" : validators(`decode${e.errors}`)),
      ),
    ),
  ];
  // Inside `createClient`'s returned object, broken one entry per line (two entries never fit on a line).
  const text = printIndented([property(entry[0], entry[1]), ","], 2);
  const printed = printIndented(member, 1);
  // The identifiers both texts use, found once (the prelude and `importIfUsed` ask for them).
  const names = new Set<string>();
  collectNames(printed, names);
  collectNames(text, names);
  return { member: printed, entry, text, imports, names: [...names] };
}

export function clientFile(table: TypeTable, header: string): string {
  const file = new TsFile(header).module("./types.js", true).module("./validators.js").prelude(CLIENT);
  file.importIfUsed("Decoded", "./validators.js", { type: true });
  file.importIfUsed("Issue", "./validators.js", { type: true });
  const pieces = table.schema.endpoints.map((e) => {
    const piece = clientPieces.reuseOr(e, endpointInputs(table, e, ""), () => clientPiece(table, file, e));
    replay(file, piece.imports);
    return piece;
  });
  // Fixed text around the pieces: its names, and each piece's kept names, instead of scanning the file's text.
  const around = (before: string, inside: string, after: string): void => {
    file.appendRendered(`${before}${inside}${after}`);
    const names = new Set<string>();
    collectNames(`${before}${after}`, names);
    file.useNames(names);
  };
  for (const p of pieces) file.useNames(p.names);
  const clientDoc = "/** One method per endpoint; each encodes its request and decodes the response. */";
  if (pieces.length === 0) file.print([clientDoc, hardline, interfaceBody("export interface Client", [])]);
  else around(`${clientDoc}\nexport interface Client {\n`, pieces.map((p) => p.member).join("\n\n"), "\n}");
  const createDoc = "/** A typed client for the schema's endpoints over `fetch`. */";
  if (pieces.length < 2)
    file.print([
      createDoc,
      hardline,
      `export function createClient(${pieces.length === 0 ? "_options" : "options"}: ClientOptions): Client `,
      pieces.length === 0
        ? block(["return {};"])
        : block([
            declare("const", "send", undefined, call("sender", atom("options"))),
            ret(obj(pieces.map((p) => p.entry))),
          ]),
    ]);
  else
    around(
      `${createDoc}\nexport function createClient(options: ClientOptions): Client {\n  const send = sender(options);\n  return {\n`,
      pieces.map((p) => p.text).join("\n"),
      "\n  };\n}",
    );
  return file.toString();
}

const CLIENT = new Prelude(CLIENT_PRELUDE);

/** What a handler of a route gets: the session's context or not, plus a typed `emit` for its `@emits` events. */
export function handlerContextType(
  file: Pick<TsFile, "import">,
  rt: (name: string, type?: boolean) => string,
  route: { readonly auth?: string | undefined; readonly emits: readonly string[] },
): string {
  const emits =
    route.emits.length > 0
      ? ` & ${file.import("EmitsContext", "./events.js", { type: true })}<${route.emits.map((n) => JSON.stringify(n)).join(" | ")}>`
      : "";
  return `${rt(route.auth ? "AuthenticatedContext" : "EndpointContext", true)}${emits}`;
}

/** The doc line naming a handler's route, e.g. `POST /api/posts` (requires a session). */
export function routeLine(route: {
  readonly method: string;
  readonly path: string;
  readonly auth?: string | undefined;
}): string {
  return `\`${route.method} ${route.path}\`${route.auth ? " (requires a session)" : ""}.`;
}
