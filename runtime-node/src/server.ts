import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import "./fastify-types.js";
import { systemClock, type Clock } from "./clock.js";
import { isProduction, SERVER_LIMIT_DEFAULTS, type HamletConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { migrateDirectory } from "./db/migrate.js";
import { openDatabase } from "./db/open.js";
import { clientErrorBody, errorStatus, sendUnexpectedError } from "./error-replies.js";
import { checkRequest, clientErrorReply, registerJsonParser } from "./http/request-guards.js";
import { resolveSessionSecrets } from "./session/secrets.js";
import { kvFor, type KvStore } from "./kv/kv-store.js";
import { loadProjectConfig } from "./project-config.js";
import { startPurger } from "./purge.js";
import { checkRuntimeDatabase } from "./runtime-schema.js";
import { createSessionManager, type SessionManager } from "./session/session-manager.js";
import { resolveTenant, unresolvedTenantStatus } from "./tenant.js";

/** Options for {@link createHamletServer}. */
export interface HamletServerOptions {
  /**
   * The configuration; default: `loadProjectConfig({ dir: projectDir })`, i.e. `[hamlet.server]`
   * of the nearest hamlet.toml with `PORT`, `HOST`, `DATABASE_URL`, … overrides.
   */
  readonly config?: HamletConfig;
  /** Where to look for hamlet.toml when `config` is not given (default `process.cwd()`). */
  readonly projectDir?: string;
  /** Use this database instead of opening `config.database.url` (the server will not close it). */
  readonly database?: Database;
  /** Fastify logger setting (default `false`); `readableLogger()` gives readable lines for development. */
  readonly logger?: FastifyServerOptions["logger"];
  /** Clock for session expiry (default `Date.now`). */
  readonly clock?: Clock;
  /**
   * The `sql` emitter's output folder (`generated/sql`): pending migrations of the database's
   * dialect are applied on start-up, before the server accepts requests. Development
   * convenience; in production run `hamletc migrate` as the owner role as a separate step and
   * leave this unset (the server's role should not be able to change the schema).
   */
  readonly migrations?: string;
  /**
   * Where unexpected errors (a handler that throws) are reported besides the Fastify logger.
   * Default: standard error when `logger` is off, so a crash is never silent; `false` turns it off.
   */
  readonly reportCrash?: ((error: unknown, where: string) => void) | false;
}

/** Runtime services shared with generated route code. */
export interface HamletContext {
  readonly config: HamletConfig;
  readonly db: Database;
  readonly sessions: SessionManager;
  /** The KV store of `tenantId`. */
  kv(tenantId: string): KvStore;
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
 * Creates the Fastify app every generated server runs on. It first checks the database: the
 * runtime tables must exist (`hamletc migrate` creates them) and, on PostgreSQL, the role must
 * not bypass row-level security (`config.database.privilegeCheck`). Then:
 * - expired sessions and KV entries of all tenants are purged every `config.purge.intervalSeconds`;
 * - JSON body parsing with `config.server.bodyLimitBytes` (default 1 MiB; 413 `PayloadTooLarge`);
 * - `onRequest`: resolves `request.tenant` — when none matches it answers 404
 *   `{"tag":"UnknownTenant"}` (host/single mode) or 400 `{"tag":"MissingTenant"}` (header mode) —
 *   then loads `request.session` from the signed cookie;
 * - `app.requireSession` preHandler (401 `{"tag":"Unauthorized"}`);
 * - errors: 4xx → `{"tag":"BadRequest"|…}`; a database that is unreachable (a terminated or
 *   failed-over connection, a full pool) → 503 `{"tag":"ServiceUnavailable"}` with `Retry-After`;
 *   anything else is logged and answered 500 `{"tag":"InternalError"}` with no details; unknown
 *   routes → 404 `{"tag":"NotFound"}`.
 * Generated code registers routes with `app.route(...)`, using `app.hamlet` for services.
 */
export async function createHamletServer(options: HamletServerOptions): Promise<HamletServer> {
  const config =
    options.config ?? loadProjectConfig(options.projectDir === undefined ? {} : { dir: options.projectDir });
  const clock = options.clock ?? systemClock;
  const ownsDatabase = options.database === undefined;
  const report =
    options.reportCrash === false
      ? undefined
      : (options.reportCrash ?? ((options.logger ?? false) === false ? crashToStderr : undefined));
  let reportConnectionError = (_error: Error): void => undefined;
  const db =
    options.database ??
    openDatabase(config.database.url, { postgres: { onConnectionError: (error) => reportConnectionError(error) } });
  const warnings: string[] = [];
  const limits = { ...SERVER_LIMIT_DEFAULTS, ...definedOnly(config.server ?? {}) };
  let secrets;
  try {
    secrets = resolveSessionSecrets(config.sessions.secrets, {
      production: isProduction(config),
      secretEnv: config.sessions.secretEnv ?? "HAMLET_SESSION_SECRET",
      warn: (message) => warnings.push(message),
    });
  } catch (error) {
    if (ownsDatabase) await db.close();
    throw error;
  }
  try {
    if (options.migrations !== undefined) await migrateDirectory(db, options.migrations);
    await checkRuntimeDatabase(db, {
      privileges: config.database.privilegeCheck ?? (isProduction(config) ? "refuse" : "warn"),
      warn: (message) => warnings.push(message),
    });
  } catch (error) {
    if (ownsDatabase) await db.close();
    throw error;
  }
  const sessions = createSessionManager({
    db,
    secrets,
    ttlSeconds: config.sessions.ttlSeconds,
    cookieName: config.sessions.cookieName,
    clock,
  });
  const hamlet: HamletContext = {
    config,
    db,
    sessions,
    kv: (tenantId) => kvFor(db, tenantId, { clock }),
    crashed: (request, error, where) => {
      request.log.error({ err: error }, where);
      report?.(error, `${where} (${request.method} ${request.url})`);
    },
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyLimitBytes,
    trustProxy: trustProxySetting(config.server?.trustProxy),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    // Longer parameters are routed and then refused with a message (Fastify would answer 404).
    routerOptions: { maxParamLength: 64 * 1024 },
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      maxHeaderSize: limits.maxHeaderBytes,
      // Node checks request/headers timeouts on this interval (default 30 s, too coarse).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    clientErrorHandler: clientErrorReply,
    // Bad percent-encodings in the path: answered like every other client error.
    frameworkErrors: (error, _request, reply) => {
      void (reply as unknown as FastifyReply).code(400).send(clientErrorBody(error, 400, limits.bodyLimitBytes));
    },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
  });
  for (const message of warnings) app.log.warn(message);
  if (warnings.length > 0 && options.logger === undefined)
    for (const message of warnings) console.warn(`hamlet: ${message}`);
  registerJsonParser(app);
  reportConnectionError = (error) => app.log.warn({ err: error }, "database connection lost; the pool replaces it");
  app.decorate("hamlet", hamlet);
  app.decorate("requireSession", requireSession);
  app.decorateRequest("tenant", null);
  app.decorateRequest("session", null);

  const tenantStatus = unresolvedTenantStatus(config.tenants);
  app.addHook("onRequest", async (request, reply) => {
    checkRequest(request, limits);
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
      return reply.code(status).send(clientErrorBody(error, status, limits.bodyLimitBytes));
    }
    return sendUnexpectedError(request, reply, error, () => hamlet.crashed(request, error, "unhandled error"));
  });

  const purgeSeconds = config.purge?.intervalSeconds ?? 300;
  if (purgeSeconds > 0) {
    const purger = startPurger({
      db,
      intervalMs: purgeSeconds * 1000,
      clock,
      onError: (error) => app.log.warn({ err: error }, "purging expired sessions and KV entries failed"),
      onPurged: (count) => {
        if (count > 0) app.log.info({ count }, "purged expired sessions and KV entries");
      },
    });
    app.addHook("onClose", async () => purger.stop());
  }
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

/**
 * Listens on `host` and `port`; defaults: the app's `config.server.host`/`port` (from hamlet.toml
 * and `HOST`/`PORT` when loaded with `loadProjectConfig`), else `127.0.0.1` and 8080. Port 0
 * picks a free port.
 */
export async function startServer(
  app: FastifyInstance,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<StartedServer> {
  const configured = (app as Partial<HamletServer>).hamlet?.config.server;
  const port = options.port ?? configured?.port ?? 8080;
  const host = options.host ?? configured?.host ?? "127.0.0.1";
  try {
    await app.listen({ port, host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new Error(
        `Hamlet: cannot listen on ${host}:${port}, the port is already in use (is another server still running?). Stop that process, or set [hamlet.server] port (or PORT) to a free port (0 picks one).`,
        { cause: error },
      );
    throw error;
  }
  const address = app.server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { host, port: actualPort, url: `http://${urlHost}:${actualPort}` };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function trustProxySetting(value: boolean | string | readonly string[] | undefined): boolean | string | string[] {
  if (value === undefined) return false;
  return typeof value === "object" ? [...value] : value;
}
