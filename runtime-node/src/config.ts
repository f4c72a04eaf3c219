import type { SessionSecrets } from "./session/cookie-signer.js";
import type { TenantConfig } from "./tenant.js";

/** Runtime configuration, as a plain typed object (loading hamlet.toml is done elsewhere). */
export interface HamletConfig {
  readonly database: {
    /** `postgres://…`, `postgresql://…`, `sqlite:PATH`, `file:PATH`, `:memory:` or a plain path. */
    readonly url: string;
  };
  readonly sessions: {
    /** Signing secrets, newest first, each at least 32 bytes. */
    readonly secrets: SessionSecrets;
    /** Sliding idle lifetime (default 7 days). */
    readonly ttlSeconds?: number;
    /** Default `hamlet_session`. */
    readonly cookieName?: string;
  };
  readonly tenants: TenantConfig;
  readonly server?: {
    /** Maximum request body size in bytes (default 1 MiB). */
    readonly bodyLimitBytes?: number;
    /** Trust `X-Forwarded-*` headers (e.g. `x-forwarded-proto` for the Secure cookie flag). */
    readonly trustProxy?: boolean;
  };
}
