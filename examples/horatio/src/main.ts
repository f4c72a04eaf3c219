/**
 * Starts Horatio with the `[hamlet.server]` settings of examples/horatio/hamlet.toml and their
 * environment overrides (see runtime-node's `loadProjectConfig`):
 * - `PORT`, `HOST`, `DATABASE_URL` (`postgres://...` works too);
 * - the session secret from the variable named by `session_secret_env` (`HAMLET_SESSION_SECRET`):
 *   at least 32 bytes; required with `NODE_ENV=production`, else a random one is used;
 * - `HAMLET_TRUST_PROXY=true` behind a TLS-terminating proxy (cookies become `Secure`);
 * - `HORATIO_HOSTS` (`alpha.localhost=alpha,beta.localhost=beta`: tenants by Host header;
 *   default: one tenant for every host);
 * - `HORATIO_DEV_LOGIN=1` enables `POST /dev/login` (development only);
 * - `HORATIO_MODERATION_URL`: the moderation service, for text posts and photo captions (default:
 *   the schema's URL; with `HORATIO_DEV_LOGIN=1`, the server's own stand-in `POST /dev/moderation`,
 *   see app.ts);
 * - `HORATIO_ADMINS=ada,bob`: handles that see and retry dead letters (default: none; `admin`
 *   with `HORATIO_DEV_LOGIN=1`);
 * - `HAMLET_EVENT_STORE=off` runs the events in memory (degraded: see spec/language.md §10);
 * - `HORATIO_S3_BUCKET` (and `HORATIO_S3_ENDPOINT` for an S3-compatible server, path-style) keeps
 *   photos in that bucket instead of `[hamlet.uploads]`/.hamlet/uploads; credentials come from
 *   the AWS SDK's chain (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). scale.mjs sets them.
 * Apply the migrations first (`npx hamletc migrate`; start.mjs does it): they create the event store.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProjectConfig, parseDatabaseUrl, startServer, type HamletConfig } from "@hamlet/runtime-node";
import { createApp } from "./app.js";

/** examples/horatio, whether this runs from src/ or from .hamlet/build/examples/horatio/src/. */
function exampleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const build = here.indexOf(`${sep}.hamlet${sep}build${sep}`);
  return build >= 0 ? here.slice(0, build) : resolve(here, "..");
}

function withHosts(config: HamletConfig): HamletConfig {
  const spec = process.env["HORATIO_HOSTS"];
  if (!spec) return config;
  const hosts: Record<string, string> = {};
  for (const pair of spec.split(",")) {
    const [host, tenant] = pair.split("=");
    if (host && tenant) hosts[host.trim().toLowerCase()] = tenant.trim();
  }
  return { ...config, tenants: { mode: "host", hosts } };
}

function withS3(config: HamletConfig): HamletConfig {
  const bucket = process.env["HORATIO_S3_BUCKET"];
  if (!bucket) return config;
  const endpoint = process.env["HORATIO_S3_ENDPOINT"];
  return { ...config, uploads: { storage: "s3", bucket, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) } };
}

async function main(): Promise<void> {
  const config = withS3(withHosts(loadProjectConfig({ dir: exampleDir() })));
  const target = parseDatabaseUrl(config.database.url);
  if (target.dialect === "sqlite") mkdirSync(dirname(target.filename), { recursive: true });
  const devLogin = process.env["HORATIO_DEV_LOGIN"] === "1";
  const moderationUrl =
    process.env["HORATIO_MODERATION_URL"] ??
    (devLogin ? `http://127.0.0.1:${config.server?.port ?? 8080}/dev/moderation` : undefined);
  const admins = process.env["HORATIO_ADMINS"];
  const app = await createApp({
    config,
    devLogin,
    devModeration: devLogin,
    logger: true,
    publicDir: resolve(exampleDir(), "elm", "public"),
    ...(config.uploads?.storage === "s3" ? {} : { uploadsDir: resolve(exampleDir(), ".hamlet", "uploads") }),
    ...(moderationUrl ? { moderationUrl } : {}),
    ...(admins !== undefined ? { admins: new Set(admins.split(",").map((h) => h.trim())) } : {}),
    ...(process.env["HAMLET_EVENT_STORE"] === "off" ? { eventStore: false } : {}),
    // PostgreSQL wakes the dispatcher with LISTEN/NOTIFY on a connection of its own.
    ...(target.dialect === "postgres" ? { events: { listenUrl: config.database.url } } : {}),
  });
  const started = await startServer(app);
  console.log(
    `horatio: listening on ${started.url} (database ${target.dialect === "sqlite" ? config.database.url : "postgres"})`,
  );
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

try {
  await main();
} catch (error) {
  // Configuration errors (no secret in production, a bad hamlet.toml value) are messages, not crashes.
  console.error(`horatio: ${(error as Error).message}`);
  process.exit(1);
}
