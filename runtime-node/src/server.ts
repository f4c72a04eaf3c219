import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import "./fastify-types.js";
import { systemClock, type Clock } from "./clock.js";
import type { HamletConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { migrateDirectory } from "./db/migrate.js";
import { openDatabase } from "./db/open.js";
import { clientErrorTag, errorStatus } from "./error-replies.js";
import { kvFor, type KvStore } from "./kv/kv-store.js";
import { createBus, type MessageBus } from "./realtime/bus.js";
import { ensureRuntimeTables } from "./runtime-schema.js";
import { createSessionManager, type SessionManager } from "./session/session-manager.js";
import { resolveTenant, unresolvedTenantStatus } from "./tenant.js";

/** Options for {@link createHamletServer}. */
export interface HamletServerOptions {
  readonly config: HamletConfig;
  /** Use this database instead of opening `config.database.url` (the server will not close it). */
  readonly database?: Database;
  /** Fastify logger setting (default `false`). */
  readonly logger?: FastifyServerOptions["logger"];
  /** Clock for session expiry (default `Date.now`). */
  readonly clock?: Clock;
  /** Run {@link ensureRuntimeTables} on startup (default `true`). */
  readonly ensureTables?: boolean;
  /**
   * The `sql` emitter's output folder (`generated/sql`): pending migrations of the database's
   * dialect are applied on start-up, before the server accepts requests. Development
   * convenience; in production run `hamletc migrate` as a separate step and leave this unset.
   */
  readonly migrations?: string;
  /**
   * Where unexpected errors (a handler that throws) are reported besides the Fastify logger.
   * Default: standard error when `logger` is off, so a crash is never silent; `false` turns it off.
   */
  readonly reportCrash?: ((error: unknown, where: string) => void) | false;
  /**
   * The cross-process message bus (WebSocket routing, SSE). Default: created on first use,
   * PostgreSQL LISTEN/NOTIFY when `config.database.url` is PostgreSQL, in-process otherwise.
   */
  readonly bus?: MessageBus;
}

/** Runtime services shared with generated route code. */
export interface HamletContext {
  readonly config: HamletConfig;
  readonly db: Database;
  readonly sessions: SessionManager;
  /** The KV store of `tenantId`. */
  kv(tenantId: string): KvStore;
  /** The message bus between this deployment's processes (created on first call; closed with the app). */
  bus(): Promise<MessageBus>;
  /** Logs an unexpected error (a handler that threw); `where` says which request or endpoint. */
  crashed(request: FastifyRequest, error: unknown, where: string): void;
}

/** A `preHandler` that answers 401 `{"tag":"Unauthorized"}` when the request has no session. */
export type RequireSession = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** The Fastify instance returned by {@link createHamletServer}. */
export type HamletServer = FastifyInstance & {
  readonly hamlet: HamletContext;
  readonly requireSession: RequireSession;
};

/** Answers 401 `{"tag":"Unauthorized"}` unless `request.session` is set. */
export const requireSession: RequireSession = async (request, reply) => {
  if (request.session === null) return reply.code(401).send({ tag: "Unauthorized" });
  return undefined;
};

/**
 * Creates the Fastify app every generated server runs on:
 * - JSON body parsing with `config.server.bodyLimitBytes` (default 1 MiB; 413 `PayloadTooLarge`);
 * - `onRequest`: resolves `request.tenant` — when none matches it answers 404
 *   `{"tag":"UnknownTenant"}` (host/single mode) or 400 `{"tag":"MissingTenant"}` (header mode) —
 *   then loads `request.session` from the signed cookie;
 * - `app.requireSession` preHandler (401 `{"tag":"Unauthorized"}`);
 * - errors: 4xx → `{"tag":"BadRequest"|…}`; anything else is logged and answered
 *   500 `{"tag":"InternalError"}` with no details; unknown routes → 404 `{"tag":"NotFound"}`.
 * Generated code registers routes with `app.route(...)`, using `app.hamlet` for services.
 */
export async function createHamletServer(options: HamletServerOptions): Promise<HamletServer> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const ownsDatabase = options.database === undefined;
  const report =
    options.reportCrash === false
      ? undefined
      : (options.reportCrash ?? ((options.logger ?? false) === false ? crashToStderr : undefined));
  const db = options.database ?? openDatabase(config.database.url);
  try {
    if (options.ensureTables ?? true) await ensureRuntimeTables(db);
    if (options.migrations !== undefined) await migrateDirectory(db, options.migrations);
  } catch (error) {
    if (ownsDatabase) await db.close();
    throw error;
  }
  const sessions = createSessionManager({
    db,
    secrets: config.sessions.secrets,
    ttlSeconds: config.sessions.ttlSeconds,
    cookieName: config.sessions.cookieName,
    clock,
  });
  let bus: Promise<MessageBus> | null = options.bus === undefined ? null : Promise.resolve(options.bus);
  const ownsBus = options.bus === undefined;
  const hamlet: HamletContext = {
    config,
    db,
    sessions,
    kv: (tenantId) => kvFor(db, tenantId, { clock }),
    bus: () => (bus ??= createBus({ db, databaseUrl: config.database.url })),
    crashed: (request, error, where) => {
      request.log.error({ err: error }, where);
      report?.(error, `${where} (${request.method} ${request.url})`);
    },
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.server?.bodyLimitBytes ?? 1024 * 1024,
    trustProxy: config.server?.trustProxy ?? false,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
  });
  app.decorate("hamlet", hamlet);
  app.decorate("requireSession", requireSession);
  app.decorateRequest("tenant", null);
  app.decorateRequest("session", null);

  const tenantStatus = unresolvedTenantStatus(config.tenants);
  app.addHook("onRequest", async (request, reply) => {
    const tenant = resolveTenant(request, config.tenants);
    if (tenant === null) {
      return reply.code(tenantStatus).send({
        tag: tenantStatus === 404 ? "UnknownTenant" : "MissingTenant",
      });
    }
    request.tenant = tenant;
    request.session = await sessions.load(request, reply);
    return undefined;
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ tag: "NotFound" }));
  app.setErrorHandler((error: unknown, request, reply) => {
    const status = errorStatus(error);
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ tag: clientErrorTag(status) });
    }
    hamlet.crashed(request, error, "unhandled error");
    return reply.code(500).send({ tag: "InternalError" });
  });

  app.addHook("onClose", async () => {
    if (ownsBus && bus !== null) await (await bus.catch(() => null))?.close();
  });
  if (ownsDatabase) app.addHook("onClose", async () => db.close());
  return app as unknown as HamletServer;
}

function crashToStderr(error: unknown, where: string): void {
  process.stderr.write(
    `hamlet: ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
}

/** Where a started server listens. */
export interface StartedServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
}

/** Listens on `host` (default `127.0.0.1`) and `port` (default 3000; 0 picks a free port). */
export async function startServer(
  app: FastifyInstance,
  { port = 3000, host = "127.0.0.1" }: { readonly port?: number; readonly host?: string } = {},
): Promise<StartedServer> {
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { host, port: actualPort, url: `http://${urlHost}:${actualPort}` };
}
