/**
 * End to end: the shared horatio.hamlet, emitted by the TypeScript emitter (the committed
 * examples/horatio/generated/typescript, checked fresh here), served by the example's real
 * handlers on 127.0.0.1 over real HTTP, on SQLite and on PostgreSQL; exercised with the generated
 * client and with raw requests.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import { createHandlers } from "../examples/horatio/src/handlers.js";
import { createClient } from "../examples/horatio/generated/typescript/client.js";
import { registerRoutes, type Handlers } from "../examples/horatio/generated/typescript/server.js";
import type { Uuid } from "../examples/horatio/generated/typescript/types.js";
import type { Database, HamletConfig, HamletServer } from "@hamlet/runtime-node";
import { createHamletServer, startServer } from "@hamlet/runtime-node";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { repoRoot, sharedExamplesDir } from "./support/corpus.js";
import { compile } from "../src/program/compile.js";
import { horatioSchemaFiles, migrateHoratio } from "./support/horatio.js";
import { emitTypescript } from "./support/ts-emit.js";
import { CookieJar, hostFetch, rawRequest, unreachableFetch } from "./support/ts-http.js";

const exampleDir = join(repoRoot, "examples", "horatio");

describe("examples/horatio sources", () => {
  it("schema/horatio.hamlet is byte-identical to the shared example", () => {
    expect(readFileSync(join(exampleDir, "schema", "horatio.hamlet"))).toEqual(
      readFileSync(join(sharedExamplesDir, "horatio.hamlet")),
    );
  });

  it("generated/typescript is what the emitter makes of the shared example and publishing.hamlet", async () => {
    // The example imports the runtime by its package name (the workspace link in node_modules).
    expect(readFileSync(join(exampleDir, "hamlet.toml"), "utf8")).not.toContain("runtime_import");
    const schema = compile({ entries: horatioSchemaFiles, features: { database: true, eventStore: true } }).schema;
    if (schema === undefined) throw new Error("examples/horatio/schema does not compile");
    const files = await emitTypescript(schema, "@hamlet/runtime-node");
    const dir = join(exampleDir, "generated", "typescript");
    // Other emitters may add files to the same folder (repositories.ts); compare ours.
    expect(readdirSync(dir)).toEqual(expect.arrayContaining([...files.keys()]));
    for (const [path, content] of files) {
      expect(
        readFileSync(join(dir, path), "utf8"),
        `examples/horatio/generated/typescript/${path} is stale: run \`node ../../bin/hamletc.js build\` in examples/horatio`,
      ).toBe(content);
    }
  });
});

const fresh = useFreshDatabases();

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["e2e-secret-e2e-secret-e2e-secret-e2e"], ttlSeconds: 600 },
  tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta" } },
};

const missingId = "123e4567-e89b-12d3-a456-426614174000" as Uuid;

describe.each(testDialects)("horatio end to end on %s", (dialect) => {
  let db: Database;
  let app: HamletServer;
  let url: string;

  beforeAll(async () => {
    db = await fresh.open(dialect);
    await migrateHoratio(db);
    app = await createApp({ config, database: db, devLogin: true, postsPerMinute: 3, banned: new Set(["mallory"]) });
    url = (await startServer(app, { port: 0 })).url;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
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
  const clientFor = (host: string, jar = new CookieJar()) =>
    createClient({ baseUrl: url, fetch: hostFetch(host, jar) });

  it("creates, reads and lists posts through the generated client", async () => {
    const client = clientFor("alpha.test", await login("alpha.test", "alice"));
    const created = await client.createPost({ body: "hello #world from alice", visibility: "Public" });
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(created.value).toMatchObject({
      author: "alice",
      body: "hello #world from alice",
      tags: ["world"],
      likes: 0,
      visibility: "Public",
    });
    expect(created.value.created_at).toBeInstanceOf(Date);
    const read = await client.getPost({ id: created.value.id });
    expect(read).toEqual({ ok: true, value: created.value });
    const second = await client.createPost({ body: "second" }); // visibility defaults to Public
    expect(second.ok).toBe(true);
    const feed = await client.getFeed({ author: "alice" });
    if (!feed.ok) throw new Error(JSON.stringify(feed));
    expect(feed.value.posts.map((p) => p.body)).toEqual(["second", "hello #world from alice"]);
    const page = await client.getFeed({ author: "alice", limit: 1 });
    if (!page.ok) throw new Error(JSON.stringify(page));
    expect(page.value.posts.map((p) => p.body)).toEqual(["second"]);
    expect(page.value.next_before).toEqual(page.value.posts[0]!.created_at);
  });

  it("answers a declared error with its status (client and raw)", async () => {
    const client = clientFor("alpha.test");
    expect(await client.getPost({ id: missingId })).toEqual({
      ok: false,
      kind: "error",
      status: 404,
      error: { tag: "NotFound" },
    });
    const raw = await rawRequest(`${url}/api/posts/${missingId}`, { host: "alpha.test" });
    expect([raw.status, raw.body]).toEqual([404, '{"tag":"NotFound"}']);
  });

  it("lets exactly the allowed number of 100 parallel posts through the rate limit", async () => {
    const client = clientFor("alpha.test", await login("alpha.test", "burst"));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => client.createPost({ body: `burst ${i}` })));
    const statuses = results.map((r) => (r.ok ? 200 : r.kind === "error" ? r.status : r.kind));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(97);
    const feed = await client.getFeed({ author: "burst", limit: 100 });
    expect(feed.ok && feed.value.posts.length).toBe(3);
  });

  it("rate-limits (429) and bans (422) with the declared payloads", async () => {
    const jar = await login("alpha.test", "bob");
    const client = clientFor("alpha.test", jar);
    for (let i = 0; i < 3; i++) expect((await client.createPost({ body: `post ${i}` })).ok).toBe(true);
    expect(await client.createPost({ body: "one too many" })).toEqual({
      ok: false,
      kind: "error",
      status: 429,
      error: { tag: "RateLimited", retry_after_s: 60 },
    });
    const banned = await rawRequest(`${url}/api/posts`, {
      method: "POST",
      host: "alpha.test",
      jar: await login("alpha.test", "mallory"),
      headers: { "content-type": "application/json" },
      body: '{"body":"hi"}',
    });
    expect([banned.status, JSON.parse(banned.body)]).toEqual([
      422,
      { tag: "Banned", reason: "this account may not post" },
    ]);
  });

  it("answers 401 without a session", async () => {
    expect(await clientFor("alpha.test").createPost({ body: "anonymous" })).toEqual({
      ok: false,
      kind: "unauthorized",
      status: 401,
    });
    const raw = await rawRequest(`${url}/api/posts`, {
      method: "POST",
      host: "alpha.test",
      headers: { "content-type": "application/json" },
      body: '{"body":"x"}',
    });
    expect([raw.status, raw.body]).toEqual([401, '{"tag":"Unauthorized"}']);
  });

  it("answers 400 with every issue and its path (query, path, body)", async () => {
    const query = await rawRequest(`${url}/api/feed?limit=0&before=yesterday&author=No`, { host: "alpha.test" });
    expect([query.status, JSON.parse(query.body)]).toEqual([
      400,
      {
        tag: "ValidationFailed",
        issues: [
          { path: "$query.author", message: "expected to match pattern ^[a-z0-9_]{3,20}$" },
          { path: "$query.before", message: "expected an RFC 3339 timestamp" },
          { path: "$query.limit", message: "expected at least 1" },
        ],
      },
    ]);
    const limit = await rawRequest(`${url}/api/feed?limit=2.5`, { host: "alpha.test" });
    expect(JSON.parse(limit.body)).toEqual({
      tag: "ValidationFailed",
      issues: [{ path: "$query.limit", message: "expected an integer" }],
    });
    const path = await rawRequest(`${url}/api/posts/not-a-uuid`, { host: "alpha.test" });
    expect([path.status, JSON.parse(path.body)]).toEqual([
      400,
      { tag: "ValidationFailed", issues: [{ path: "$path.id", message: "expected a UUID" }] },
    ]);

    const jar = await login("alpha.test", "carol");
    const post = (body: string) =>
      rawRequest(`${url}/api/posts`, {
        method: "POST",
        host: "alpha.test",
        jar,
        headers: { "content-type": "application/json" },
        body,
      });
    const bad = await post(JSON.stringify({ body: "", visibility: "Secret", publish_at: "2024-02-30T00:00:00Z" }));
    expect([bad.status, JSON.parse(bad.body)]).toEqual([
      400,
      {
        tag: "ValidationFailed",
        issues: [
          { path: "$.body", message: "expected at least 1 character" },
          { path: "$.visibility", message: 'unknown variant "Secret", expected one of Public, Followers, Private' },
          { path: "$.publish_at", message: "expected an RFC 3339 timestamp" },
        ],
      },
    ]);
    // 500 code points (astral characters are two UTF-16 units each) pass, 501 do not.
    expect((await post(JSON.stringify({ body: "😀".repeat(500) }))).status).toBe(200);
    const long = await post(JSON.stringify({ body: "😀".repeat(501) }));
    expect(JSON.parse(long.body)).toEqual({
      tag: "ValidationFailed",
      issues: [{ path: "$.body", message: "expected at most 500 characters" }],
    });
    const missing = await post("{}");
    expect(JSON.parse(missing.body)).toEqual({
      tag: "ValidationFailed",
      issues: [{ path: "$.body", message: "is required" }],
    });
    const notObject = await post("[1]");
    expect([notObject.status, JSON.parse(notObject.body)]).toEqual([
      400,
      { tag: "ValidationFailed", issues: [{ path: "$", message: "expected an object" }] },
    ]);
    const polluted = await post('{"body":"x","constructor":{"prototype":{}}}');
    expect(polluted.status).toBe(400);
    const constructorKey = await post('{"body":"x","constructor":1}');
    expect(JSON.parse(constructorKey.body)).toEqual({
      tag: "ValidationFailed",
      issues: [{ path: "$", message: 'forbidden key "constructor"' }],
    });
  });

  it("keeps tenants apart (Host header)", async () => {
    const alpha = clientFor("alpha.test", await login("alpha.test", "dave"));
    const created = await alpha.createPost({ body: "only on alpha" });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const beta = clientFor("beta.test", await login("beta.test", "erin"));
    expect(await beta.getPost({ id: created.value.id })).toEqual({
      ok: false,
      kind: "error",
      status: 404,
      error: { tag: "NotFound" },
    });
    const betaFeed = await beta.getFeed({});
    expect(betaFeed.ok && betaFeed.value.posts).toEqual([]);
    const own = await beta.createPost({ body: "only on beta" });
    expect(own.ok).toBe(true);
    const alphaFeed = await alpha.getFeed({ limit: 100 });
    if (!alphaFeed.ok) throw new Error(JSON.stringify(alphaFeed));
    expect(alphaFeed.value.posts.map((p) => p.body)).toContain("only on alpha");
    expect(alphaFeed.value.posts.map((p) => p.body)).not.toContain("only on beta");
    // An alpha session cookie means nothing on beta.
    const crossJar = await login("alpha.test", "frank");
    expect(await clientFor("beta.test", crossJar).createPost({ body: "sneaky" })).toEqual({
      ok: false,
      kind: "unauthorized",
      status: 401,
    });
    // Unknown host: no tenant.
    expect(await clientFor("gamma.test").getFeed({})).toEqual({
      ok: false,
      kind: "http",
      status: 404,
      body: { tag: "UnknownTenant" },
    });
  });
});

describe("generated routes around a crashing handler", () => {
  let app: HamletServer;
  let url: string;
  beforeAll(async () => {
    const db = await fresh.open("sqlite");
    app = await createHamletServer({
      config: { ...config, database: { url: ":memory:" }, tenants: { mode: "single" } },
      database: db,
    });
    app.addHook("onClose", async () => db.close());
    const handlers: Handlers = {
      ...createHandlers(),
      getFeed: async () => {
        throw new Error("secret database password in the message");
      },
      getPost: async () => ({ bogus: true }) as never,
    };
    registerRoutes(app, handlers);
    url = (await startServer(app, { port: 0 })).url;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("answers 500 {tag: InternalError} and nothing else", async () => {
    const res = await rawRequest(`${url}/api/feed`);
    expect([res.status, res.body]).toEqual([500, '{"tag":"InternalError"}']);
    const client = createClient({ baseUrl: url });
    expect(await client.getFeed({})).toEqual({ ok: false, kind: "http", status: 500, body: { tag: "InternalError" } });
  });

  it("a handler returning garbage answers 500 too", async () => {
    const res = await rawRequest(`${url}/api/posts/${missingId}`);
    expect([res.status, res.body]).toEqual([500, '{"tag":"InternalError"}']);
  });

  it("the client decodes responses and reports what does not match the schema", async () => {
    const fetch = async () => ({ status: 200, text: async () => '{"posts":3,"next_before":"soon"}' });
    expect(await createClient({ baseUrl: url, fetch }).getFeed({})).toEqual({
      ok: false,
      kind: "decode",
      status: 200,
      issues: [
        { path: "$.posts", message: "expected a list" },
        { path: "$.next_before", message: "expected an RFC 3339 timestamp" },
      ],
    });
  });

  it("the client reports network errors", async () => {
    expect(await createClient({ baseUrl: url, fetch: unreachableFetch }).getFeed({})).toEqual({
      ok: false,
      kind: "network",
      message: "fetch failed: connect ECONNREFUSED",
    });
  });
});
