/** How the tenant of a request is determined. */
export type TenantConfig =
  /** By `Host` header (port stripped, lowercased) through `hosts`; unknown hosts use `default` if set. */
  | {
      readonly mode: "host";
      readonly hosts: Readonly<Record<string, string>>;
      readonly default?: string;
    }
  /** By a request header (default `x-tenant`), optionally restricted to `allowed`. */
  | {
      readonly mode: "header";
      readonly header?: string;
      readonly allowed?: readonly string[];
    }
  /** Every request belongs to one tenant (default `"default"`). */
  | { readonly mode: "single"; readonly tenant?: string };

/** What tenant resolution reads from a request (a `FastifyRequest` satisfies it). */
export interface TenantRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The tenant of `request`, or `null` when none matches — never a silent fallback
 * (host mode falls back only to an explicitly configured `default`).
 */
export function resolveTenant(request: TenantRequest, config: TenantConfig): string | null {
  switch (config.mode) {
    case "single":
      return config.tenant ?? "default";
    case "host": {
      const host = normalizeHost(firstHeader(request.headers["host"]));
      const mapped = host === null ? undefined : lookupHost(config.hosts, host);
      return mapped ?? config.default ?? null;
    }
    case "header": {
      const value = firstHeader(request.headers[(config.header ?? "x-tenant").toLowerCase()])?.trim();
      if (value === undefined || !TENANT_ID.test(value)) return null;
      if (config.allowed !== undefined && !config.allowed.includes(value)) return null;
      return value;
    }
  }
}

/**
 * HTTP status the server answers when no tenant resolves: 404 in `host` mode
 * (the site does not exist), 400 in `header` mode (the request is malformed).
 */
export function unresolvedTenantStatus(config: TenantConfig): 400 | 404 {
  return config.mode === "header" ? 400 : 404;
}

/** Lowercases a Host header value and strips the port (IPv6 brackets kept) and a trailing dot. */
export function normalizeHost(host: string | undefined): string | null {
  if (host === undefined) return null;
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const close = h.indexOf("]");
    if (close === -1) return null;
    h = h.slice(0, close + 1);
  } else {
    const colon = h.indexOf(":");
    if (colon !== -1) h = h.slice(0, colon);
  }
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h.length === 0 ? null : h;
}

const normalizedHosts = new WeakMap<object, Map<string, string>>();

function lookupHost(hosts: Readonly<Record<string, string>>, host: string): string | undefined {
  let table = normalizedHosts.get(hosts);
  if (table === undefined) {
    table = new Map();
    for (const [name, tenant] of Object.entries(hosts)) {
      const key = normalizeHost(name);
      if (key !== null) table.set(key, tenant);
    }
    normalizedHosts.set(hosts, table);
  }
  return table.get(host);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
