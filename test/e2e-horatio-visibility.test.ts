/**
 * Horatio's reads over real HTTP, on SQLite and PostgreSQL: visibility (nobody but the author sees
 * a Private post, a Followers post also their followers, in reads and on the live feed; nobody
 * sees a post before its time, a pending submission is its author's) and the keyset timeline (pages by `(created_at, id)`: posts sharing one timestamp are
 * neither skipped nor repeated across pages).
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../examples/horatio/generated/typescript/client.js";
import type { Post, TimelineCursor } from "../examples/horatio/generated/typescript/types.js";
import type { HamletConfig } from "@hamlet/runtime-node";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { openSse, type SseEvent } from "../runtime-node/test/support/sse-client.js";
import { useHoratioServer } from "./support/horatio-server.js";
import { CookieJar, hostFetch, rawRequest } from "./support/ts-http.js";

const fresh = useFreshDatabases();

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["visibility-secret-visibility-secret-vis"], ttlSeconds: 600 },
  tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta" } },
};

/** Every post is written at this instant: the timeline must page through ties by id. */
const FIXED = Date.parse("2026-01-02T03:04:05.678Z");

describe.each(testDialects)("horatio visibility and keyset timeline on %s", (dialect) => {
  const server = useHoratioServer(fresh, dialect, { config, devLogin: true, postsPerMinute: 1000, now: () => FIXED });

  async function signedIn(handle: string, jar = new CookieJar()) {
    const client = createClient({ baseUrl: server.url, fetch: hostFetch("alpha.test", jar) });
    const me = await client.signIn({ handle });
    expect(me).toEqual({ ok: true, value: { handle, admin: false } });
    return client;
  }
  const anonymous = () => createClient({ baseUrl: server.url, fetch: hostFetch("alpha.test", new CookieJar()) });

  it("shows Followers, Private and scheduled posts to nobody but their author when nobody follows them (scheduled ones not even to them)", async () => {
    const alice = await signedIn("alice");
    const write = async (body: string, extra: Record<string, unknown> = {}): Promise<Post> => {
      const created = await alice.createPost({ body, ...extra });
      if (!created.ok) throw new Error(JSON.stringify(created));
      return created.value;
    };
    const open = await write("public post");
    const followers = await write("followers post", { visibility: "Followers" });
    const secret = await write("private post", { visibility: "Private" });
    const later = await write("scheduled post", { publish_at: new Date(FIXED + 3_600_000) });
    const bob = await signedIn("bob");
    for (const reader of [anonymous(), bob]) {
      expect(await reader.getPost({ id: open.id })).toEqual({ ok: true, value: open });
      for (const hidden of [followers, secret, later])
        expect(await reader.getPost({ id: hidden.id })).toEqual({
          ok: false,
          kind: "error",
          status: 404,
          error: { tag: "NotFound" },
        });
    }
    // The raw answer of an anonymous request is the same 404, whatever the post's visibility.
    const raw = await rawRequest(`${server.url}/api/posts/${secret.id}`, { host: "alpha.test" });
    expect([raw.status, raw.body]).toEqual([404, '{"tag":"NotFound"}']);
    expect(await alice.getPost({ id: secret.id })).toEqual({ ok: true, value: secret });
    expect(await alice.getPost({ id: followers.id })).toEqual({ ok: true, value: followers });
    expect((await alice.getPost({ id: later.id })).ok).toBe(false);

    const bodies = async (reader: ReturnType<typeof anonymous>) => {
      const page = await reader.getTimeline({ author: "alice" });
      if (!page.ok) throw new Error(JSON.stringify(page));
      return page.value.posts.map((p) => p.body).sort();
    };
    expect(await bodies(anonymous())).toEqual(["public post"]);
    expect(await bodies(bob)).toEqual(["public post"]);
    expect(await bodies(alice)).toEqual(["followers post", "private post", "public post"]);
    const feed = await anonymous().getFeed({ author: "alice" });
    expect(feed.ok && feed.value.posts.map((p) => p.body)).toEqual(["public post"]);
  });

  it("shows Followers posts to the author's followers (timeline, GetPost, GetFeed, live), Private ones to nobody else", async () => {
    const hanaJar = new CookieJar();
    const hana = await signedIn("hana", hanaJar);
    const ivanJar = new CookieJar();
    const ivan = await signedIn("ivan", ivanJar);
    const judeJar = new CookieJar();
    const jude = await signedIn("jude", judeJar);
    expect(await ivan.follow({ handle: "hana" })).toEqual({ ok: true, value: { handles: ["hana"] } });
    expect(await ivan.follow({ handle: "hana" })).toEqual({ ok: true, value: { handles: ["hana"] } });
    expect(await ivan.follow({ handle: "ivan" })).toEqual({ ok: true, value: { handles: ["hana"] } });
    // Four follows of one handle at once (on PostgreSQL over several connections) all succeed, with one row.
    const together = await Promise.all(Array.from({ length: 4 }, () => ivan.follow({ handle: "kit" })));
    for (const answer of together) expect(answer).toEqual({ ok: true, value: { handles: ["hana", "kit"] } });
    expect(await ivan.unfollow({ handle: "kit" })).toEqual({ ok: true, value: { handles: ["hana"] } });
    expect(await ivan.listFollowing()).toEqual({ ok: true, value: { handles: ["hana"] } });
    expect(await anonymous().follow({ handle: "hana" })).toMatchObject({ ok: false, kind: "unauthorized" });

    const streams = await Promise.all(
      [ivanJar, judeJar, hanaJar].map((jar) =>
        openSse(server.url, "/hamlet/sse/LiveFeed", { host: "alpha.test", cookie: jar.header()! }),
      ),
    );
    const [ivanStream, judeStream, hanaStream] = streams;
    try {
      const write = async (body: string, visibility: "Public" | "Followers" | "Private"): Promise<Post> => {
        const created = await hana.createPost({ body, visibility });
        if (!created.ok) throw new Error(JSON.stringify(created));
        return created.value;
      };
      const forFollowers = await write("for my followers", "Followers");
      const secret = await write("for me", "Private");
      const open = await write("for everyone", "Public");
      const has = (id: string) => (event: SseEvent) => event.data.includes(id);
      // Each stream gets the public post last; by then the others would have arrived before it.
      for (const stream of streams) await stream!.waitFor(1, has(open.id), 10_000);
      expect(ivanStream!.events.some(has(forFollowers.id))).toBe(true);
      expect(ivanStream!.events.some(has(secret.id))).toBe(false);
      expect(judeStream!.events.some(has(forFollowers.id))).toBe(false);
      expect(judeStream!.events.some(has(secret.id))).toBe(false);
      expect(hanaStream!.events.some(has(forFollowers.id))).toBe(true);
      expect(hanaStream!.events.some(has(secret.id))).toBe(true);

      const notFound = { ok: false, kind: "error", status: 404, error: { tag: "NotFound" } };
      expect(await ivan.getPost({ id: forFollowers.id })).toEqual({ ok: true, value: forFollowers });
      expect(await ivan.getPost({ id: secret.id })).toEqual(notFound);
      expect(await jude.getPost({ id: forFollowers.id })).toEqual(notFound);
      const bodies = async (reader: ReturnType<typeof anonymous>) => {
        const page = await reader.getTimeline({ author: "hana" });
        const feed = await reader.getFeed({ author: "hana" });
        if (!page.ok || !feed.ok) throw new Error(JSON.stringify([page, feed]));
        expect(feed.value.posts.map((p) => p.body).sort()).toEqual(page.value.posts.map((p) => p.body).sort());
        return page.value.posts.map((p) => p.body).sort();
      };
      expect(await bodies(ivan)).toEqual(["for everyone", "for my followers"]);
      expect(await bodies(jude)).toEqual(["for everyone"]);
      expect(await bodies(anonymous())).toEqual(["for everyone"]);
      expect(await bodies(hana)).toEqual(["for everyone", "for me", "for my followers"]);

      expect(await ivan.unfollow({ handle: "hana" })).toEqual({ ok: true, value: { handles: [] } });
      expect(await ivan.getPost({ id: forFollowers.id })).toEqual(notFound);
      expect(await bodies(ivan)).toEqual(["for everyone"]);
    } finally {
      for (const stream of streams) stream!.close();
    }
  });

  it("keeps a pending submission to its author", async () => {
    const carol = await signedIn("carol");
    const submitted = await carol.submitPost({ body: "not yet", publish_at: new Date(FIXED + 3_600_000) });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted));
    const id = submitted.value.post.id;
    expect((await carol.getSubmission({ id })).ok).toBe(true);
    expect(await anonymous().getSubmission({ id })).toMatchObject({ ok: false, status: 404 });
    expect(await (await signedIn("dan")).getSubmission({ id })).toMatchObject({ ok: false, status: 404 });
    const mine = await carol.mySubmissions();
    expect(mine.ok && mine.value.submissions.map((s) => [s.post.body, s.status])).toEqual([["not yet", "Scheduled"]]);
    expect(await anonymous().mySubmissions()).toMatchObject({ ok: false, kind: "unauthorized" });
  });

  it("pages 23 posts with one timestamp by (created_at, id), 5 at a time, without gaps or repeats", async () => {
    const erin = await signedIn("erin");
    const written: string[] = [];
    for (let i = 0; i < 23; i++) {
      const created = await erin.createPost({ body: `tie ${i}` });
      if (!created.ok) throw new Error(JSON.stringify(created));
      written.push(created.value.id);
    }
    const seen: string[] = [];
    let cursor: TimelineCursor | undefined;
    let pages = 0;
    do {
      const page = await anonymous().getTimeline({
        author: "erin",
        limit: 5,
        ...(cursor ? { before: cursor.before, before_id: cursor.before_id } : {}),
      });
      if (!page.ok) throw new Error(JSON.stringify(page));
      seen.push(...page.value.posts.map((p) => p.id));
      cursor = page.value.next;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(5);
    // Newest first means, within one timestamp, by id descending.
    expect(seen).toEqual([...written].sort().reverse());
  });

  it("answers the admin endpoints with Forbidden to non-administrators", async () => {
    const frank = await signedIn("frank");
    expect(await frank.listDeadLetters()).toEqual({
      ok: false,
      kind: "error",
      status: 403,
      error: { tag: "Forbidden" },
    });
    const admin = createClient({ baseUrl: server.url, fetch: hostFetch("alpha.test", new CookieJar()) });
    expect(await admin.signIn({ handle: "admin" })).toEqual({ ok: true, value: { handle: "admin", admin: true } });
    expect(await admin.listDeadLetters()).toEqual({ ok: true, value: { letters: [], event_store: true } });
    expect(await admin.retryDeadLetter({ id: "no-such-event" })).toMatchObject({ ok: false, status: 404 });
    expect(await admin.signOut()).toEqual({ ok: true, value: { admin: false } });
    expect(await admin.getMe()).toEqual({ ok: true, value: { admin: false } });
  });
});
