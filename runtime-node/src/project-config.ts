/**
 * Reads the `[hamlet.server]` table of a project's `hamlet.toml` into a {@link HamletConfig},
 * with environment overrides, so the file the compiler reads is also what the server runs with.
 *
 * | key | environment override | meaning |
 * |---|---|---|
 * | `port` | `PORT` | port `startServer` listens on |
 * | `host` | `HOST` | address `startServer` listens on |
 * | `database_url` | `DATABASE_URL` | database (a relative `sqlite:` path is relative to hamlet.toml) |
 * | `session_secret_env` | — | the variable that holds the session secret (default `HAMLET_SESSION_SECRET`) |
 * | `tenant` | — | `single`, `host` (needs `hosts`) or `header` (`x-tenant`) |
 * | `trust_proxy` | `HAMLET_TRUST_PROXY` (`true`/`false`/addresses) | `X-Forwarded-*` from a TLS proxy |
 * | — | `NODE_ENV=production` | production mode (session secret required) |
 *
 * `[hamlet.uploads]` becomes `config.uploads`: `storage` (`local`, default, or `s3`), `dir`
 * (local folder, relative to hamlet.toml; default `.hamlet/uploads`), and for S3 `s3_bucket`,
 * `s3_endpoint`, `s3_region`, `s3_prefix`, `s3_force_path_style`.
 *
 * `[hamlet.events]` becomes `config.events`: `retention` (`"7d"`, `"12h"`, `"30m"`, `"90s"`, or
 * `"off"` to keep everything; default 7 days) for the event store's pruning.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import type { HamletConfig } from "./config.js";
import type { EventRetention } from "./events/retention.js";
import type { TenantConfig } from "./tenant.js";
import { DEFAULT_UPLOADS_DIR, type UploadsConfig } from "./uploads/config.js";

/** Options for {@link loadProjectConfig}. */
export interface ProjectConfigOptions {
  /** Where to start looking for `hamlet.toml` (walking up; default `process.cwd()`). */
  readonly dir?: string;
  /** Environment to read overrides and the secret from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Host name → tenant, required when `tenant = "host"`. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Settings that are not in hamlet.toml (limits, timeouts, purge, production). */
  readonly overrides?: Partial<Pick<HamletConfig, "production" | "purge">> & {
    readonly server?: HamletConfig["server"];
  };
}

/** Thrown when hamlet.toml or an override is unusable; the message says which key and what to write. */
export class ProjectConfigError extends Error {}

interface ServerTable {
  port?: unknown;
  host?: unknown;
  database_url?: unknown;
  session_secret_env?: unknown;
  tenant?: unknown;
  trust_proxy?: unknown;
}

/** The directory of the nearest `hamlet.toml` at or above `dir`, or `undefined`. */
export function findProjectDir(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, "hamlet.toml"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** The server configuration of the project around `options.dir` (defaults when there is no hamlet.toml). */
export function loadProjectConfig(options: ProjectConfigOptions = {}): HamletConfig {
  const env = options.env ?? process.env;
  const projectDir = findProjectDir(options.dir ?? process.cwd());
  const tables = projectDir === undefined ? {} : readHamletTables(join(projectDir, "hamlet.toml"));
  const table: ServerTable = tables.server ?? {};
  const root = projectDir ?? resolve(options.dir ?? process.cwd());

  const port = env["PORT"] !== undefined && env["PORT"] !== "" ? parsePort(env["PORT"], "PORT") : (table.port ?? 8080);
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ProjectConfigError(`[hamlet.server] port must be an integer 0..65535, got ${JSON.stringify(port)}`);
  }
  const host = nonEmpty(env["HOST"]) ?? stringSetting(table.host, "host") ?? "127.0.0.1";
  const databaseUrl =
    nonEmpty(env["DATABASE_URL"]) ??
    sqliteUnder(root, stringSetting(table.database_url, "database_url") ?? "sqlite:.hamlet/app.db");
  const secretEnv = stringSetting(table.session_secret_env, "session_secret_env") ?? "HAMLET_SESSION_SECRET";
  const secret = env[secretEnv];
  const trustProxy =
    trustProxyFrom(env["HAMLET_TRUST_PROXY"]) ?? booleanSetting(table.trust_proxy, "trust_proxy") ?? false;
  const tenant = stringSetting(table.tenant, "tenant") ?? "single";

  return {
    ...(options.overrides?.production === undefined ? {} : { production: options.overrides.production }),
    ...(options.overrides?.purge === undefined ? {} : { purge: options.overrides.purge }),
    database: { url: databaseUrl },
    sessions: { ...(secret === undefined || secret === "" ? {} : { secrets: [secret] }), secretEnv },
    tenants: tenantsFor(tenant, options.hosts),
    server: { ...options.overrides?.server, port, host, trustProxy },
    uploads: uploadsFrom(tables.uploads ?? {}, root),
    ...(tables.events?.retention === undefined
      ? {}
      : { events: { retention: retentionFrom(tables.events.retention) } }),
  };
}

const DURATION = /^([1-9]\d*)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `[hamlet.events] retention`: a duration, or `"off"` (keep everything). */
function retentionFrom(value: unknown): EventRetention | false {
  if (value === "off") return false;
  const match = typeof value === "string" ? DURATION.exec(value.trim()) : null;
  if (match === null)
    throw new ProjectConfigError(
      `[hamlet.events] retention must be a duration such as "7d", "12h", "30m" or "90s", or "off", got ${JSON.stringify(value)}`,
    );
  return { keepMs: Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] };
}

interface UploadsTable {
  storage?: unknown;
  dir?: unknown;
  s3_bucket?: unknown;
  s3_endpoint?: unknown;
  s3_region?: unknown;
  s3_prefix?: unknown;
  s3_force_path_style?: unknown;
}

function uploadsFrom(table: UploadsTable, root: string): UploadsConfig {
  const storage = table.storage ?? "local";
  if (storage === "local")
    return { storage: "local", dir: resolve(root, uploadsString(table.dir, "dir") ?? DEFAULT_UPLOADS_DIR) };
  if (storage !== "s3")
    throw new ProjectConfigError(`[hamlet.uploads] storage must be "local" or "s3", got ${JSON.stringify(storage)}`);
  const bucket = table.s3_bucket === "" ? undefined : uploadsString(table.s3_bucket, "s3_bucket");
  if (bucket === undefined) throw new ProjectConfigError('[hamlet.uploads] storage = "s3" needs s3_bucket');
  const endpoint = table.s3_endpoint === "" ? undefined : uploadsString(table.s3_endpoint, "s3_endpoint");
  const region = uploadsString(table.s3_region, "s3_region");
  const prefix = typeof table.s3_prefix === "string" ? table.s3_prefix : undefined;
  const forcePathStyle = table.s3_force_path_style;
  if (forcePathStyle !== undefined && typeof forcePathStyle !== "boolean")
    throw new ProjectConfigError("[hamlet.uploads] s3_force_path_style must be true or false");
  return {
    storage: "s3",
    bucket,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(forcePathStyle === undefined ? {} : { forcePathStyle }),
  };
}

function uploadsString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new ProjectConfigError(`[hamlet.uploads] ${key} must be a non-empty string`);
  return value;
}

interface EventsTable {
  retention?: unknown;
}

function readHamletTables(path: string): { server?: ServerTable; uploads?: UploadsTable; events?: EventsTable } {
  let value: unknown;
  try {
    value = getStaticTOMLValue(parseTOML(readFileSync(path, "utf8")));
  } catch (error) {
    throw new ProjectConfigError(`${path}: ${(error as Error).message}`);
  }
  const hamlet = (value as { hamlet?: { server?: unknown; uploads?: unknown; events?: unknown } }).hamlet;
  const table = <T>(t: unknown): T | undefined => (typeof t === "object" && t !== null ? (t as T) : undefined);
  const server = table<ServerTable>(hamlet?.server);
  const uploads = table<UploadsTable>(hamlet?.uploads);
  const events = table<EventsTable>(hamlet?.events);
  return {
    ...(server === undefined ? {} : { server }),
    ...(uploads === undefined ? {} : { uploads }),
    ...(events === undefined ? {} : { events }),
  };
}

function tenantsFor(mode: string, hosts: Readonly<Record<string, string>> | undefined): TenantConfig {
  switch (mode) {
    case "single":
      return { mode: "single" };
    case "header":
      return { mode: "header" };
    case "host":
      if (hosts === undefined || Object.keys(hosts).length === 0) {
        throw new ProjectConfigError('[hamlet.server] tenant = "host" needs a host → tenant map: pass `hosts`');
      }
      return { mode: "host", hosts };
    default:
      throw new ProjectConfigError(
        `[hamlet.server] tenant must be "single", "host" or "header", got ${JSON.stringify(mode)}`,
      );
  }
}

function parsePort(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new ProjectConfigError(`${name} must be a port number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function stringSetting(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new ProjectConfigError(`[hamlet.server] ${key} must be a non-empty string`);
  }
  return value;
}

function booleanSetting(value: unknown, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new ProjectConfigError(`[hamlet.server] ${key} must be true or false`);
  return value;
}

/** `HAMLET_TRUST_PROXY`: `true`/`1`, `false`/`0`, or comma-separated addresses/CIDRs of the proxies. */
function trustProxyFrom(text: string | undefined): boolean | string | undefined {
  const value = nonEmpty(text)?.trim();
  if (value === undefined) return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return value;
}

/** A relative `sqlite:` path is relative to the project (as `hamletc migrate` reads it). */
function sqliteUnder(root: string, url: string): string {
  const match = /^(sqlite|file):(?!\/\/)(.*)$/i.exec(url.trim());
  if (!match || match[2] === ":memory:") return url;
  return `sqlite:${resolve(root, match[2]!)}`;
}
