import type { EventRetention } from "./events/retention.js";
import type { SessionSecrets } from "./session/cookie-signer.js";
import type { PrivilegeCheck } from "./runtime-schema.js";
import type { TenantConfig } from "./tenant.js";
import type { UploadsConfig } from "./uploads/config.js";

/** Runtime configuration, as a plain typed object (loading hamlet.toml is done elsewhere). */
export interface HamletConfig {
  readonly database: {
    /** `postgres://…`, `postgresql://…`, `sqlite:PATH`, `file:PATH`, `:memory:` or a plain path. */
    readonly url: string;
    /**
     * On PostgreSQL, what to do when the server's role is a superuser, has BYPASSRLS or owns a
     * table with row-level security (then RLS does not isolate tenants): `"refuse"` to start
     * (default in production), `"warn"` loudly (default in development) or `"off"`.
     */
    readonly privilegeCheck?: PrivilegeCheck;
  };
  /**
   * Production mode (default: `NODE_ENV === "production"`). In production a missing, empty or
   * short session secret stops the server; in development a missing one is replaced by a random
   * secret for this process, with a warning.
   */
  readonly production?: boolean;
  readonly sessions: {
    /** Signing secrets, newest first, each at least 32 bytes; empty strings count as missing. */
    readonly secrets?: SessionSecrets;
    /** The environment variable the secret came from, named in error messages (default `HAMLET_SESSION_SECRET`). */
    readonly secretEnv?: string;
    /** Sliding idle lifetime (default 7 days). */
    readonly ttlSeconds?: number;
    /** Default `hamlet_session`. */
    readonly cookieName?: string;
  };
  readonly tenants: TenantConfig;
  readonly server?: ServerLimits & {
    /** Port {@link startServer} listens on when not given one (default 8080; 0 picks a free port). */
    readonly port?: number;
    /** Address {@link startServer} listens on when not given one (default `127.0.0.1`). */
    readonly host?: string;
    /**
     * Trust `X-Forwarded-*` headers from a TLS-terminating proxy in front of the server, so
     * `x-forwarded-proto: https` marks session cookies `Secure` and `request.ip` is the client's.
     * `true` trusts every hop; an address/CIDR (comma-separated) or a list of them trusts only those.
     * Default `false`: never enable it when clients can reach the server directly.
     */
    readonly trustProxy?: boolean | string | readonly string[];
  };
  /** Background purge of expired sessions and KV rows of all tenants (see `startPurger`). */
  readonly purge?: {
    /** Seconds between purges (default 300); 0 turns the purge off. */
    readonly intervalSeconds?: number;
  };
  /** Where uploaded files are kept (default: local files under `.hamlet/uploads`); see `[hamlet.uploads]`. */
  readonly uploads?: UploadsConfig;
  /**
   * Defaults of the event system (`[hamlet.events]`); the generated `registerEvents` passes them
   * on, and its `runtime` option overrides them.
   */
  readonly events?: {
    /** How long completed events and finished runs are kept; `false` keeps everything (default 7 days). */
    readonly retention?: EventRetention | false;
  };
}

/** Limits every connection and request is held to; all have defaults (see {@link SERVER_LIMIT_DEFAULTS}). */
export interface ServerLimits {
  /** Maximum request body size in bytes (default 1 MiB; 413 `PayloadTooLarge`). */
  readonly bodyLimitBytes?: number;
  /** Time to receive a whole request, headers and body (default 30 s; 408 `RequestTimeout`). */
  readonly requestTimeoutMs?: number;
  /** Time to receive the request headers (default 10 s, at most `requestTimeoutMs`; 408). */
  readonly headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open between requests (default 5 s). */
  readonly keepAliveTimeoutMs?: number;
  /** A socket with no traffic at all for this long is closed (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Maximum size of the request line and headers in bytes (default 16 KiB; 431 `HeadersTooLarge`). */
  readonly maxHeaderBytes?: number;
  /** Longest path parameter in characters (default 200; 400 `BadRequest`). */
  readonly maxParamLength?: number;
}

/** The default {@link ServerLimits}. */
export const SERVER_LIMIT_DEFAULTS: Required<ServerLimits> = {
  bodyLimitBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  maxParamLength: 200,
};

/** Whether `config` runs in production mode (explicit, else `NODE_ENV=production`). */
export function isProduction(config: Pick<HamletConfig, "production">, env: NodeJS.ProcessEnv = process.env): boolean {
  return config.production ?? env["NODE_ENV"] === "production";
}
