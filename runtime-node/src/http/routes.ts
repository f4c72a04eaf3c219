/**
 * What generated `server.ts` files use to wire endpoints into a {@link HamletServer}:
 * text forms of path and query parameters, validation replies, declared errors, the handler
 * context, and crash isolation. The generated code supplies the straight-line decoders and
 * encoders; this module only moves values between HTTP and them.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import "../fastify-types.js";
import { runAfterCommit, type AfterCommitCallback } from "../after-commit.js";
import type { Database } from "../db/database.js";
import { sendUnexpectedError } from "../error-replies.js";
import type { KvStore } from "../kv/kv-store.js";
import type { HamletServer } from "../server.js";
import type { Session, SessionManager } from "../session/session-manager.js";

/** One problem with the input: `$.body`, `$path.id`, `$query.limit`. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** What a generated decoder returns. */
export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

/** A declared error returned by a handler; build it with {@link fail}. */
export class Failure<E> {
  constructor(readonly error: E) {}
}

/** Returns a declared error from a handler: `return fail({ tag: "NotFound" })`. */
export function fail<E>(error: E): Failure<E> {
  return new Failure(error);
}

/** Everything a handler may use besides its decoded request. */
export interface EndpointContext {
  /** The tenant the request belongs to. */
  readonly tenant: string;
  /** The session loaded from the cookie, if any. */
  readonly session: Session | null;
  /** The root database handle; scope tenant data with `db.withTenant(tenant, ...)`. */
  readonly db: Database;
  /** The tenant's key/value store. */
  readonly kv: KvStore;
  /** Create, rotate or destroy sessions (login, logout). */
  readonly sessions: SessionManager;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly app: HamletServer;
  /**
   * Runs `fn` once the request's work committed: after the handler returned a response (not a
   * declared error, not a throw), so after the transaction of an `@emits` endpoint committed;
   * statements on `db` outside a transaction commit as they run. Errors are logged, not thrown.
   */
  afterCommit(fn: AfterCommitCallback): void;
}

/** The context of an `@auth(session)` endpoint: the session is always there. */
export interface AuthenticatedContext extends EndpointContext {
  readonly session: Session;
}

/** Narrows a context whose route required a session (the preHandler answered 401 otherwise). */
export function authenticated(context: EndpointContext): AuthenticatedContext {
  if (context.session === null) throw new Error("Hamlet: @auth(session) route ran without a session");
  return context as AuthenticatedContext;
}

/**
 * How a path or query parameter's text becomes a JSON value before decoding:
 * `text` stays a string (String, Uuid, Timestamp, Date, plain enums), `number` is JSON number
 * syntax, `boolean` is `true`/`false`, `json` is parsed as JSON (anything else). Text that does not
 * fit stays a string, so the decoder reports it with the field's own message.
 */
export type TextKind = "text" | "number" | "boolean" | "json";

/** A parameter of an endpoint: its text kind and whether it is a list (repeated query keys). */
export interface ParamSpec {
  readonly kind: TextKind;
  readonly list?: boolean;
  /** An optional list stays absent when no key is given (a required one becomes `[]`). */
  readonly optional?: boolean;
}

const NUMBER_SYNTAX = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The JSON value of one text parameter (see {@link TextKind}). */
export function fromText(text: string, kind: TextKind): unknown {
  switch (kind) {
    case "text":
      return text;
    case "number":
      return NUMBER_SYNTAX.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
  }
}

/** The value of a query parameter (`string | string[]` from Fastify's parser) as JSON. */
export function queryValue(raw: unknown, spec: ParamSpec): unknown {
  if (raw === undefined) return spec.list && !spec.optional ? [] : undefined;
  if (spec.list) {
    const items = Array.isArray(raw) ? raw : [raw];
    return items.map((item) => (typeof item === "string" ? fromText(item, spec.kind) : item));
  }
  if (Array.isArray(raw)) return raw; // a repeated key for a single value: the decoder rejects the list
  return typeof raw === "string" ? fromText(raw, spec.kind) : raw;
}

/** Declared errors of an endpoint: their HTTP statuses by tag and their encoder. */
export interface ErrorSpec<E> {
  readonly status: Readonly<Record<string, number>>;
  readonly encode: (error: E) => unknown;
}

/** What a generated `registerRoutes` passes for each endpoint. */
export interface EndpointSpec<Req, Res, E> {
  readonly name: string;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path template as written in the schema: `/api/posts/{id}`. */
  readonly path: string;
  readonly auth: boolean;
  /** Request fields taken from path segments. */
  readonly pathParams: Readonly<Record<string, ParamSpec>>;
  /** Request fields taken from the query string (GET, DELETE). */
  readonly query: Readonly<Record<string, ParamSpec>>;
  /** Whether the other request fields come from a JSON body. */
  readonly body: boolean;
  readonly decode: (value: unknown) => DecodeResult<Req>;
  /** Encodes the response; `undefined` for endpoints without a response (204). */
  readonly encode: ((value: Res) => unknown) | undefined;
  readonly errors: ErrorSpec<E> | undefined;
  readonly handle: (request: Req, context: EndpointContext) => Promise<Res | Failure<E> | void>;
}

/** `/api/posts/{id}` → `/api/posts/:id` (Fastify's syntax). */
export function fastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ":$1");
}

/**
 * Moves issues of fields that came from the path or the query string to `$path.<name>` /
 * `$query.<name>` (the decoder reports everything relative to `$`).
 */
export function relocateIssues(
  issues: readonly ValidationIssue[],
  pathParams: Readonly<Record<string, unknown>>,
  query: Readonly<Record<string, unknown>>,
): ValidationIssue[] {
  return issues.map((issue) => {
    const m = /^\$\.([A-Za-z_][A-Za-z0-9_]*)(.*)$/s.exec(issue.path);
    if (m === null) return issue;
    const [, name = "", rest = ""] = m;
    if (Object.hasOwn(pathParams, name)) return { path: `$path.${name}${rest}`, message: issue.message };
    if (Object.hasOwn(query, name)) return { path: `$query.${name}${rest}`, message: issue.message };
    return issue;
  });
}

/** Answers 400 `{"tag":"ValidationFailed","issues":[...]}`. */
export function sendValidationFailed(reply: FastifyReply, issues: readonly ValidationIssue[]): FastifyReply {
  return reply.code(400).send({ tag: "ValidationFailed", issues });
}

/** Assembles the raw request object (JSON values) from path, query and body. */
export function rawRequest(
  request: FastifyRequest,
  spec: Pick<EndpointSpec<unknown, unknown, unknown>, "pathParams" | "query" | "body">,
): { value: unknown; issues: ValidationIssue[] } {
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (spec.body) {
    const body = request.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      issues.push({ path: "$", message: "expected an object" });
    } else {
      for (const key of Object.keys(body)) fields[key] = (body as Record<string, unknown>)[key];
    }
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [name, param] of Object.entries(spec.query)) {
    const value = queryValue(Object.hasOwn(query, name) ? query[name] : undefined, param);
    if (value === undefined) delete fields[name];
    else fields[name] = value;
  }
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const [name, param] of Object.entries(spec.pathParams)) {
    const text = params[name];
    fields[name] = typeof text === "string" ? fromText(text, param.kind) : text;
  }
  return { value: fields, issues };
}

/** Callbacks of each request's `afterCommit`, run by {@link committed}. */
const afterCommits = new WeakMap<FastifyRequest, AfterCommitCallback[]>();

/** The handler context of a request. */
export function endpointContext(app: HamletServer, request: FastifyRequest, reply: FastifyReply): EndpointContext {
  const tenant = request.tenant;
  if (tenant === null) throw new Error("Hamlet: request without a tenant");
  const { db, sessions } = app.hamlet;
  const after: AfterCommitCallback[] = [];
  afterCommits.set(request, after);
  const afterCommit = (fn: AfterCommitCallback): void => void after.push(fn);
  return {
    tenant,
    session: request.session,
    db,
    kv: app.hamlet.kv(tenant),
    sessions,
    request,
    reply,
    app,
    afterCommit,
  };
}

/** The handler of `request` succeeded: runs its `afterCommit` callbacks (errors are logged). */
export function committed(app: HamletServer, request: FastifyRequest): void {
  const after = afterCommits.get(request);
  afterCommits.delete(request);
  if (after !== undefined)
    runAfterCommit(after, (error) => app.log.error({ err: error }, "Hamlet: an afterCommit callback failed"));
}

/**
 * Registers one endpoint: 401 without a session on `@auth(session)` routes, 400 with every
 * validation issue, the declared error's status, 200 with the encoded response (204 without one),
 * and 500 `{"tag":"InternalError"}` — nothing else — when the handler throws (503
 * `{"tag":"ServiceUnavailable"}` when it threw because the database is unreachable).
 */
export function serveEndpoint<Req, Res, E>(app: HamletServer, spec: EndpointSpec<Req, Res, E>): void {
  app.route({
    method: spec.method,
    url: fastifyPath(spec.path),
    ...(spec.auth ? { preHandler: app.requireSession } : {}),
    handler: async (request, reply) => {
      const raw = rawRequest(request, spec);
      if (raw.issues.length > 0) return sendValidationFailed(reply, raw.issues);
      const decoded = spec.decode(raw.value);
      if (!decoded.ok) return sendValidationFailed(reply, relocateIssues(decoded.errors, spec.pathParams, spec.query));
      let result: Res | Failure<E> | void;
      try {
        result = await spec.handle(decoded.value, endpointContext(app, request, reply));
      } catch (error) {
        return sendUnexpectedError(request, reply, error, () =>
          app.hamlet.crashed(request, error, `handler ${spec.name} failed`),
        );
      }
      if (!(result instanceof Failure)) committed(app, request);
      if (reply.sent) return reply;
      if (result instanceof Failure) {
        if (spec.errors === undefined) {
          app.hamlet.crashed(
            request,
            new Error(`${spec.name} declares no errors`),
            `handler ${spec.name} returned an error the endpoint does not declare`,
          );
          return reply.code(500).send({ tag: "InternalError" });
        }
        const error = result.error as E;
        const tag = (error as { tag?: unknown }).tag;
        const status = typeof tag === "string" ? spec.errors.status[tag] : undefined;
        return reply.code(status ?? 422).send(spec.errors.encode(error));
      }
      if (spec.encode === undefined) return reply.code(204).send();
      return reply
        .code(200)
        .type("application/json; charset=utf-8")
        .send(JSON.stringify(spec.encode(result as Res)));
    },
  });
}
