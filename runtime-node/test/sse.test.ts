import { afterEach, describe, expect, it } from "vitest";
import type { Database, Dialect } from "../src/db/database.js";
import { startServer, type HamletServer } from "../src/server.js";
import type { SseOptions } from "../src/realtime/sse.js";
import { addPhotoWorkflow, createFeedServer, ensureReplayTables, feedConfig } from "./processes/feed-server.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";
import { send } from "./support/http.js";
import { login, type TestSession } from "./support/realtime-servers.js";
import { openSse, type SseClient, type SseEvent } from "./support/sse-client.js";

const FEED = "/hamlet/sse/LiveFeed";
const fresh = useFreshDatabases();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Session = TestSession;

/** Publishes a `Liked { likes: n }` update; resolves with its id. */
async function publish(
  baseUrl: string,
  as: Session,
  to: "me" | "tenant" | "sessions",
  likes: number,
  sessions?: string[],
): Promise<number> {
  const update = { tag: "Liked", id: "00000000-0000-4000-8000-000000000001", likes };
  const response = await send(baseUrl, "/publish", {
    method: "POST",
    host: as.host,
    headers: { "content-type": "application/json", cookie: as.cookie },
    body: JSON.stringify({ to, update, ...(sessions !== undefined ? { sessions } : {}) }),
  });
  expect(response.status, response.body).toBe(200);
  return (JSON.parse(response.body) as { id: number }).id;
}

const likes = (event: SseEvent) => (JSON.parse(event.data) as { likes: number }).likes;
const ids = (events: readonly SseEvent[]) => events.map((e) => Number(e.id));

describe.each(testDialects)("sse on %s", (dialect: Dialect) => {
  let app: HamletServer | null = null;
  let db: Database;
  let baseUrl: string;
  const clients: SseClient[] = [];

  async function start(options: SseOptions = {}, replayTables = true, reuse = false, workflow = false): Promise<void> {
    if (!reuse) {
      db = await fresh.open(dialect);
      if (replayTables) await ensureReplayTables(db, workflow);
    }
    app = await createFeedServer(feedConfig(`${dialect}:unused`), db, options);
    if (workflow) addPhotoWorkflow(app, db);
    baseUrl = (await startServer(app, { port: 0 })).url;
  }

  async function stream(session: Session | null, lastEventId?: string, host = session?.host): Promise<SseClient> {
    const client = await openSse(baseUrl, FEED, {
      ...(host !== undefined ? { host } : {}),
      ...(session !== null ? { cookie: session.cookie } : {}),
      ...(lastEventId !== undefined ? { lastEventId } : {}),
    });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await app?.close();
    app = null;
    await db.close();
  });

  it("answers 401 without a session, 404 for an unknown stream or tenant", async () => {
    await start();
    const anonymous = await stream(null, undefined, "alpha.test");
    expect([anonymous.status, anonymous.body]).toEqual([401, '{"tag":"Unauthorized"}']);
    const alice = await login(baseUrl, "alice");
    const unknown = await openSse(baseUrl, "/hamlet/sse/Nope", { host: "alpha.test", cookie: alice.cookie });
    expect([unknown.status, unknown.body]).toEqual([404, '{"tag":"NotFound"}']);
    const nowhere = await openSse(baseUrl, FEED, { host: "nowhere.test", cookie: alice.cookie });
    expect(nowhere.status).toBe(404);
    // A cookie of tenant alpha is no session in tenant beta.
    expect((await openSse(baseUrl, FEED, { host: "beta.test", cookie: alice.cookie })).status).toBe(401);
    const ok = await stream(alice);
    expect(ok.status).toBe(200);
    expect(ok.response?.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  });

  it("targets one session, chosen sessions and a tenant, never across sessions or tenants", async () => {
    await start();
    const alice = await login(baseUrl, "alice");
    const bob = await login(baseUrl, "bob");
    const eve = await login(baseUrl, "eve", "beta.test");
    const [alice1, alice2, bobs, eves] = await Promise.all([stream(alice), stream(alice), stream(bob), stream(eve)]);

    await publish(baseUrl, alice, "me", 1);
    await publish(baseUrl, alice, "sessions", 2, [bob.id]);
    await publish(baseUrl, bob, "tenant", 3);
    await publish(baseUrl, eve, "tenant", 4);
    await publish(baseUrl, eve, "sessions", 5, [alice.id]); // alice's session id is not of tenant beta
    await publish(baseUrl, alice, "me", 6);

    expect((await alice1.waitFor(3)).map(likes)).toEqual([1, 3, 6]);
    expect((await alice2.waitFor(3)).map(likes)).toEqual([1, 3, 6]);
    expect((await bobs.waitFor(2)).map(likes)).toEqual([2, 3]);
    expect((await eves.waitFor(1)).map(likes)).toEqual([4]);
    await pause(200);
    expect(alice1.events.map(likes)).toEqual([1, 3, 6]);
    expect(bobs.events.map(likes)).toEqual([2, 3]);
    expect(eves.events.map(likes)).toEqual([4]);
    // Ids increase per tenant.
    expect(ids(alice1.events)).toEqual([...ids(alice1.events)].sort((a, b) => a - b));
  });

  it("resumes after a disconnect from Last-Event-ID: in order, nothing lost, nothing twice", async () => {
    await start();
    const alice = await login(baseUrl, "alice");
    const first = await stream(alice);
    for (let i = 1; i <= 3; i++) await publish(baseUrl, alice, "me", i);
    const seen = await first.waitFor(3);
    first.close();
    for (let i = 4; i <= 6; i++) await publish(baseUrl, alice, i % 2 === 0 ? "tenant" : "me", i);
    const again = await stream(alice, seen[2]!.id);
    // Published while it replays: must arrive once, after the replay.
    const live = publish(baseUrl, alice, "me", 7);
    await live;
    expect((await again.waitFor(4)).map(likes)).toEqual([4, 5, 6, 7]);
    await pause(150);
    expect(again.events.map(likes)).toEqual([4, 5, 6, 7]);
    expect(ids(again.events)).toEqual([...new Set(ids(again.events))].sort((a, b) => a - b));
  });

  it("ignores a malformed or unknown Last-Event-ID and streams from now", async () => {
    await start();
    const alice = await login(baseUrl, "alice");
    await publish(baseUrl, alice, "me", 1);
    const malformed = await stream(alice, "12abc");
    const negative = await stream(alice, "-1");
    const huge = await stream(alice, "99999999999");
    await publish(baseUrl, alice, "me", 2);
    expect((await malformed.waitFor(1)).map(likes)).toEqual([2]);
    expect((await huge.waitFor(1)).map(likes)).toEqual([2]);
    expect((await negative.waitFor(1)).map(likes)).toEqual([2]);
  });

  it("resumes after a server restart with nothing lost or repeated (replay table)", async () => {
    await start();
    const alice = await login(baseUrl, "alice");
    const before = await stream(alice);
    await publish(baseUrl, alice, "me", 1);
    await publish(baseUrl, alice, "me", 2);
    const seen = await before.waitFor(2);
    await app!.close();
    await before.ended;
    await start({}, true, true);
    await publish(baseUrl, alice, "me", 3);
    await publish(baseUrl, alice, "tenant", 4);
    const after = await stream(alice, seen[1]!.id);
    await publish(baseUrl, alice, "me", 5);
    expect((await after.waitFor(3)).map(likes)).toEqual([3, 4, 5]);
    expect(Number(after.events[0]!.id)).toBe(Number(seen[1]!.id) + 1);
  });

  it("without the replay tables still delivers and resumes within the process (best effort)", async () => {
    await start({}, false);
    const alice = await login(baseUrl, "alice");
    const first = await stream(alice);
    await publish(baseUrl, alice, "me", 1);
    const [one] = await first.waitFor(1);
    first.close();
    await publish(baseUrl, alice, "me", 2);
    const again = await stream(alice, one!.id);
    expect((await again.waitFor(1)).map(likes)).toEqual([2]);
  });

  it("sends heartbeats and the retry hint", async () => {
    await start({ heartbeatMs: 50, retryMs: 2500 });
    const client = await stream(await login(baseUrl, "alice"));
    await pause(300);
    expect(client.retry).toBe(2500);
    expect(client.comments).toBeGreaterThanOrEqual(2);
  });

  it("drops a client that stops reading once its unsent bytes pass the bound; others keep up", async () => {
    await start({ maxBufferedBytes: 64 * 1024 });
    const alice = await login(baseUrl, "alice");
    const slow = await stream(alice);
    const fast = await stream(alice);
    slow.response!.pause();
    slow.response!.socket.pause(); // stops reading: the kernel buffers fill, then the server's
    // 600 posts of ~10 KB: far more than the kernel's socket buffers and the 64 KiB bound.
    const count = 600;
    const post = {
      id: "00000000-0000-4000-8000-000000000002",
      author: "alice",
      body: "b".repeat(500),
      tags: Array.from({ length: 10 }, () => "t".repeat(1000)),
      likes: 0,
      visibility: "Public",
      created_at: "2026-01-01T00:00:00Z",
      reactions: {},
    };
    const response = await send(baseUrl, "/publish", {
      method: "POST",
      host: alice.host,
      headers: { "content-type": "application/json", cookie: alice.cookie },
      body: JSON.stringify({ to: "me", update: { tag: "Posted", post }, repeat: count }),
    });
    expect(response.status, response.body).toBe(200);
    await fast.waitFor(count);
    slow.response!.socket.resume();
    slow.response!.resume();
    await slow.ended;
    expect(slow.events.length).toBeLessThan(count);
  });

  it("reports each step of a workflow run to the session that started it on /hamlet/runs", async () => {
    await start({}, true, false, true);
    const alice = await login(baseUrl, "alice");
    const bob = await login(baseUrl, "bob");
    const runs = await openSse(baseUrl, "/hamlet/runs", alice);
    const bobs = await openSse(baseUrl, "/hamlet/runs", bob);
    clients.push(runs, bobs);
    expect((await openSse(baseUrl, "/hamlet/runs", { host: "alpha.test" })).status).toBe(401);
    const started = await send(baseUrl, "/photos", {
      method: "POST",
      host: alice.host,
      headers: { "content-type": "application/json", cookie: alice.cookie },
      body: JSON.stringify({ id: "p1" }),
    });
    const { runId } = JSON.parse(started.body) as { runId: string };
    const updates = (await runs.waitFor(4)).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(updates.map((u) => [u["step"], u["stepStatus"], u["status"]])).toEqual([
      [null, null, "running"],
      ["thumbnail", "done", "running"],
      ["moderate", "done", "running"],
      ["publish", "done", "completed"],
    ]);
    expect(updates.every((u) => u["runId"] === runId && u["workflow"] === "PublishPhoto")).toBe(true);
    await send(baseUrl, "/photos", {
      method: "POST",
      host: alice.host,
      headers: { "content-type": "application/json", cookie: alice.cookie },
      body: JSON.stringify({ id: "bad1" }),
    });
    const failed = (await runs.waitFor(7)).slice(4).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(failed.map((u) => [u["step"], u["stepStatus"], u["status"]])).toEqual([
      [null, null, "running"],
      ["thumbnail", "done", "running"],
      ["moderate", "failed", "failed"],
    ]);
    await pause(200);
    expect(bobs.events).toEqual([]);
  });
});
