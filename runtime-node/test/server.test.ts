import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HamletConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import type { JsonValue } from "../src/json.js";
import { createHamletServer, startServer, type HamletServer } from "../src/server.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";
import { cookiePair, send } from "./support/http.js";

const fresh = useFreshDatabases();

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: {
    secrets: ["test-secret-test-secret-test-secret"],
    ttlSeconds: 600,
  },
  tenants: {
    mode: "host",
    hosts: { "alpha.test": "alpha", "beta.test": "beta", "127.0.0.1": "alpha" },
  },
  server: { bodyLimitBytes: 1024 },
};

/** Routes like the generated wiring would register them. */
function registerRoutes(app: HamletServer): void {
  app.route<{ Body: { user: string } }>({
    method: "POST",
    url: "/login",
    handler: async (request, reply) => {
      const data = { user: request.body.user };
      request.session = request.session
        ? await app.hamlet.sessions.rotate(request, reply, request.session, data)
        : await app.hamlet.sessions.create(request, reply, data);
      return { tag: "Ok" };
    },
  });
  app.route({
    method: "GET",
    url: "/me",
    preHandler: app.requireSession,
    handler: async (request) => ({
      tenant: request.tenant,
      data: request.session?.data ?? null,
    }),
  });
  app.route({
    method: "POST",
    url: "/logout",
    handler: async (request, reply) => {
      await app.hamlet.sessions.destroy(request, reply, request.session);
      return { tag: "Ok" };
    },
  });
  app.route({
    method: "GET",
    url: "/boom",
    handler: async () => {
      throw new Error("db password=hunter2 at /srv/secret/app.ts");
    },
  });
  app.route<{ Params: { key: string }; Body: JsonValue }>({
    method: "PUT",
    url: "/kv/:key",
    handler: async (request) => {
      await app.hamlet.kv(request.tenant!).set(request.params.key, request.body);
      return { tag: "Ok" };
    },
  });
  app.route<{ Params: { key: string } }>({
    method: "GET",
    url: "/kv/:key",
    handler: async (request) => ({
      value: (await app.hamlet.kv(request.tenant!).get(request.params.key)) ?? null,
    }),
  });
}

describe.each(testDialects)("HTTP host on %s", (dialect) => {
  let db: Database;
  let app: HamletServer;
  let url: string;
  let logs: string[];

  async function boot(overrides: Partial<HamletConfig> = {}): Promise<void> {
    logs = [];
    app = await createHamletServer({
      config: { ...config, ...overrides },
      database: db,
      logger: {
        level: "error",
        stream: { write: (line: string) => void logs.push(line) },
      },
    });
    registerRoutes(app);
    url = (await startServer(app, { port: 0 })).url;
  }

  beforeEach(async () => {
    db = await fresh.open(dialect);
    await boot();
  });
  afterEach(async () => {
    await app.close();
    await db.close();
  });

  const login = async (host: string, user: string) => {
    const res = await send(url, "/login", {
      method: "POST",
      host,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user }),
    });
    expect(res.status).toBe(200);
    return cookiePair(res.setCookies, "hamlet_session");
  };

  it("listens on 127.0.0.1", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers 401 Unauthorized without a session (global fetch)", async () => {
    const res = await fetch(`${url}/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ tag: "Unauthorized" });
    const forged = await fetch(`${url}/me`, {
      headers: { cookie: `hamlet_session=${"a".repeat(43)}.${"b".repeat(43)}` },
    });
    expect(forged.status).toBe(401);
  });

  it("sets a hardened session cookie and accepts it back", async () => {
    const res = await fetch(`${url}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "ann" }),
    });
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^hamlet_session=[\w-]{43}\.[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    const me = await fetch(`${url}/me`, {
      headers: { cookie: cookie!.split(";")[0]! },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ tenant: "alpha", data: { user: "ann" } });
  });

  it("adds Secure behind a trusted TLS proxy only", async () => {
    const viaProxy = {
      "content-type": "application/json",
      "x-forwarded-proto": "https",
    };
    const untrusted = await send(url, "/login", {
      method: "POST",
      headers: viaProxy,
      body: '{"user":"a"}',
    });
    expect(untrusted.setCookies[0]).not.toContain("Secure");
    await app.close();
    await boot({ server: { trustProxy: true } });
    const trusted = await send(url, "/login", {
      method: "POST",
      headers: viaProxy,
      body: '{"user":"a"}',
    });
    expect(trusted.setCookies[0]).toContain("; Secure;");
  });

  it("rotates the session id on login and logout clears it", async () => {
    const first = await login("alpha.test", "ann");
    const res = await send(url, "/login", {
      method: "POST",
      host: "alpha.test",
      headers: { "content-type": "application/json", cookie: first },
      body: '{"user":"ann-admin"}',
    });
    const second = cookiePair(res.setCookies, "hamlet_session");
    expect(second).not.toBe(first);
    expect(
      (
        await send(url, "/me", {
          host: "alpha.test",
          headers: { cookie: first },
        })
      ).status,
    ).toBe(401);
    const me = await send(url, "/me", {
      host: "alpha.test",
      headers: { cookie: second },
    });
    expect(JSON.parse(me.body)).toEqual({
      tenant: "alpha",
      data: { user: "ann-admin" },
    });
    const out = await send(url, "/logout", {
      method: "POST",
      host: "alpha.test",
      headers: { cookie: second },
    });
    expect(out.setCookies[0]).toMatch(/^hamlet_session=; Max-Age=0;/);
    expect(
      (
        await send(url, "/me", {
          host: "alpha.test",
          headers: { cookie: second },
        })
      ).status,
    ).toBe(401);
  });

  it("answers 500 InternalError without leaking internals, and logs the error", async () => {
    const res = await send(url, "/boom");
    expect(res.status).toBe(500);
    expect(res.body).toBe('{"tag":"InternalError"}');
    expect(JSON.stringify(res.headers)).not.toContain("hunter2");
    expect(logs.join("\n")).toContain("hunter2");
  });

  it("separates two tenants by Host header", async () => {
    const alphaCookie = await login("alpha.test", "ann");
    const betaCookie = await login("BETA.test:443", "bob");
    const alphaMe = await send(url, "/me", {
      host: "alpha.test",
      headers: { cookie: alphaCookie },
    });
    expect(JSON.parse(alphaMe.body)).toEqual({
      tenant: "alpha",
      data: { user: "ann" },
    });
    const betaMe = await send(url, "/me", {
      host: "beta.test",
      headers: { cookie: betaCookie },
    });
    expect(JSON.parse(betaMe.body)).toEqual({
      tenant: "beta",
      data: { user: "bob" },
    });
    expect(
      (
        await send(url, "/me", {
          host: "beta.test",
          headers: { cookie: alphaCookie },
        })
      ).status,
    ).toBe(401);

    const json = { "content-type": "application/json" };
    await send(url, "/kv/color", {
      method: "PUT",
      host: "alpha.test",
      headers: json,
      body: '"red"',
    });
    await send(url, "/kv/color", {
      method: "PUT",
      host: "beta.test",
      headers: json,
      body: '"blue"',
    });
    const read = async (host: string) => JSON.parse((await send(url, "/kv/color", { host })).body) as unknown;
    expect(await read("alpha.test")).toEqual({ value: "red" });
    expect(await read("beta.test")).toEqual({ value: "blue" });
  });

  it("answers 404 UnknownTenant for unknown hosts instead of falling back", async () => {
    const res = await send(url, "/me", { host: "gamma.test" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ tag: "UnknownTenant" });
  });

  it("answers 400 MissingTenant in header mode without the header", async () => {
    await app.close();
    await boot({ tenants: { mode: "header", header: "x-tenant" } });
    expect(JSON.parse((await send(url, "/me")).body)).toEqual({
      tag: "MissingTenant",
    });
    expect((await send(url, "/me", { headers: { "x-tenant": "alpha" } })).status).toBe(401);
  });

  it("enforces the body limit and rejects malformed JSON with tagged errors", async () => {
    const json = { "content-type": "application/json" };
    const big = await send(url, "/kv/big", {
      method: "PUT",
      headers: json,
      body: JSON.stringify("x".repeat(2000)),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({
      tag: "PayloadTooLarge",
      message: "the request body is larger than 1024 bytes",
    });
    const bad = await send(url, "/kv/bad", {
      method: "PUT",
      headers: json,
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      tag: "BadRequest",
      message: 'malformed JSON: expected a property name in double quotes, found "n" at line 1, column 2',
    });
    const poisoned = await send(url, "/kv/p", {
      method: "PUT",
      headers: json,
      body: '{"__proto__":{"x":1}}',
    });
    expect(poisoned.status).toBe(400);
  });

  it("answers 404 NotFound for unknown routes", async () => {
    const res = await send(url, "/nope");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ tag: "NotFound" });
  });
});
