/**
 * A server like generated code wires `sse LiveFeed` (Horatio's `FeedUpdate`, its generated
 * encoder and validator), plus `/login` and `/publish` routes the tests drive:
 * `POST /publish { to: "me" | "tenant" | "sessions", sessions?, update, repeat? }`.
 */
import { decodeFeedUpdate, encodeFeedUpdate } from "../../../examples/horatio/generated/typescript/validators.js";
import type { FeedUpdate } from "../../../examples/horatio/generated/typescript/types.js";
import { eventStoreStatements } from "../../../emitters/sql/event-store.js";
import { sseReplayStatements } from "../../../emitters/sql/sse-replay.js";
import type { HamletConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { createEventSystem } from "../../src/events/durable.js";
import type { EventSystem } from "../../src/events/types.js";
import { serveSse, type SseOptions } from "../../src/realtime/sse.js";
import { serveRunUpdates } from "../../src/realtime/sse-runs.js";
import { createHamletServer, type HamletServer } from "../../src/server.js";

export function feedConfig(databaseUrl: string): HamletConfig {
  return {
    database: { url: databaseUrl },
    sessions: { secrets: ["test-secret-test-secret-test-secret"], ttlSeconds: 600 },
    tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta", "127.0.0.1": "alpha" } },
  };
}

/** Creates the replay tables (and the event store's), as the migrations do when the event store is on. */
export async function ensureReplayTables(db: Database, eventStore = false): Promise<void> {
  await db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.query("select pg_advisory_xact_lock(hashtext('hamlet_sse_replay'))");
    for (const statement of sseReplayStatements(tx.dialect)) await tx.execute(statement);
    if (eventStore) for (const statement of eventStoreStatements(tx.dialect)) await tx.execute(statement);
  });
}

/** How long each step of the test workflow takes, so a page can show the steps one by one. */
export const STEP_MS = 250;

/**
 * A durable event system with the workflow `PublishPhoto` (steps thumbnail, moderate, publish;
 * moderate fails for a photo id starting with "bad") triggered by `PhotoUploaded`, its status
 * served on `/hamlet/runs`, and `POST /photos { id }` emitting the trigger in the request's
 * session. Needs the event store tables.
 */
export function addPhotoWorkflow(app: HamletServer, db: Database, listenUrl?: string): EventSystem {
  const sleep = () => new Promise((resolve) => setTimeout(resolve, STEP_MS));
  const events = createEventSystem({
    db,
    ...(listenUrl !== undefined ? { listenUrl } : {}),
    pollMs: 100,
    registry: {
      events: [{ name: "PhotoUploaded", validate: (value) => ({ ok: true, value }) }],
      handlers: {},
      workflows: [
        {
          name: "PublishPhoto",
          trigger: "PhotoUploaded",
          retry: { attempts: 1, backoff: { kind: "fixed", delayMs: 10 } },
          steps: [
            { name: "thumbnail", run: async () => (await sleep(), { thumb: true }) },
            {
              name: "moderate",
              run: async ({ trigger }) => {
                await sleep();
                if ((trigger as { id: string }).id.startsWith("bad")) throw new Error("rejected");
                return { allowed: true };
              },
            },
            { name: "publish", run: async () => (await sleep(), null) },
          ],
        },
      ],
    },
  });
  serveRunUpdates(app, events);
  app.route<{ Body: { id: string } }>({
    method: "POST",
    url: "/photos",
    handler: async (request) => {
      const scope = { tenantId: request.tenant!, sessionId: request.session?.id ?? null };
      const { id } = await events.transaction(db, scope, (_tx, emit) =>
        emit({ name: "PhotoUploaded", payload: { id: request.body.id } }),
      );
      return { runId: `PublishPhoto:${id}` };
    },
  });
  app.addHook("onReady", async () => events.start());
  app.addHook("preClose", async () => events.stop({ timeoutMs: 2000 }));
  return events;
}

interface PublishBody {
  readonly to: "me" | "tenant" | "sessions";
  readonly sessions?: string[];
  readonly update: unknown;
  /** Publishes the update this many times, one after another (default 1). */
  readonly repeat?: number;
}

export async function createFeedServer(
  config: HamletConfig,
  database: Database | undefined,
  options: SseOptions = {},
): Promise<HamletServer> {
  const app = await createHamletServer({ config, ...(database !== undefined ? { database } : {}) });
  const feed = serveSse<FeedUpdate>(
    app,
    {
      name: "LiveFeed",
      path: "/hamlet/sse/LiveFeed",
      requiresSession: true,
      encode: encodeFeedUpdate,
      decode: decodeFeedUpdate,
    },
    options,
  );
  app.route<{ Body: { user: string } }>({
    method: "POST",
    url: "/login",
    handler: async (request, reply) => {
      request.session = await app.hamlet.sessions.create(request, reply, { user: request.body.user });
      return { session: request.session.id };
    },
  });
  app.route<{ Body: PublishBody }>({
    method: "POST",
    url: "/publish",
    handler: async (request) => {
      const decoded = decodeFeedUpdate(request.body.update);
      if (!decoded.ok) throw new Error("bad update");
      const tenant = request.tenant!;
      const { to } = request.body;
      let id = 0;
      for (let i = 0; i < (request.body.repeat ?? 1); i++) {
        // Yields between sends, as a real producer would (SQLite never yields on its own), so readers get to read.
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        id =
          to === "me"
            ? await feed.toSession(tenant, request.session!.id, decoded.value)
            : to === "tenant"
              ? await feed.toTenant(tenant, decoded.value)
              : await feed.toSessions(tenant, request.body.sessions ?? [], decoded.value);
      }
      return { id };
    },
  });
  return app;
}
