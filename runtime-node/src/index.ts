/** Hamlet runtime for generated TypeScript servers. */
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export { isProduction, SERVER_LIMIT_DEFAULTS, type HamletConfig, type ServerLimits } from "./config.js";
export type { Database, Dialect, ExecuteResult, SqlParam } from "./db/database.js";
export { openDatabase, parseDatabaseUrl, type DatabaseTarget, type OpenDatabaseOptions } from "./db/open.js";
export {
  appliedMigrations,
  checksum,
  migrate,
  migrateDirectory,
  MigrationError,
  readMigrations,
  splitStatements,
  type AppliedMigration,
  type MigrateResult,
  type MigrationFile,
} from "./db/migrate.js";
export { isDatabaseUnavailable } from "./db/unavailable.js";
export { toPositional, type PositionalStatement } from "./db/placeholders.js";
export { openPostgresDatabase, type PostgresOptions } from "./db/postgres.js";
export { openSqliteDatabase, type SqliteOptions } from "./db/sqlite.js";
export { HttpError, RETRY_AFTER_SECONDS, sendUnexpectedError, type ErrorReply } from "./error-replies.js";
export { findJsonSyntaxError, type JsonSyntaxProblem } from "./http/json-error.js";
export { badPercentEncoding, firstInvalidUtf8, parseJsonBody } from "./http/request-guards.js";
export {
  authenticated,
  endpointContext,
  fail,
  Failure,
  fastifyPath,
  fromText,
  queryValue,
  rawRequest,
  relocateIssues,
  sendValidationFailed,
  serveEndpoint,
  type AuthenticatedContext,
  type DecodeResult,
  type EndpointContext,
  type EndpointSpec,
  type ErrorSpec,
  type ParamSpec,
  type TextKind,
  type ValidationIssue,
} from "./http/routes.js";
export { registerApiDocs, type ApiDocsOptions } from "./http/docs.js";
export type { AfterCommitCallback } from "./after-commit.js";
export {
  attachEventSystem,
  callService,
  correlationIdOf,
  eventSystemOf,
  requestScope,
  withEmit,
  type EmittingContext,
  type EmittingParts,
} from "./http/emitting.js";
export { serveStaticFiles, type StaticFilesOptions } from "./http/static-files.js";
export type { JsonObject, JsonValue } from "./json.js";
export {
  kvFor,
  type KvEntry,
  type KvIncrementOptions,
  type KvOptions,
  type KvSetOptions,
  type KvStore,
} from "./kv/kv-store.js";
export { findProjectDir, loadProjectConfig, ProjectConfigError, type ProjectConfigOptions } from "./project-config.js";
export { purgeExpired, startPurger, type Purger } from "./purge.js";
export { appRoleGrants, grantAppRole } from "./db/app-role.js";
export {
  checkRuntimeDatabase,
  DatabaseSetupError,
  privilegeProblems,
  RUNTIME_TABLES,
  TENANT_POLICY_PREDICATE,
  type PrivilegeCheck,
} from "./runtime-schema.js";
export {
  createHamletServer,
  requireSession,
  startServer,
  type HamletContext,
  type HamletServer,
  type HamletServerOptions,
  type RequireSession,
  type StartedServer,
} from "./server.js";
export {
  createCookieSigner,
  MIN_SECRET_BYTES,
  newSessionId,
  type CookieSigner,
  type SessionSecrets,
} from "./session/cookie-signer.js";
export { resolveSessionSecrets, SessionSecretError } from "./session/secrets.js";
export { parseCookieHeader, serializeCookie, type CookieAttributes } from "./session/cookies.js";
export {
  createSessionManager,
  type Session,
  type SessionManager,
  type SessionManagerOptions,
  type SessionReply,
  type SessionRequest,
} from "./session/session-manager.js";
export { sessionStoreFor, type SessionStore, type StoredSession } from "./session/session-store.js";
export {
  normalizeHost,
  resolveTenant,
  unresolvedTenantStatus,
  type TenantConfig,
  type TenantRequest,
} from "./tenant.js";
export {
  createBus,
  createLocalBus,
  createPostgresBus,
  DEFAULT_INLINE_LIMIT_BYTES,
  type BusHandler,
  type CreateBusOptions,
  type MessageBus,
  type PostgresBusOptions,
} from "./realtime/bus.js";
export {
  CLOSE,
  serveWebSocket,
  type Audience,
  type ConnectionContext,
  type FrameRefusal,
  type TaggedMessage,
  type WebSocketHandlers,
  type WebSocketOptions,
  type WebSocketRoute,
  type WebSocketSpec,
} from "./realtime/websocket.js";
export { connectionScope, withConnectionEmit } from "./realtime/websocket-emit.js";
export { readableLogger, type LineSink } from "./log.js";
export * from "./events/index.js";
export { resumeId, serveSse, type SseOptions, type SseSpec, type SseStream } from "./realtime/sse.js";
export {
  createMemoryLog,
  createTableLog,
  hasReplayTables,
  type LoggedMessage,
  type SseLog,
  type SseLogOptions,
} from "./realtime/sse-log.js";
export { RUN_STREAM, serveRunUpdates, type RunUpdateMessage, type RunUpdateSource } from "./realtime/sse-runs.js";
export * from "./uploads/index.js";
