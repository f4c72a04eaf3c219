/**
 * End to end: Horatio's publishing pipeline over real HTTP, on SQLite and PostgreSQL with the
 * event store, and on SQLite in memory mode (`eventStore: false`, the degraded mode) with the same
 * app code. `SubmitPost` emits a delayed `PublishScheduledPost`; its handler calls the Moderation
 * service — a real local HTTP server started here that fails on demand — with the service's
 * `@retry`; the answer publishes or rejects the post.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import type { Database, Dialect, EventSystem, HamletConfig, HamletServer } from "@hamlet/runtime-node";
import { eventSystemOf, startServer } from "@hamlet/runtime-node";
import { postgresAvailable } from "../runtime-node/test/support/postgres.js";
import { useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrateHoratio } from "./support/horatio.js";
import { CookieJar, rawRequest } from "./support/ts-http.js";

interface ModerationCall {
  readonly at: number;
  readonly text: string;
  readonly correlationId: string | undefined;
  readonly idempotencyKey: string | undefined;
}

/** A local moderation service: refuses "spam", answers 503 `failNext` times, 400 on "broken" while `broken`. */
class FakeModeration {
  readonly calls: ModerationCall[] = [];
  failNext = 0;
  broken = true;
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.answer(req).then(([status, body]) =>
          res.writeHead(status, { "content-type": "application/json" }).end(body),
        ),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/check`;
  }

  private async answer(req: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { text } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string };
    this.calls.push({
      at: Date.now(),
      text,
      correlationId: req.headers["x-correlation-id"] as string | undefined,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
    });
    if (this.failNext > 0) {
      this.failNext--;
      return [503, '{"error":"busy"}'];
    }
    if (text.includes("broken") && this.broken) return [400, '{"error":"cannot read this"}'];
    if (text.includes("spam")) return [200, '{"allowed":false,"reason":"looks like spam"}'];
    return [200, '{"allowed":true}'];
  }

  callsFor(text: string): ModerationCall[] {
    return this.calls.filter((c) => c.text === text);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["events-secret-events-secret-events-secret"], ttlSeconds: 600 },
  tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta" } },
};

interface Mode {
  readonly name: string;
  readonly dialect: Dialect;
  readonly eventStore: boolean;
}

const modes: Mode[] = [
  { name: "event store on sqlite", dialect: "sqlite", eventStore: true },
  ...(postgresAvailable ? [{ name: "event store on postgres", dialect: "postgres" as const, eventStore: true }] : []),
  { name: "memory mode (event_store off) on sqlite", dialect: "sqlite", eventStore: false },
];

const fresh = useFreshDatabases();

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(modes)("horatio publishing, $name", (mode) => {
  let db: Database;
  let app: HamletServer;
  let events: EventSystem;
  let url: string;
  const moderation = new FakeModeration();

  beforeAll(async () => {
    await moderation.start();
    db = await fresh.open(mode.dialect);
    await migrateHoratio(db);
    app = await createApp({
      config,
      database: db,
      devLogin: true,
      postsPerMinute: 5,
      banned: new Set(["mallory"]),
      moderationUrl: moderation.url,
      eventStore: mode.eventStore,
      events: { pollMs: 50, onError: () => undefined },
    });
    url = (await startServer(app, { port: 0 })).url;
    events = eventSystemOf(app)!;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await moderation.stop();
  });
  beforeEach(() => {
    moderation.failNext = 0;
  });

  async function login(host: string, handle: string): Promise<CookieJar> {
    const jar = new CookieJar();
    const res = await rawRequest(`${url}/dev/login`, {
      method: "POST",
      host,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ handle }),
      jar,
    });
    expect(res.status).toBe(200);
    return jar;
  }

  async function submit(jar: CookieJar, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await rawRequest(`${url}/api/submissions`, {
      method: "POST",
      host: "alpha.test",
      jar,
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
  }

  /** A submission as its author (`jar`) or someone else sees it. */
  async function submission(id: string, jar?: CookieJar, host = "alpha.test") {
    const res = await rawRequest(`${url}/api/submissions/${id}`, { host, ...(jar ? { jar } : {}) });
    return { status: res.status, body: JSON.parse(res.body) as { status?: string; reason?: string } };
  }

  async function settled(id: string, jar: CookieJar): Promise<{ status?: string; reason?: string }> {
    return eventually(`submission ${id} to settle`, async () => {
      const { body } = await submission(id, jar);
      return body.status === "Scheduled" ? undefined : body;
    });
  }

  async function feedBodies(): Promise<string[]> {
    const res = await rawRequest(`${url}/api/feed?limit=100`, { host: "alpha.test" });
    return (JSON.parse(res.body) as { posts: { body: string }[] }).posts.map((p) => p.body);
  }

  it("runs in the mode it was asked for", () => {
    expect(events.durable).toBe(mode.eventStore);
  });

  it("publishes after the moderation service allows it, retrying its failures", async () => {
    const jar = await login("alpha.test", "alice");
    moderation.failNext = 2;
    const text = `hello from alice (${mode.name})`;
    const created = await submit(jar, { body: text }, { "x-correlation-id": "corr-alice-1" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: "Scheduled", post: { author: "alice", body: text } });
    const id = (created.body["post"] as { id: string }).id;
    expect(await settled(id, jar)).toEqual({ post: expect.objectContaining({ id }), status: "Published" });
    // Published: anyone may read it now.
    expect((await submission(id)).body.status).toBe("Published");
    expect(await feedBodies()).toContain(text);
    const calls = moderation.callsFor(text);
    expect(calls).toHaveLength(3);
    // Every attempt carries the request's correlation id and one idempotency key.
    expect(new Set(calls.map((c) => c.correlationId))).toEqual(new Set(["corr-alice-1"]));
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it("takes the correlation id from traceparent", async () => {
    const jar = await login("alpha.test", "trace");
    const text = `traced (${mode.name})`;
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const created = await submit(jar, { body: text }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    await settled((created.body["post"] as { id: string }).id, jar);
    expect(moderation.callsFor(text).map((c) => c.correlationId)).toEqual([traceId]);
  });

  it("holds a post back until publish_at, then moderates and publishes it", async () => {
    const jar = await login("alpha.test", "bea");
    const text = `later (${mode.name})`;
    const due = Date.now() + 1500;
    const created = await submit(jar, { body: text, publish_at: new Date(due).toISOString() });
    expect(created.status).toBe(200);
    const id = (created.body["post"] as { id: string }).id;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await submission(id, jar)).body.status).toBe("Scheduled");
    // Not yet published: only its author sees it.
    expect(await submission(id)).toEqual({ status: 404, body: { tag: "NotFound" } });
    expect(moderation.callsFor(text)).toEqual([]);
    expect(await feedBodies()).not.toContain(text);
    expect((await settled(id, jar)).status).toBe("Published");
    expect(moderation.callsFor(text)[0]!.at).toBeGreaterThanOrEqual(due);
    expect(await feedBodies()).toContain(text);
  });

  it("rejects what the moderation service refuses", async () => {
    const jar = await login("alpha.test", "carl");
    const text = `buy spam now (${mode.name})`;
    const created = await submit(jar, { body: text });
    const id = (created.body["post"] as { id: string }).id;
    expect(await settled(id, jar)).toMatchObject({ status: "Rejected", reason: "looks like spam" });
    expect((await submission(id)).status).toBe(404);
    expect(await feedBodies()).not.toContain(text);
  });

  it("emits nothing when the handler returns a declared error", async () => {
    const mallory = await login("alpha.test", "mallory");
    const banned = await submit(mallory, { body: "banned words" });
    expect(banned).toEqual({ status: 422, body: { tag: "Banned", reason: "this account may not post" } });
    const dave = await login("alpha.test", "dave");
    for (let i = 0; i < 5; i++) expect((await submit(dave, { body: `dave ${i} (${mode.name})` })).status).toBe(200);
    const limited = await submit(dave, { body: "one too many" });
    expect(limited.status).toBe(429);
    await events.drain({ timeoutMs: 20_000 });
    expect(moderation.callsFor("banned words")).toEqual([]);
    expect(moderation.callsFor("one too many")).toEqual([]);
    if (mode.eventStore) {
      const rows = await db.query<{ n: number | string }>(
        "SELECT count(*) AS n FROM hamlet_events WHERE name = 'PublishScheduledPost'",
      );
      // alice, trace, bea, carl and dave's five: nothing for the refused requests.
      expect(Number(rows[0]!.n)).toBe(9);
    }
  });

  it.runIf(mode.eventStore)(
    "dead-letters a call the service refuses, keeps it per tenant, and retries it",
    async () => {
      const jar = await login("alpha.test", "erin");
      const text = `broken text (${mode.name})`;
      moderation.broken = true;
      const created = await submit(jar, { body: text });
      const id = (created.body["post"] as { id: string }).id;
      const dead = await eventually("a dead letter", async () => {
        const letters = await events.admin.listDeadLetters("alpha");
        return letters.length > 0 ? letters : undefined;
      });
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ name: "hamlet.service.Moderation", status: "dead", attempts: 1 });
      expect(dead[0]!.lastError).toContain("HTTP 400");
      // Stamped from the request that started it all: its session and one correlation id, and
      // caused by the PublishScheduledPost event.
      const trigger = await events.admin.getEvent("alpha", dead[0]!.causationId!);
      expect(trigger).toMatchObject({ name: "PublishScheduledPost", payload: { post_id: id }, status: "done" });
      expect(trigger!.sessionId).toEqual(expect.any(String));
      expect(dead[0]!.sessionId).toBe(trigger!.sessionId);
      expect(dead[0]!.correlationId).toBe(trigger!.correlationId);
      expect(await events.admin.listDeadLetters("beta")).toEqual([]);
      expect((await submission(id, jar)).body.status).toBe("Scheduled");
      // Another tenant does not see alpha's submission either.
      expect((await submission(id, jar, "beta.test")).status).toBe(404);
      moderation.broken = false;
      expect(await events.admin.retryDeadLetter("beta", dead[0]!.id)).toBe(false);
      expect(await events.admin.retryDeadLetter("alpha", dead[0]!.id)).toBe(true);
      expect((await settled(id, jar)).status).toBe("Published");
      expect(await events.admin.listDeadLetters("alpha")).toEqual([]);
    },
  );
});
