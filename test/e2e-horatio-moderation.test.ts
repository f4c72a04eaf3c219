/**
 * Horatio's development stand-in for the moderation service (`POST /dev/moderation`, on with
 * `HORATIO_DEV_LOGIN=1`), over real HTTP on SQLite with the event store, the app's `Moderation`
 * service pointed at it as src/main.ts does: what it answers (allowed, spam refused, a body that
 * is not `{text}` refused, "#fail" once 400, "#flaky" once 503), and that the service's retry
 * paths reach it: a 503 is retried by `@retry` until the post is published; a 400 dead-letters the
 * call, and an administrator's retry publishes it.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import type { Database, HamletConfig, HamletServer } from "@hamlet/runtime-node";
import { startServer } from "@hamlet/runtime-node";
import { useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrateHoratio } from "./support/horatio.js";
import { CookieJar, rawRequest } from "./support/ts-http.js";

const fresh = useFreshDatabases();

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["moderation-secret-moderation-secret-mod"], ttlSeconds: 600 },
  tenants: { mode: "single" },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("horatio's /dev/moderation stand-in", () => {
  let db: Database;
  let app: HamletServer;
  let url: string;

  beforeAll(async () => {
    db = await fresh.open("sqlite");
    await migrateHoratio(db);
    const port = await freePort();
    app = await createApp({
      config,
      database: db,
      devLogin: true,
      devModeration: true,
      moderationUrl: `http://127.0.0.1:${port}/dev/moderation`,
      events: { pollMs: 50, onError: () => undefined },
    });
    url = (await startServer(app, { port })).url;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const moderate = (body: unknown) =>
    rawRequest(`${url}/dev/moderation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  async function login(handle: string): Promise<CookieJar> {
    const jar = new CookieJar();
    const res = await rawRequest(`${url}/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ handle }),
      jar,
    });
    expect(res.status).toBe(200);
    return jar;
  }

  async function submit(jar: CookieJar, body: string): Promise<string> {
    const res = await rawRequest(`${url}/api/submissions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ body }),
      jar,
    });
    expect(res.status, res.body).toBe(200);
    return (JSON.parse(res.body) as { post: { id: string } }).post.id;
  }

  async function statusOf(jar: CookieJar, id: string): Promise<string> {
    const res = await rawRequest(`${url}/api/submissions/${id}`, { jar });
    return (JSON.parse(res.body) as { status: string }).status;
  }

  /** Attempts and status of the stored `Moderation` call about `text`. */
  async function serviceCall(text: string): Promise<{ attempts: number; status: string } | undefined> {
    const rows = await db.query<{ attempts: number; status: string; payload: string }>(
      "SELECT attempts, status, payload FROM hamlet_events WHERE name = 'hamlet.service.Moderation'",
    );
    const row = rows.find((r) => (JSON.parse(r.payload) as { text: string }).text === text);
    return row === undefined ? undefined : { attempts: Number(row.attempts), status: row.status };
  }

  it("answers allowed, refuses spam and bodies that are not {text}, fails #fail (400) and #flaky (503) once", async () => {
    const answer = async (body: unknown) => {
      const res = await moderate(body);
      return [res.status, JSON.parse(res.body) as unknown];
    };
    expect(await answer({ text: "hello" })).toEqual([200, { allowed: true }]);
    expect(await answer({ text: "cheap SPAM here" })).toEqual([200, { allowed: false, reason: "looks like spam" }]);
    expect(await answer({ words: "hello" })).toEqual([400, { error: "expected {text}" }]);
    expect((await answer({ text: "direct #fail" }))[0]).toBe(400);
    expect(await answer({ text: "direct #fail" })).toEqual([200, { allowed: true }]);
    expect((await answer({ text: "direct #flaky" }))[0]).toBe(503);
    expect(await answer({ text: "direct #flaky" })).toEqual([200, { allowed: true }]);
  });

  it("is retried by the service's @retry after a 503, and the post is published", async () => {
    const alice = await login("alice");
    const text = "busy moderator #flaky";
    const id = await submit(alice, text);
    await eventually("publication", async () => ((await statusOf(alice, id)) === "Published" ? true : undefined));
    expect(await serviceCall(text)).toEqual({ attempts: 2, status: "done" });
    const post = await rawRequest(`${url}/api/posts/${id}`);
    expect(JSON.parse(post.body)).toMatchObject({ id, body: text });
  });

  it("dead-letters a 400 and publishes once an administrator retries the call", async () => {
    const alice = await login("alice");
    const admin = await login("admin");
    const text = "unreadable #fail";
    const id = await submit(alice, text);
    await eventually("the dead letter", async () => ((await serviceCall(text))?.status === "dead" ? true : undefined));
    expect(await statusOf(alice, id)).toBe("Scheduled");
    const listed = await rawRequest(`${url}/api/admin/dead-letters`, { jar: admin });
    const letters = (JSON.parse(listed.body) as { letters: { id: string; name: string; last_error?: string }[] })
      .letters;
    const letter = letters.find((l) => l.name === "hamlet.service.Moderation");
    expect(letter?.last_error).toContain("HTTP 400");
    const retried = await rawRequest(`${url}/api/admin/dead-letters/${letter!.id}/retry`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      jar: admin,
    });
    expect([retried.status, retried.body]).toEqual([200, '{"retried":true}']);
    await eventually("publication", async () => ((await statusOf(alice, id)) === "Published" ? true : undefined));
  });
});
