/** `server.ts` (handler interface + Fastify wiring) and `client.ts` (typed fetch client). */
import { findRecord } from "../../src/schema/query.js";
import type { EndpointDef, RecordDef, TypeExpr } from "../../src/schema/types.js";
import { camel, tsDoc, type TypeTable } from "./model.js";
import { inputName } from "./types-file.js";

/** Name of the type an endpoint's response decodes to (a ref, or the synthetic `<Name>Result`). */
export function responseName(endpoint: EndpointDef): string | undefined {
  if (endpoint.response === undefined) return undefined;
  return endpoint.response.kind === "ref" ? endpoint.response.name : `${endpoint.name}Result`;
}

function textKind(table: TypeTable, type: TypeExpr): { kind: string; list: boolean; optional: boolean } {
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

function paramSpecs(table: TypeTable, request: RecordDef, names: readonly string[]): string {
  const entries = names.map((name) => {
    const field = request.fields.find((f) => f.name === name);
    if (!field) throw new Error(`request field ${name} not found`);
    const { kind, list, optional } = textKind(table, field.type);
    const extra = `${list ? ", list: true" : ""}${list && optional ? ", optional: true" : ""}`;
    return `${JSON.stringify(name)}: { kind: ${JSON.stringify(kind)}${extra} }`;
  });
  return `{ ${entries.join(", ")} }`;
}

function requestRecord(table: TypeTable, endpoint: EndpointDef): RecordDef {
  return findRecord(table.schema, endpoint.request);
}

export function serverFile(table: TypeTable, header: string, runtimeImport: string): string {
  const endpoints = table.schema.endpoints;
  const typeImports = new Set<string>();
  const valueImports = new Set<string>();
  const methods: string[] = [];
  const routes: string[] = [];
  let usesAuth = false;
  let usesFailure = false;
  let usesEmit = false;
  for (const e of endpoints) {
    const request = requestRecord(table, e);
    const response = responseName(e);
    typeImports.add(e.request);
    valueImports.add(`decode${e.request}`);
    let success = "void";
    if (response !== undefined) {
      success = inputName(table, response);
      typeImports.add(success);
      valueImports.add(`encode${response}`);
    }
    let returns = success;
    if (e.errors !== undefined) {
      typeImports.add(e.errors);
      valueImports.add(`encode${e.errors}`);
      returns = `${success} | Failure<${e.errors}>`;
      usesFailure = true;
    }
    if (e.auth) usesAuth = true;
    const emits = e.emits.length > 0 ? ` & EmitsContext<${e.emits.map((n) => JSON.stringify(n)).join(" | ")}>` : "";
    if (emits !== "") usesEmit = true;
    const context = `${e.auth ? "AuthenticatedContext" : "EndpointContext"}${emits}`;
    const given = e.auth ? "authenticated(context)" : "context";
    const handle =
      emits === ""
        ? `handlers.${camel(e.name)}(request, ${given})`
        : `withEmit(${given}, (c) => handlers.${camel(e.name)}(request, emitting(c)))`;
    const route = `\`${e.method} ${e.path}\`${e.auth ? " (requires a session)" : ""}.`;
    methods.push(
      `${tsDoc(e.docs, e.deprecated, [route])}${camel(e.name)}(request: ${e.request}, context: ${context}): Promise<${returns}>;`,
    );
    const query = e.bodyless ? request.fields.map((f) => f.name).filter((n) => !e.pathParams.includes(n)) : [];
    let errors = "undefined";
    if (e.errors !== undefined) {
      const def = table.get(e.errors);
      if (def.kind !== "enum") throw new Error(`errors ${e.errors} is not an enum`);
      const statuses = def.variants.map((v) => `${JSON.stringify(v.name)}: ${v.status ?? 422}`);
      errors = `{ status: { ${statuses.join(", ")} }, encode: encode${e.errors} }`;
    }
    routes.push(`serveEndpoint(app, {
name: ${JSON.stringify(e.name)},
method: ${JSON.stringify(e.method)},
path: ${JSON.stringify(e.path)},
auth: ${e.auth ? "true" : "false"},
pathParams: ${paramSpecs(table, request, e.pathParams)},
query: ${paramSpecs(table, request, query)},
body: ${e.bodyless ? "false" : "true"},
decode: decode${e.request},
encode: ${response === undefined ? "undefined" : `encode${response}`},
errors: ${errors},
handle: (request, context) => ${handle},
});`);
  }
  const runtimeNames = ["serveEndpoint", "type EndpointContext", "type HamletServer"];
  if (usesAuth) runtimeNames.push("authenticated", "type AuthenticatedContext");
  if (usesFailure) runtimeNames.push("type Failure");
  if (usesEmit) runtimeNames.push("withEmit");
  const imports = [
    `import { ${runtimeNames.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} } from ${JSON.stringify(runtimeImport)};`,
    typeImports.size ? `import type { ${[...typeImports].sort().join(", ")} } from "./types.js";` : "",
    valueImports.size ? `import { ${[...valueImports].sort().join(", ")} } from "./validators.js";` : "",
    usesEmit ? `import { emitting, type EmitsContext } from "./events.js";` : "",
  ].filter(Boolean);
  return `${header}${imports.join("\n")}

/**
 * One method per endpoint. Return the response, or \`fail(error)\` (from the runtime) for a
 * declared error; a thrown exception answers 500 \`{"tag":"InternalError"}\`.
 */
export interface Handlers {
${methods.join("\n\n")}
}

/** Registers every endpoint of the schema on \`app\`. */
export function registerRoutes(app: HamletServer, handlers: Handlers): void {
${routes.join("\n")}
}
`;
}

export const CLIENT_PRELUDE = `
/** The part of \`fetch\` the client uses (the global \`fetch\` fits; tests may pass their own). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials?: "include" | "same-origin" | "omit" },
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
  | { readonly ok: false; readonly kind: "validation"; readonly status: 400; readonly issues: Issue[] }
  /** The endpoint needs a session (401 \`Unauthorized\`). */
  | { readonly ok: false; readonly kind: "unauthorized"; readonly status: 401 }
  /** Any other status (404 for an unknown tenant, 500 \`InternalError\`, ...), with the parsed body. */
  | { readonly ok: false; readonly kind: "http"; readonly status: number; readonly body: unknown }
  /** The request did not complete. */
  | { readonly ok: false; readonly kind: "network"; readonly message: string }
  /** The response did not match the schema. */
  | { readonly ok: false; readonly kind: "decode"; readonly status: number; readonly issues: Issue[] };

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
    const fields = (typeof wire === "object" && wire !== null ? wire : {}) as Record<string, unknown>;
    let url = base + template.replace(/\\{([A-Za-z_][A-Za-z0-9_]*)\\}/g, (_, name: string) => encodeURIComponent(textForm(fields[name])));
    const extra = typeof options.headers === "function" ? options.headers() : options.headers;
    const headers: Record<string, string> = { accept: "application/json", ...extra };
    const init: { method: string; headers: Record<string, string>; body?: string; credentials?: "include" | "same-origin" | "omit" } = {
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
      return { ok: false, kind: "network", message: error instanceof Error ? error.message : String(error) };
    }
    if (status >= 200 && status < 300) {
      if (decode === undefined) return { ok: true, value: undefined as T };
      const decoded = decode(body);
      return decoded.ok ? { ok: true, value: decoded.value } : { ok: false, kind: "decode", status, issues: decoded.errors };
    }
    if (decodeError !== undefined) {
      const decoded = decodeError(body);
      if (decoded.ok) return { ok: false, kind: "error", status, error: decoded.value };
    }
    const tag = tagOf(body);
    if (status === 400 && tag === "ValidationFailed") {
      const issues = (body as { issues?: unknown }).issues;
      return { ok: false, kind: "validation", status: 400, issues: Array.isArray(issues) ? (issues as Issue[]) : [] };
    }
    if (status === 401 && tag === "Unauthorized") return { ok: false, kind: "unauthorized", status: 401 };
    return { ok: false, kind: "http", status, body };
  };
}
`;

export function clientFile(table: TypeTable, header: string): string {
  const typeImports = new Set<string>();
  const valueImports = new Set<string>();
  const members: string[] = [];
  const impls: string[] = [];
  for (const e of table.schema.endpoints) {
    const request = requestRecord(table, e);
    const response = responseName(e);
    const input = inputName(table, e.request);
    const hasArg = request.fields.length > 0;
    const param = hasArg ? `request: ${input}` : "";
    if (hasArg) typeImports.add(input);
    valueImports.add(`encode${e.request}`);
    const value = response ?? "undefined";
    if (response !== undefined) {
      typeImports.add(response);
      valueImports.add(`decode${response}`);
    }
    if (e.errors !== undefined) {
      typeImports.add(e.errors);
      valueImports.add(`decode${e.errors}`);
    }
    const result = `ClientResult<${response === undefined ? "void" : value}${e.errors !== undefined ? `, ${e.errors}` : ""}>`;
    members.push(
      `${tsDoc(e.docs, e.deprecated, [`\`${e.method} ${e.path}\``])}${camel(e.name)}(${param}): Promise<${result}>;`,
    );
    const query = e.bodyless
      ? JSON.stringify(request.fields.map((f) => f.name).filter((n) => !e.pathParams.includes(n)))
      : "null";
    impls.push(`${camel(e.name)}: (${hasArg ? "request" : ""}) =>
send<${response === undefined ? "void" : value}, ${e.errors ?? "never"}>(${JSON.stringify(e.method)}, ${JSON.stringify(e.path)}, ${JSON.stringify(e.pathParams)}, ${query}, encode${e.request}(${hasArg ? "request" : "{}"}), ${response === undefined ? "undefined" : `decode${response}`}, ${e.errors === undefined ? "undefined" : `decode${e.errors}`}),`);
  }
  const imports = [
    `import type { ${[...typeImports].sort().join(", ")} } from "./types.js";`,
    `import { ${[...[...valueImports].sort(), "type Decoded", "type Issue"].join(", ")} } from "./validators.js";`,
  ];
  if (typeImports.size === 0) imports.shift();
  return `${header}${imports.join("\n")}
${CLIENT_PRELUDE}
/** One method per endpoint; each encodes its request and decodes the response. */
export interface Client {
${members.join("\n\n")}
}

/** A typed client for the schema's endpoints over \`fetch\`. */
export function createClient(options: ClientOptions): Client {
const send = sender(options);
return {
${impls.join("\n")}
};
}
`;
}
