/**
 * runtime-elm/js/websocket.js against a real `ws` server, in Node: routing of frames by tag to the
 * ports the generated module declares, the bounded send queue, backoff with jitter, `close()`.
 * The Elm side is an object with the shape of `app.ports` (out ports with subscribe/unsubscribe,
 * in ports with send) that records what the companion hands to Elm; the real compiled Elm page is
 * exercised in test/browser-websocket.test.ts.
 */
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
// @ts-expect-error: a plain JavaScript module (JSDoc types), not part of the TypeScript project
import { connectWebSocket } from "../runtime-elm/js/websocket.js";

interface Connection {
  state(): string;
  queued(): number;
  reconnect(): void;
  close(code?: number, reason?: string): void;
}
const connect = connectWebSocket as (app: unknown, options: Record<string, unknown>) => Connection;

/** The ports of `websocket Chat` with variants ChatMessage and Typing, recording what Elm would get. */
function fakeApp(variants: readonly string[] = ["ChatMessage", "Typing"]) {
  const received: Record<string, unknown[]> = {};
  const listeners = new Set<(text: string) => void>();
  const inPort = (name: string) => {
    received[name] = [];
    return { send: (value: unknown) => received[name]!.push(value) };
  };
  const ports: Record<string, unknown> = {
    hamletWsChatSend: {
      subscribe: (f: (text: string) => void) => listeners.add(f),
      unsubscribe: (f: (text: string) => void) => listeners.delete(f),
    },
    hamletWsChatState: inPort("state"),
    hamletWsChatProblem: inPort("problem"),
  };
  for (const v of variants) ports[`hamletWsChatMessage${v}`] = inPort(v);
  return {
    app: { ports },
    received,
    /** What `sendChat…` would do: Elm calls the send port's subscribers. */
    send: (message: unknown) => listeners.forEach((f) => f(JSON.stringify(message))),
    listeners,
  };
}

const servers: WebSocketServer[] = [];
const connections: Connection[] = [];

async function server(port = 0): Promise<{ wss: WebSocketServer; url: string; got: string[] }> {
  const wss = new WebSocketServer({ port, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  servers.push(wss);
  const got: string[] = [];
  wss.on("connection", (socket) => socket.on("message", (data) => got.push(data.toString())));
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/chat`, got };
}

async function closeServer(wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  await new Promise((resolve) => wss.close(resolve));
}

function start(app: unknown, options: Record<string, unknown>): Connection {
  const connection = connect(app, { name: "Chat", WebSocket, ...options });
  connections.push(connection);
  return connection;
}

afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  for (const wss of servers.splice(0)) await closeServer(wss);
});

describe("runtime-elm/js/websocket.js", () => {
  it("routes frames by tag: variants to their ports, refusals and non-messages to the problem port", async () => {
    const { wss, url } = await server();
    const elm = fakeApp();
    start(elm.app, { url });
    const socket = await new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
    await expect.poll(() => elm.received["state"]).toEqual([{ state: "connecting" }, { state: "connected" }]);
    socket.send(JSON.stringify({ tag: "ChatMessage", room: "r", text: "hi" }));
    socket.send(JSON.stringify({ tag: "Typing", room: "r" }));
    socket.send(JSON.stringify({ tag: "$error", error: "RateLimited" }));
    socket.send("not json");
    socket.send(JSON.stringify({ no: "tag" }));
    socket.send(JSON.stringify({ tag: "Presence", room: "r" })); // no port: nobody subscribes, dropped
    socket.send(JSON.stringify({ tag: "ChatMessage", room: 5 })); // routed as is: Elm's decoder reports it
    await expect.poll(() => elm.received["ChatMessage"]!.length).toBe(2);
    expect(elm.received["ChatMessage"]).toEqual([
      { tag: "ChatMessage", room: "r", text: "hi" },
      { tag: "ChatMessage", room: 5 },
    ]);
    expect(elm.received["Typing"]).toEqual([{ tag: "Typing", room: "r" }]);
    expect(elm.received["problem"]).toEqual([
      { tag: "$error", error: "RateLimited" },
      { tag: "$unexpected", text: "not json" },
      { tag: "$unexpected", text: '{"no":"tag"}' },
    ]);
  });

  it("queues sends until connected, keeps the newest maxQueue and reports the dropped ones once", async () => {
    // A port nobody listens on yet: reserve one, close it, start the server there later.
    const reserved = await server();
    const port = (reserved.wss.address() as AddressInfo).port;
    await closeServer(reserved.wss);
    servers.splice(servers.indexOf(reserved.wss), 1);
    const elm = fakeApp();
    const connection = start(elm.app, {
      url: `ws://127.0.0.1:${port}/ws/chat`,
      maxQueue: 3,
      minDelayMs: 50,
      maxDelayMs: 100,
    });
    for (let i = 1; i <= 5; i++) elm.send({ tag: "Typing", room: `r${i}` });
    expect(connection.queued()).toBe(3);
    await expect.poll(() => elm.received["problem"]).toEqual([{ tag: "$dropped", count: 2 }]);

    const { got } = await server(port);
    await expect.poll(() => got, { timeout: 5_000 }).toHaveLength(3);
    expect(got.map((text) => (JSON.parse(text) as { room: string }).room)).toEqual(["r3", "r4", "r5"]);
    expect(connection.queued()).toBe(0);
    expect(connection.state()).toBe("connected");
  });

  it("reconnects with doubling, jittered delays up to maxDelayMs, and stops for good on close()", async () => {
    const reserved = await server();
    const port = (reserved.wss.address() as AddressInfo).port;
    await closeServer(reserved.wss);
    servers.splice(servers.indexOf(reserved.wss), 1);
    const elm = fakeApp();
    const connection = start(elm.app, { url: `ws://127.0.0.1:${port}/ws/chat`, minDelayMs: 40, maxDelayMs: 160 });
    const delays = () =>
      (elm.received["state"] as { state: string; retryInMs?: number | null }[])
        .filter((s) => s.state === "disconnected")
        .map((s) => s.retryInMs!);
    await expect.poll(() => delays().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    const ceilings = [40, 80, 160, 160, 160];
    delays()
      .slice(0, 5)
      .forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(ceilings[i]! / 2);
        expect(delay).toBeLessThanOrEqual(ceilings[i]!);
      });
    connection.close();
    const settled = elm.received["state"]!.length;
    expect(elm.received["state"]!.at(-1)).toEqual({ state: "disconnected", code: 1000, reason: "", retryInMs: null });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(elm.received["state"]!.length).toBe(settled);
    expect(elm.listeners.size).toBe(0);
  });

  it("after the server drops the socket, connects again and sends what was queued meanwhile", async () => {
    const { wss, url, got } = await server();
    const elm = fakeApp();
    const connection = start(elm.app, { url, minDelayMs: 400, maxDelayMs: 800 });
    const first = await new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
    await expect.poll(() => elm.received["state"]!.at(-1)).toEqual({ state: "connected" });
    const again = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
    first.terminate();
    // The first retry waits 200-400 ms: a send now is queued.
    await expect
      .poll(() => (elm.received["state"] as { state: string }[]).some((s) => s.state === "disconnected"))
      .toBe(true);
    elm.send({ tag: "Typing", room: "while away" });
    expect(connection.queued()).toBe(1);
    await again;
    await expect.poll(() => got).toEqual([JSON.stringify({ tag: "Typing", room: "while away" })]);
  });

  it("reconnect() drops the socket and connects again at once, without a backoff delay", async () => {
    const { wss, url } = await server();
    const elm = fakeApp();
    const connection = start(elm.app, { url, minDelayMs: 10_000, maxDelayMs: 20_000 });
    await new Promise((resolve) => wss.once("connection", resolve));
    await expect.poll(() => connection.state()).toBe("connected");
    const again = new Promise((resolve) => wss.once("connection", resolve));
    connection.reconnect();
    await again; // well within the 5-10 s a backoff would wait
    await expect.poll(() => connection.state()).toBe("connected");
    expect(elm.received["state"]).toContainEqual({
      state: "disconnected",
      code: 4000,
      reason: "reconnect",
      retryInMs: 0,
    });
  });

  it('heartbeat: stays on while "$pong"s come back, replaces a connection that stopped answering (4001)', async () => {
    const { wss, url } = await server();
    const sockets: WebSocket[] = [];
    wss.on("connection", (socket) => {
      sockets.push(socket);
      // As runtime-node does: answer the companion's heartbeat.
      socket.on("message", (data) => data.toString() === '"$ping"' && socket.send('"$pong"'));
    });
    const elm = fakeApp();
    const connection = start(elm.app, { url, pingIntervalMs: 50, pongTimeoutMs: 150, minDelayMs: 10, maxDelayMs: 20 });
    await expect.poll(() => connection.state()).toBe("connected");
    await new Promise((resolve) => setTimeout(resolve, 500)); // ten heartbeats, all answered
    expect(sockets.length).toBe(1);
    expect(elm.received["state"]).toEqual([{ state: "connecting" }, { state: "connected" }]);
    // The server stops reading this socket (a frozen peer, a half-open connection): no "$pong" any more.
    sockets[0]!.pause();
    await expect.poll(() => sockets.length, { timeout: 3000 }).toBe(2);
    await expect.poll(() => connection.state()).toBe("connected");
    expect(elm.received["state"]).toContainEqual(
      expect.objectContaining({ state: "disconnected", code: 4001, reason: "no answer to the heartbeat" }),
    );
    // "$pong" frames never reach Elm.
    expect(elm.received["problem"]).toEqual([]);
  });

  it("refuses an app without any port of the websocket, naming the ports it has", () => {
    const elm = fakeApp();
    expect(() => connect(elm.app, { name: "Lobby", url: "ws://127.0.0.1:1/x", WebSocket })).toThrow(
      /no port of websocket Lobby \(hamletWsLobby…\).*hamletWsChatSend/,
    );
  });
});
