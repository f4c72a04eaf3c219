/**
 * Starts Horatio. Environment:
 * - `PORT` (default 8080), `HOST` (default 127.0.0.1);
 * - `DATABASE_URL` (default `sqlite:<example>/.hamlet/horatio.db`; `postgres://...` works too);
 * - `HAMLET_SESSION_SECRET` (at least 32 bytes; a fixed development secret is used when unset);
 * - `HORATIO_HOSTS` (`alpha.localhost=alpha,beta.localhost=beta`: tenants by Host header;
 *   default: one tenant for every host);
 * - `HORATIO_DEV_LOGIN=1` enables `POST /dev/login` (development only);
 * - `HORATIO_MODERATION_URL`: the moderation service (default: the schema's URL);
 * - `HAMLET_EVENT_STORE=off` runs the events in memory (degraded: see spec/language.md §10).
 * Apply the migrations first (`npx hamletc migrate`; start.mjs does it): they create the event store.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, type TenantConfig } from "@hamlet/runtime-node";
import { createApp } from "./app.js";

/** examples/horatio, whether this runs from src/ or from .hamlet/build/examples/horatio/src/. */
function exampleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const build = here.indexOf(`${sep}.hamlet${sep}build${sep}`);
  return build >= 0 ? here.slice(0, build) : resolve(here, "..");
}

function tenants(): TenantConfig {
  const spec = process.env["HORATIO_HOSTS"];
  if (!spec) return { mode: "single", tenant: "default" };
  const hosts: Record<string, string> = {};
  for (const pair of spec.split(",")) {
    const [host, tenant] = pair.split("=");
    if (host && tenant) hosts[host.trim().toLowerCase()] = tenant.trim();
  }
  return { mode: "host", hosts };
}

const DEV_SECRET = "horatio-development-secret-change-me-please";

async function main(): Promise<void> {
  const dir = exampleDir();
  const port = Number(process.env["PORT"] ?? 8080);
  const host = process.env["HOST"] ?? "127.0.0.1";
  let url = process.env["DATABASE_URL"];
  if (!url) {
    mkdirSync(join(dir, ".hamlet"), { recursive: true });
    url = `sqlite:${join(dir, ".hamlet", "horatio.db")}`;
  }
  const secret = process.env["HAMLET_SESSION_SECRET"];
  if (!secret) console.warn("horatio: HAMLET_SESSION_SECRET is not set; using a development secret");
  const app = await createApp({
    config: { database: { url }, sessions: { secrets: [secret ?? DEV_SECRET] }, tenants: tenants() },
    devLogin: process.env["HORATIO_DEV_LOGIN"] === "1",
    logger: true,
    ...(process.env["HORATIO_MODERATION_URL"] ? { moderationUrl: process.env["HORATIO_MODERATION_URL"] } : {}),
    ...(process.env["HAMLET_EVENT_STORE"] === "off" ? { eventStore: false } : {}),
    // PostgreSQL wakes the dispatcher with LISTEN/NOTIFY on a connection of its own.
    ...(url.startsWith("postgres") ? { events: { listenUrl: url } } : {}),
  });
  const started = await startServer(app, { port, host });
  console.log(`horatio: listening on ${started.url} (database ${url.startsWith("sqlite:") ? url : "postgres"})`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
