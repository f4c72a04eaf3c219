import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Database } from "../src/db/database.js";
import { openPostgresDatabase } from "../src/db/postgres.js";
import { startServer, type HamletServer } from "../src/server.js";
import { chatConfig, createChatServer } from "./processes/chat-server.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";
import { send } from "./support/http.js";
import { postgresAvailable, usePostgres } from "./support/postgres.js";
import { bundleServer, login, spawnServer } from "./support/realtime-servers.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

type Frame = Record<string, unknown>;

/** A real `ws` client that records every text frame it receives. */
interface Client {
  readonly socket: WebSocket;
  readonly frames: Frame[];
  /** Resolves with the first frame (already received or coming) that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  closed: Promise<number>;
  /** Its connection id (the server tells it on connect). */
  id: string;
}

/** The session cookie of a fresh sign-in. */
async function signIn(baseUrl: string, user: string, host = "alpha.test"): Promise<string> {
  return (await login(baseUrl, user, host)).cookie;
}

function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, "ws")}/ws/chat`;
}

async function connect(baseUrl: string, cookie: string, host = "alpha.test", autoPong = true): Promise<Client> {
  const socket = new WebSocket(wsUrl(baseUrl), { headers: { cookie, host, origin: `http://${host}` }, autoPong });
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  const client: Client = {
    socket,
    frames,
    closed,
    id: "",
    next(match, timeoutMs = 20_000) {
      const seen = frames.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching frame; got ${JSON.stringify(frames)}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
  };
  const hello = await client.next((f) => f["tag"] === "Typing");
  client.id = String(hello["room"]);
  return client;
}

/** Status of a refused upgrade. */
function upgradeStatus(baseUrl: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(baseUrl), { headers });
    socket.on("open", () => reject(new Error("upgrade accepted")));
    socket.on("error", () => undefined);
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
  });
}

const chat = (room: string, text = "hi") => JSON.stringify({ tag: "ChatMessage", room, text });
const isChat = (text: string) => (f: Frame) => f["tag"] === "ChatMessage" && f["text"] === text;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fresh = useFreshDatabases();
const pgFixture = postgresAvailable ? usePostgres() : null;

describe.each(testDialects)("websocket on %s", (dialect) => {
  let app: HamletServer;
  let db: Database;
  let baseUrl: string;
  const clients: Client[] = [];

  async function start(options: Parameters<typeof createChatServer>[2] = {}): Promise<void> {
    db = await fresh.open(dialect);
    const url = dialect === "postgres" && pgFixture !== null ? await pgFixture.createDatabase() : "sqlite:unused";
    if (dialect === "postgres") {
      await db.close();
      db = openPostgresDatabase(url);
      await ensureRuntimeTables(db);
    }
    app = await createChatServer(chatConfig(url), db, options);
    baseUrl = (await startServer(app, { port: 0 })).url;
  }

  async function client(user: string, host = "alpha.test", cookie?: string, autoPong = true): Promise<Client> {
    const c = await connect(baseUrl, cookie ?? (await signIn(baseUrl, user, host)), host, autoPong);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.terminate();
    await app.close();
    await db.close();
  });

  it("routes to one connection, a session's connections, and the tenant, never across tenants", async () => {
    await start();
    const aliceCookie = await signIn(baseUrl, "alice");
    const alice1 = await client("alice", "alpha.test", aliceCookie);
    const alice2 = await client("alice", "alpha.test", aliceCookie);
    const bob = await client("bob");
    const eve = await client("eve", "beta.test");

    bob.socket.send(chat("echo", "e1"));
    await bob.next(isChat("e1"));

    bob.socket.send(chat(`conn:${alice2.id}`, "direct"));
    await alice2.next(isChat("direct"));

    alice1.socket.send(chat("mine", "to-my-session"));
    await alice1.next(isChat("to-my-session"));
    await alice2.next(isChat("to-my-session"));

    bob.socket.send(chat("all", "everyone"));
    await Promise.all([alice1, alice2, bob].map((c) => c.next(isChat("everyone"))));

    // Another tenant's connection id cannot be addressed, and a tenant broadcast stays in the tenant.
    bob.socket.send(chat(`conn:${eve.id}`, "cross"));
    eve.socket.send(chat("all", "beta-only"));
    await eve.next(isChat("beta-only"));
    bob.socket.send(chat("echo", "marker"));
    await bob.next(isChat("marker"));
    await pause(200);
    expect(eve.frames.filter(isChat("cross"))).toEqual([]);
    expect(eve.frames.filter(isChat("everyone"))).toEqual([]);
    for (const c of [alice1, alice2, bob]) expect(c.frames.filter(isChat("beta-only"))).toEqual([]);
    expect(bob.frames.filter(isChat("direct"))).toEqual([]);
    expect(bob.frames.filter(isChat("to-my-session"))).toEqual([]);
  });

  it("refuses bad frames with typed errors, closes 1007 after repeated abuse and 1009 when oversize", async () => {
    await start();
    const bad = await client("mallory");
    const good = await client("carol");
    bad.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await bad.next((f) => f["tag"] === "$error")).toEqual({ tag: "$error", error: "BinaryFrame" });
    bad.socket.send("{not json");
    await bad.next((f) => f["error"] === "InvalidJson");
    bad.socket.send(JSON.stringify({ tag: "Shout", room: "all" }));
    const unknown = await bad.next((f) => f["error"] === "InvalidMessage");
    expect(JSON.stringify(unknown["issues"])).toContain("Shout");
    bad.socket.send(JSON.stringify({ tag: "ChatMessage", room: "all", text: "" }));
    const invalid = await bad.next((f) => f["error"] === "InvalidMessage" && f !== unknown);
    expect(invalid["issues"]).toEqual([expect.objectContaining({ path: "$.text" })]);
    bad.socket.send("[]");
    expect(await bad.closed).toBe(1007);
    // None of it reached the handler (it would have broadcast) and others are still served.
    good.socket.send(chat("echo", "still here"));
    await good.next(isChat("still here"));
    expect(good.frames.filter((f) => f["room"] === "all")).toEqual([]);

    const big = await client("big");
    big.socket.send(chat("echo", "x".repeat(17 * 1024)));
    expect(await big.closed).toBe(1009);
  });

  it("rate-limits a flooding connection and closes it (1008) without disturbing others", async () => {
    await start({ messagesPerSecond: 5, burst: 10 });
    const flooder = await client("flooder");
    const other = await client("other");
    for (let i = 0; i < 30; i++) flooder.socket.send(chat("echo", `f${i}`));
    expect(await flooder.closed).toBe(1008);
    expect(flooder.frames.filter((f) => f["error"] === "RateLimited").length).toBeGreaterThan(0);
    expect(flooder.frames.filter((f) => f["tag"] === "ChatMessage").length).toBeLessThanOrEqual(10);
    other.socket.send(chat("echo", "fine"));
    await other.next(isChat("fine"));
  });

  it("refuses upgrades without a session (401), from another origin (403) and for unknown tenants (404)", async () => {
    await start();
    expect(await upgradeStatus(baseUrl, { host: "alpha.test" })).toEqual({
      status: 401,
      body: '{"tag":"Unauthorized"}',
    });
    const cookie = await signIn(baseUrl, "dan");
    expect(await upgradeStatus(baseUrl, { host: "alpha.test", cookie, origin: "https://evil.test" })).toEqual({
      status: 403,
      body: '{"tag":"ForbiddenOrigin"}',
    });
    expect((await upgradeStatus(baseUrl, { host: "nowhere.test", cookie })).status).toBe(404);
    // A cookie of tenant alpha is no session in tenant beta.
    expect((await upgradeStatus(baseUrl, { host: "beta.test", cookie })).status).toBe(401);
    await client("dan", "alpha.test", cookie);
  });

  it("drops a peer that stops answering pings and keeps one that answers", async () => {
    await start({ heartbeatMs: 100 });
    const dead = await client("dead", "alpha.test", undefined, false);
    const alive = await client("alive");
    expect(await dead.closed).toBe(1006);
    await pause(300);
    alive.socket.send(chat("echo", "pong ok"));
    await alive.next(isChat("pong ok"));
  });

  it('answers the browser heartbeat "$ping" with "$pong", without reaching the handlers or counting as abuse', async () => {
    await start();
    const c = await client("heartbeat");
    for (let i = 0; i < 5; i++) c.socket.send('"$ping"');
    await expect.poll(() => c.frames.filter((f) => (f as unknown) === "$pong").length).toBe(5);
    c.socket.send(chat("echo", "after pings"));
    await c.next(isChat("after pings"));
    expect(c.frames.filter((f) => f["tag"] === "$error")).toEqual([]);
  });

  it("closes a slow consumer once its send buffer is full while others keep being served", async () => {
    await start({ maxBufferedBytes: 256 * 1024, messagesPerSecond: 1000, burst: 1000 });
    const slow = await client("slow");
    const fast = await client("fast");
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's
    const text = "z".repeat(2000);
    fast.socket.send(chat("flood:4000", text));
    const deadline = Date.now() + 60_000;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const received = fast.frames.filter((f) => f["text"] === text).length;
        if (received === 4000) resolve();
        else if (Date.now() > deadline) reject(new Error(`fast consumer got ${received}/4000`));
        else setTimeout(check, 50);
      };
      check();
    });
    slow.socket.resume();
    expect(await slow.closed).toBe(1006); // terminated, no close frame
  });
});

describe.skipIf(!postgresAvailable)("websocket across two server processes on one PostgreSQL", () => {
  let server: Awaited<ReturnType<typeof bundleServer>>;
  beforeAll(async () => (server = await bundleServer("chat-server-main.ts")));
  afterAll(() => server?.remove());

  it("delivers to connections and sessions held by the other process, and tenant broadcasts reach both", async () => {
    const url = await pgFixture!.createDatabase();
    const db = openPostgresDatabase(url);
    await ensureRuntimeTables(db);
    const { child, listening } = spawnServer(server.bundle, url, server.dir);
    const app = await createChatServer(chatConfig(url), db);
    try {
      const otherUrl = await listening;
      const here = (await startServer(app, { port: 0 })).url;
      // Sessions live in the shared database: a login on one process is valid on the other.
      const aliceCookie = await signIn(here, "alice");
      const aliceHere = await connect(here, aliceCookie);
      const aliceThere = await connect(otherUrl, aliceCookie);
      const bobThere = await connect(otherUrl, await signIn(otherUrl, "bob"));
      const eveThere = await connect(otherUrl, await signIn(otherUrl, "eve", "beta.test"), "beta.test");

      aliceHere.socket.send(chat(`conn:${bobThere.id}`, "hello bob"));
      await bobThere.next(isChat("hello bob"));
      bobThere.socket.send(chat(`conn:${aliceHere.id}`, "hello alice"));
      await aliceHere.next(isChat("hello alice"));
      aliceHere.socket.send(chat("mine", "both my tabs"));
      await aliceHere.next(isChat("both my tabs"));
      await aliceThere.next(isChat("both my tabs"));
      bobThere.socket.send(chat("all", "big " + "b".repeat(1990)));
      await aliceHere.next(isChat("big " + "b".repeat(1990)));
      await aliceThere.next(isChat("big " + "b".repeat(1990)));
      await bobThere.next(isChat("big " + "b".repeat(1990)));
      aliceHere.socket.send(chat("echo", "marker"));
      await aliceHere.next(isChat("marker"));
      await pause(300);
      expect(eveThere.frames.filter((f) => f["tag"] === "ChatMessage")).toEqual([]);
      expect(bobThere.frames.filter(isChat("both my tabs"))).toEqual([]);
      for (const c of [aliceHere, aliceThere, bobThere, eveThere]) c.socket.terminate();
    } finally {
      child.kill("SIGKILL");
      await app.close();
      await db.close();
    }
  });
});
