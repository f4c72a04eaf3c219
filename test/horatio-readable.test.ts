/**
 * One visibility rule for every read of a post (examples/horatio/src/visibility.ts), checked as a
 * matrix over real HTTP and SSE on SQLite and PostgreSQL: a Public, a Followers and a Private post
 * of `ana`, read by ana, by her follower, by a stranger, signed out, and from another tenant by
 * users with the same handles (one of whom follows an `ana` there), through GetPost, GetPostPhoto,
 * GetTimeline, GetFeed and the live feed.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "../examples/horatio/generated/typescript/client.js";
import type { Post, Visibility } from "../examples/horatio/generated/typescript/types.js";
import type { HamletConfig } from "@hamlet/runtime-node";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { openSse, type SseClient } from "../runtime-node/test/support/sse-client.js";
import { useHoratioServer } from "./support/horatio-server.js";
import { CookieJar, hostFetch } from "./support/ts-http.js";

const fresh = useFreshDatabases();

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["readable-secret-readable-secret-readable"], ttlSeconds: 600 },
  tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta" } },
};

type Reader = "author" | "follower" | "stranger" | "anonymous" | "otherTenantAuthor" | "otherTenantFollower";

/** Who reads which of ana's posts (in tenant alpha). */
const expected: Record<Reader, readonly Visibility[]> = {
  author: ["Public", "Followers", "Private"],
  follower: ["Public", "Followers"],
  stranger: ["Public"],
  anonymous: ["Public"],
  otherTenantAuthor: [],
  otherTenantFollower: [],
};

describe.each(testDialects)("one visibility rule for every read on %s", (dialect) => {
  const server = useHoratioServer(fresh, dialect, { config, devLogin: true, postsPerMinute: 1000 });

  async function reader(host: string, handle: string | undefined) {
    const jar = new CookieJar();
    const client = createClient({ baseUrl: server.url, fetch: hostFetch(host, jar) });
    if (handle !== undefined) expect((await client.signIn({ handle })).ok).toBe(true);
    const stream = await openSse(server.url, "/hamlet/sse/LiveFeed", {
      host,
      ...(jar.header() !== undefined ? { cookie: jar.header()! } : {}),
    });
    return { client, stream };
  }

  it("lets author, follower, stranger, signed-out reader and other tenant read exactly what the rule says", async () => {
    const readers = {
      author: await reader("alpha.test", "ana"),
      follower: await reader("alpha.test", "fay"),
      stranger: await reader("alpha.test", "sam"),
      anonymous: await reader("alpha.test", undefined),
      otherTenantAuthor: await reader("beta.test", "ana"),
      otherTenantFollower: await reader("beta.test", "fay"),
    } satisfies Record<Reader, unknown>;
    const streams: SseClient[] = Object.values(readers).map((r) => r.stream);
    try {
      expect((await readers.follower.client.follow({ handle: "ana" })).ok).toBe(true);
      // In beta, fay follows beta's ana: that must not open alpha's ana to her.
      expect((await readers.otherTenantFollower.client.follow({ handle: "ana" })).ok).toBe(true);

      const posts = {} as Record<Visibility, Post>;
      for (const visibility of ["Private", "Followers", "Public"] as const) {
        const created = await readers.author.client.createPost({ body: `${visibility} post`, visibility });
        if (!created.ok) throw new Error(JSON.stringify(created));
        posts[visibility] = created.value;
      }
      // The author is in every audience: once her stream has all three, every push has been sent;
      // a public sentinel per tenant then arrives after anything sent before it on each stream.
      for (const post of Object.values(posts)) await readers.author.stream.waitFor(1, (e) => e.data.includes(post.id));
      const sentinel = async (who: typeof readers.author, ofTenant: (typeof readers.author)[]) => {
        const created = await who.client.createPost({ body: "sentinel" });
        if (!created.ok) throw new Error(JSON.stringify(created));
        for (const r of ofTenant) await r.stream.waitFor(1, (e) => e.data.includes(created.value.id), 10_000);
        return created.value.id;
      };
      await sentinel(readers.author, [readers.author, readers.follower, readers.stranger, readers.anonymous]);
      await sentinel(readers.otherTenantAuthor, [readers.otherTenantAuthor, readers.otherTenantFollower]);

      const notFound = { ok: false, kind: "error", status: 404, error: { tag: "NotFound" } };
      for (const [name, { client, stream }] of Object.entries(readers) as [Reader, typeof readers.author][]) {
        const visible = (["Public", "Followers", "Private"] as const).filter((v) => expected[name].includes(v));
        for (const visibility of ["Public", "Followers", "Private"] as const) {
          const post = posts[visibility];
          const may = visible.includes(visibility);
          const label = `${name} reading the ${visibility} post`;
          expect(await client.getPost({ id: post.id }), label).toEqual(may ? { ok: true, value: post } : notFound);
          expect(await client.getPostPhoto({ id: post.id }), label).toEqual(
            may ? { ok: true, value: { photo: undefined } } : notFound,
          );
          expect(
            stream.events.some((e) => e.data.includes(post.id)),
            `${label} live`,
          ).toBe(may);
        }
        const timeline = await client.getTimeline({ author: "ana" });
        const feed = await client.getFeed({ author: "ana" });
        if (!timeline.ok || !feed.ok) throw new Error(JSON.stringify([timeline, feed]));
        const mine = (list: Post[]) => list.filter((p) => p.body !== "sentinel").map((p) => p.visibility);
        expect(mine(timeline.value.posts).sort(), `${name} timeline`).toEqual([...visible].sort());
        expect(mine(feed.value.posts).sort(), `${name} feed`).toEqual([...visible].sort());
      }
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});
