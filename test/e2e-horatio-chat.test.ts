/**
 * Horatio's chat over a real WebSocket (the `ws` client) against the example server on SQLite:
 * signed-in users hear each other with the author written by the server, presence follows
 * connects and disconnects, and a connection without a session is closed with 4401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createApp } from "../examples/horatio/src/app.js";
import { openDatabase, startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { migrateHoratio } from "./support/horatio.js";
import { CookieJar, rawRequest } from "./support/ts-http.js";

describe("horatio chat", () => {
  let db: Database;
  let app: HamletServer;
  let url: string;

  beforeAll(async () => {
    db = openDatabase(":memory:");
    await migrateHoratio(db);
    app = await createApp({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["chat-secret-chat-secret-chat-secret-chat"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
      devLogin: true,
    });
    url = (await startServer(app, { port: 0 })).url;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function signedIn(handle: string): Promise<CookieJar> {
    const jar = new CookieJar();
    const res = await rawRequest(`${url}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ handle }),
      jar,
    });
    expect(res.status).toBe(200);
    return jar;
  }

  /** A connection and every message it received, parsed. */
  async function connect(jar?: CookieJar) {
    const cookie = jar?.header();
    const socket = new WebSocket(`${url.replace("http", "ws")}/ws/chat`, {
      headers: { origin: url, ...(cookie ? { cookie } : {}) },
    });
    const received: unknown[] = [];
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    socket.on("message", (data) => received.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return { socket, received, closed };
  }

  it("carries messages with the author the server knows, and presence", async () => {
    const alice = await connect(await signedIn("alice"));
    const bob = await connect(await signedIn("bob"));
    await expect
      .poll(() => alice.received.at(-1))
      .toEqual({ tag: "Presence", room: "lobby", online: ["alice", "bob"] });
    alice.socket.send(JSON.stringify({ tag: "ChatMessage", room: "lobby", text: "hi bob" }));
    await expect.poll(() => bob.received).toContainEqual({ tag: "ChatMessage", room: "lobby", text: "alice: hi bob" });
    bob.socket.close();
    await bob.closed;
    await expect.poll(() => alice.received.at(-1)).toEqual({ tag: "Presence", room: "lobby", online: ["alice"] });
    alice.socket.close();
  });

  it("closes a connection without a session (4401)", async () => {
    const anonymous = await connect();
    expect(await anonymous.closed).toBe(4401);
  });
});
