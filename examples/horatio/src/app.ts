/** Builds the Horatio server: the runtime host, the generated routes and (optionally) a dev login. */
import { AsyncResource } from "node:async_hooks";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  createHamletServer,
  registerApiDocs,
  serveStaticFiles,
  createLocalStorage,
  serveRunUpdates,
  uploadStorageFromConfig,
  type Database,
  type HamletConfig,
  type HamletServer,
} from "@hamlet/runtime-node";
import { registerEvents, type EventsOptions } from "../generated/typescript/events.js";
import { registerRoutes } from "../generated/typescript/server.js";
import { serveSseStreams } from "../generated/typescript/sse.js";
import { registerUploads } from "../generated/typescript/uploads.js";
import { serveChat } from "../generated/typescript/websocket.js";
import { createChat } from "./chat.js";
import { decodeModerationRequest, encodeModerationResponse } from "../generated/typescript/validators.js";
import { createHandlers, type HandlerOptions } from "./handlers.js";
import { createPublishing, type PublishedListener } from "./publishing.js";
import { liveAudience } from "./visibility.js";
import type { Post } from "../generated/typescript/types.js";
import { createPhotoUploads } from "./photos.js";
import { createThumbnails, serveThumbnails } from "./thumbnails.js";

export interface AppOptions extends HandlerOptions {
  readonly config: HamletConfig;
  /** Use this open database instead of `config.database.url`. */
  readonly database?: Database;
  /**
   * Lets `SignIn` (`POST /api/session`) and `POST /dev/login {"handle": "..."}` sign anyone in
   * under any valid handle, and makes `admin` an administrator unless `admins` is given.
   * For development and tests only: never enable it in production.
   */
  readonly devLogin?: boolean;
  readonly logger?: boolean;
  /** Keep uploaded photos in this folder (default: `[hamlet.uploads]`, else `.hamlet/uploads`). */
  readonly uploadsDir?: string;
  /** Serve this folder (the Elm app: elm/public with the compiled main.js) on the same origin. */
  readonly publicDir?: string;
  /** URL of the moderation service (default: the schema's). */
  readonly moderationUrl?: string;
  /**
   * Adds `POST /dev/moderation`, a stand-in for the moderation service that refuses posts
   * containing "spam", fails (HTTP 400, so the call is dead-lettered) on "#fail" until an
   * administrator retries it, and answers 503 on "#flaky" (retried by the service's `@retry`);
   * each text fails once. Point `moderationUrl` at it in development.
   */
  readonly devModeration?: boolean;
  /**
   * Run the events on the event store (default: as compiled, `EVENT_STORE`); false runs them in
   * memory (delayed posts wait on timers and are lost on restart; moderation is fire-and-forget).
   */
  readonly eventStore?: boolean;
  /** Dispatcher settings (PostgreSQL LISTEN url, poll interval...). */
  readonly events?: EventsOptions["runtime"];
}

const HANDLE = /^[a-z0-9_]{3,20}$/;

/** The async context of module load, outside every request and transaction. */
const outsideTransactions = new AsyncResource("horatio.live-feed");

export async function createApp(options: AppOptions): Promise<HamletServer> {
  const app = await createHamletServer({
    config: options.config,
    logger: options.logger ?? false,
    ...(options.database ? { database: options.database } : {}),
  });
  // The live feed (SSE): public posts reach every reader of the tenant as they are published.
  const streams = serveSseStreams(app);
  // A post goes to the sessions that may read it (visibility.ts): every reader of the tenant for a
  // public post, else the sessions of its audience, found by index (the author and their followers).
  const push = async (tenant: string, post: Post): Promise<unknown> => {
    const audience = await liveAudience(app.hamlet.db, tenant, post, (options.now ?? Date.now)());
    if (audience === "tenant") return streams.LiveFeed.toTenant(tenant, { tag: "Posted", post });
    return audience.length === 0 ? 0 : streams.LiveFeed.toSessions(tenant, audience, { tag: "Posted", post });
  };
  // Pushes go out one after another, in publish order: a post's audience lookup can take longer
  // than the next post's, and readers must not see a later post before an earlier one.
  let pushed: Promise<unknown> = Promise.resolve();
  const onPublished: PublishedListener = (tenant, post) => {
    // Outside the caller's transaction (an event handler's, on SQLite the database's only writer):
    // the stream's own write then waits for that commit instead of being refused inside it.
    outsideTransactions.runInAsyncScope(() =>
      setImmediate(() => {
        pushed = pushed
          .then(() => push(tenant, post))
          .catch((error: unknown) => app.log.warn({ err: error }, "horatio: live feed publish failed"));
      }),
    );
  };
  // Uploaded photos and their thumbnails (made by the ImageResizer worker threads) share one storage.
  const storage =
    options.uploadsDir !== undefined
      ? createLocalStorage({ dir: options.uploadsDir })
      : uploadStorageFromConfig(options.config);
  const thumbnails = await createThumbnails(storage);
  app.addHook("onClose", async () => {
    await thumbnails.close();
    await storage.close();
  });
  const publishing = createPublishing(onPublished, { thumbnails });
  const events = registerEvents(app, {
    handlers: publishing.handlers,
    workflows: publishing.workflows,
    services: publishing.services,
    ...(options.moderationUrl ? { serviceUrls: { moderation: options.moderationUrl } } : {}),
    ...(options.eventStore !== undefined ? { eventStore: options.eventStore } : {}),
    ...(options.events ? { runtime: options.events } : {}),
  });
  const admins = options.admins ?? new Set(options.devLogin ? ["admin"] : []);
  registerRoutes(app, createHandlers({ ...options, admins, onPublished }));
  // Each step of the photo workflows a session started, live on /hamlet/runs.
  serveRunUpdates(app, events);
  // Photo uploads (stored under uploadsDir, else as [hamlet.uploads] says), downloads at /files/,
  // thumbnails at /thumbnails/.
  registerUploads(app, createPhotoUploads(), { storage });
  serveThumbnails(app, storage);
  // Chat over the websocket; the browser is on the same origin.
  serveChat(app, createChat());
  // The API reference and "Try it out": /openapi.json and Swagger UI at /docs.
  await registerApiDocs(app, { document: openApiDocument() });
  if (options.devModeration) registerDevModeration(app);
  // The Elm app; the API's own routes take precedence over its files.
  if (options.publicDir !== undefined) serveStaticFiles(app, { root: options.publicDir });
  if (options.devLogin) {
    app.post("/dev/login", async (request, reply) => {
      const handle = (request.body as { handle?: unknown } | undefined)?.handle;
      if (typeof handle !== "string" || !HANDLE.test(handle)) {
        return reply
          .code(400)
          .send({ tag: "ValidationFailed", issues: [{ path: "$.handle", message: "expected a handle" }] });
      }
      const data = { handle };
      request.session = request.session
        ? await app.hamlet.sessions.rotate(request, reply, request.session, data)
        : await app.hamlet.sessions.create(request, reply, data);
      return { handle };
    });
  }
  return app;
}

/** See {@link AppOptions.devModeration}. */
function registerDevModeration(app: HamletServer): void {
  const failedOnce = new Set<string>();
  const flakyOnce = new Set<string>();
  app.post("/dev/moderation", async (request, reply) => {
    const decoded = decodeModerationRequest(request.body);
    if (!decoded.ok) return reply.code(400).send({ error: "expected {text}" });
    const { text } = decoded.value;
    if (text.includes("#fail") && !failedOnce.has(text)) {
      failedOnce.add(text);
      return reply.code(400).send({ error: "moderation could not read this post (#fail)" });
    }
    if (text.includes("#flaky") && !flakyOnce.has(text)) {
      flakyOnce.add(text);
      return reply.code(503).send({ error: "moderation is busy (#flaky), try again" });
    }
    const spam = /spam/i.test(text);
    return encodeModerationResponse({ allowed: !spam, reason: spam ? "looks like spam" : undefined });
  });
}

/**
 * The openapi emitter's output, committed under generated/. Found by walking up from this
 * module, which runs from src/ in tests and from .hamlet/build/... when compiled.
 */
function openApiDocument(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "generated", "openapi", "openapi.json");
    if (existsSync(join(dir, "hamlet.toml")) && existsSync(candidate)) return readFileSync(candidate, "utf8");
  }
  throw new Error("generated/openapi/openapi.json is missing: run `hamletc build` in examples/horatio");
}
