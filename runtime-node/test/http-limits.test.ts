/**
 * What the server refuses, over real sockets: slow clients (request, header and keep-alive
 * timeouts), oversized headers, ambiguous or malformed requests and bodies — each answered in
 * the `{tag, message}` shape with a message that says what and where.
 */
import { connect, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { HamletConfig } from "../src/config.js";
import { openSqliteDatabase } from "../src/db/sqlite.js";
import { createHamletServer, startServer, type HamletServer } from "../src/server.js";
import { SessionSecretError } from "../src/session/secrets.js";
import { send } from "./support/http.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

const dir = mkdtempSync(join(tmpdir(), "hamlet-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

const base: HamletConfig = {
  database: { url: "unused" },
  sessions: { secrets: ["limits-secret-limits-secret-limits-secret"] },
  tenants: { mode: "single" },
};

const apps: HamletServer[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function boot(
  server: HamletConfig["server"] = {},
  extra: Partial<HamletConfig> = {},
): Promise<{ url: string; port: number }> {
  const db = openSqliteDatabase(join(dir, `db-${++counter}.sqlite`));
  await ensureRuntimeTables(db);
  const app = await createHamletServer({ config: { ...base, ...extra, server }, database: db });
  app.addHook("onClose", async () => db.close());
  app.post("/echo/:name", async (request) => ({ name: (request.params as { name: string }).name, body: request.body }));
  app.get("/echo/:name", async (request) => ({
    name: (request.params as { name: string }).name,
    query: request.query,
  }));
  apps.push(app);
  const started = await startServer(app, { port: 0 });
  return { url: started.url, port: started.port };
}

/** Writes raw bytes and collects everything until the server closes the socket. */
function rawExchange(port: number, write: (socket: Socket) => void): Promise<{ text: string; closedAfterMs: number }> {
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => write(socket));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () =>
      resolve({ text: Buffer.concat(chunks).toString("utf8"), closedAfterMs: Date.now() - startedAt }),
    );
    setTimeout(() => reject(new Error("the server never closed the connection")), 30_000).unref();
  });
}

function replyOf(text: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status, body: body.length > 0 ? JSON.parse(body) : undefined };
}

describe("timeouts on real sockets", () => {
  it("closes 100 clients that send their body slowly with 408 RequestTimeout", async () => {
    const { port } = await boot({ requestTimeoutMs: 1000, headersTimeoutMs: 500 });
    const timers: NodeJS.Timeout[] = [];
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        rawExchange(port, (socket) => {
          socket.write(
            "POST /echo/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
          );
          const timer = setInterval(() => socket.writable && socket.write(" "), 100);
          socket.on("close", () => clearInterval(timer));
          timers.push(timer);
        }),
      ),
    );
    for (const timer of timers) clearInterval(timer);
    for (const result of results) {
      expect(replyOf(result.text)).toEqual({
        status: 408,
        body: { tag: "RequestTimeout", message: "the request (headers and body) did not arrive in time" },
      });
      expect(result.closedAfterMs).toBeLessThan(10_000);
    }
  });

  it("closes a client that never finishes its headers", async () => {
    const { port } = await boot({ requestTimeoutMs: 5000, headersTimeoutMs: 500 });
    const result = await rawExchange(port, (socket) => socket.write("GET /echo/x HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    expect(replyOf(result.text).status).toBe(408);
    expect(result.closedAfterMs).toBeLessThan(4000);
  });

  it("closes an idle keep-alive connection after keepAliveTimeoutMs", async () => {
    const { port } = await boot({ keepAliveTimeoutMs: 300 });
    const result = await rawExchange(port, (socket) => socket.write("GET /echo/x HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(result.text).toMatch(/^HTTP\/1\.1 200/);
    expect(result.text).toMatch(/Keep-Alive: timeout=0/i);
    expect(result.closedAfterMs).toBeLessThan(3000);
  });
});

describe("malformed requests get precise tagged replies", () => {
  it("oversized headers: 431 HeadersTooLarge", async () => {
    const { port } = await boot({ maxHeaderBytes: 1024 });
    const result = await rawExchange(port, (socket) =>
      socket.write(`GET /echo/x HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(4096)}\r\n\r\n`),
    );
    expect(replyOf(result.text)).toEqual({
      status: 431,
      body: { tag: "HeadersTooLarge", message: "the request headers are larger than the server accepts" },
    });
  });

  it("more than one Host header: 400", async () => {
    const { port } = await boot();
    const result = await rawExchange(port, (socket) =>
      socket.write("GET /echo/x HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\nConnection: close\r\n\r\n"),
    );
    expect(replyOf(result.text)).toEqual({
      status: 400,
      body: { tag: "BadRequest", message: "the request has 2 Host headers; send exactly one" },
    });
  });

  it("malformed JSON says where; invalid UTF-8 is refused, not replaced; empty bodies are named", async () => {
    const { url } = await boot();
    const json = { "content-type": "application/json" };
    const malformed = await send(url, "/echo/x", { method: "POST", headers: json, body: '{\n  "a": 1,\n  "b": }' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({
      tag: "BadRequest",
      message: expect.stringMatching(/^malformed JSON: .+ at line 3, column 8$/),
    });
    const utf8 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      rawExchange(new URL(url).port as unknown as number, (socket) => {
        const body = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
        socket.write(
          `POST /echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        socket.write(body);
      }).then((r) => {
        const reply = replyOf(r.text.replace(/\r\n\r\n[\s\S]*$/, "") + "\r\n\r\n");
        resolve({ status: reply.status, body: r.text.slice(r.text.indexOf("\r\n\r\n") + 4) });
      }, reject);
    });
    expect(utf8.status).toBe(400);
    expect(JSON.parse(utf8.body)).toEqual({
      tag: "BadRequest",
      message: "the JSON body is not valid UTF-8 (first bad byte at offset 12)",
    });
    const empty = await send(url, "/echo/x", { method: "POST", headers: json, body: "" });
    expect(JSON.parse(empty.body)).toEqual({ tag: "BadRequest", message: "the JSON body is empty" });
  });

  it("__proto__ and constructor.prototype keys name their path", async () => {
    const { url } = await boot();
    const json = { "content-type": "application/json" };
    const nested = await send(url, "/echo/x", {
      method: "POST",
      headers: json,
      body: '{"a":[1,{"b":{"__proto__":{"x":1}}}]}',
    });
    expect([nested.status, JSON.parse(nested.body)]).toEqual([
      400,
      { tag: "BadRequest", message: 'forbidden key "__proto__" at $.a[1].b' },
    ]);
    const ctor = await send(url, "/echo/x", {
      method: "POST",
      headers: json,
      body: '{"constructor":{"prototype":{}}}',
    });
    expect(JSON.parse(ctor.body)).toEqual({ tag: "BadRequest", message: 'forbidden key "constructor.prototype" at $' });
    const fine = await send(url, "/echo/x", { method: "POST", headers: json, body: '{"constructor":"ok","proto":1}' });
    expect(JSON.parse(fine.body)).toEqual({ name: "x", body: { constructor: "ok", proto: 1 } });
  });

  it("over-long path parameters and bad percent-encodings", async () => {
    const { url } = await boot({ maxParamLength: 50 });
    const long = await send(url, `/echo/${"a".repeat(51)}`);
    expect([long.status, JSON.parse(long.body)]).toEqual([
      400,
      { tag: "BadRequest", message: 'path parameter "name" is 51 characters long; the limit is 50' },
    ]);
    expect((await send(url, `/echo/${"a".repeat(50)}`)).status).toBe(200);
    const badPath = await send(url, "/echo/%zz");
    expect(badPath.status).toBe(400);
    expect(JSON.parse(badPath.body)).toEqual({ tag: "BadRequest", message: expect.stringContaining("%zz") });
    const badUtf8Path = await send(url, "/echo/%C3%28");
    expect(badUtf8Path.status).toBe(400);
    expect(JSON.parse(badUtf8Path.body)).toMatchObject({ tag: "BadRequest" });
    const badQuery = await send(url, "/echo/x?q=%E0%A4&ok=1");
    expect([badQuery.status, JSON.parse(badQuery.body)]).toEqual([
      400,
      { tag: "BadRequest", message: 'bad percent-encoding "%E0%A4" in the query string' },
    ]);
    const badHex = await send(url, "/echo/x?q=%G1");
    expect(JSON.parse(badHex.body)).toEqual({
      tag: "BadRequest",
      message: 'bad percent-encoding "%G1" in the query string',
    });
    const good = await send(url, "/echo/x?q=caf%C3%A9+au+lait");
    expect(JSON.parse(good.body)).toEqual({ name: "x", query: { q: "café au lait" } });
  });

  it("the body limit names its size", async () => {
    const { url } = await boot({ bodyLimitBytes: 100 });
    const big = await send(url, "/echo/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify("x".repeat(200)),
    });
    expect([big.status, JSON.parse(big.body)]).toEqual([
      413,
      { tag: "PayloadTooLarge", message: "the request body is larger than 100 bytes" },
    ]);
  });
});

describe("session secret", () => {
  const memory = async () => {
    const db = openSqliteDatabase(":memory:");
    await ensureRuntimeTables(db);
    return db;
  };
  const attempt = async (production: boolean, secrets: HamletConfig["sessions"]["secrets"]) =>
    createHamletServer({
      config: { ...base, production, sessions: { secrets, secretEnv: "APP_SECRET" } },
      database: await memory(),
    }).then((app) => app.close());

  it("stops a production server that has none, an empty one or a short one, saying what to set", async () => {
    for (const secrets of [undefined, "", [""], "short"]) {
      await expect(attempt(true, secrets)).rejects.toThrow(SessionSecretError);
    }
    await expect(attempt(true, undefined)).rejects.toThrow(
      /no session secret in production; set APP_SECRET to at least 32/,
    );
    await expect(attempt(true, "short")).rejects.toThrow("session secret #1 is 5 bytes, shorter than 32");
    await expect(attempt(true, "x".repeat(32))).resolves.toBeUndefined();
  });

  it("NODE_ENV=production means production unless the config says otherwise", async () => {
    const previous = process.env["NODE_ENV"];
    process.env["NODE_ENV"] = "production";
    try {
      await expect(
        createHamletServer({
          config: { ...base, sessions: { secrets: "" } },
          database: await memory(),
        }),
      ).rejects.toThrow(SessionSecretError);
    } finally {
      process.env["NODE_ENV"] = previous;
    }
  });

  it("development without a secret starts with a random one and warns", async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      await expect(attempt(false, "")).resolves.toBeUndefined();
    } finally {
      console.warn = original;
    }
    expect(warnings.join("\n")).toContain("no session secret (APP_SECRET); using a random one");
  });
});
