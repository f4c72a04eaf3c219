/**
 * Server-sent events on PostgreSQL: across two server processes, a message published on one
 * process reaches streams held by the other; concurrent publishers on both still give every
 * client each message once, in id order; a process killed with SIGKILL and restarted serves the
 * missed messages from Last-Event-ID. Without the replay tables live delivery still crosses
 * processes; as an app role (no superuser, FORCEd RLS) each tenant sees only its replay rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresDatabase } from "../src/db/postgres.js";
import { createPostgresBus } from "../src/realtime/bus.js";
import { startServer } from "../src/server.js";
import { createFeedServer, ensureReplayTables, feedConfig } from "./processes/feed-server.js";
import { send } from "./support/http.js";
import { postgresAvailable, usePostgres } from "./support/postgres.js";
import { bundleServer, login, spawnServer } from "./support/realtime-servers.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { openSse, type SseEvent } from "./support/sse-client.js";

const pgFixture = postgresAvailable ? usePostgres() : null;
const FEED = "/hamlet/sse/LiveFeed";
const likes = (event: SseEvent) => (JSON.parse(event.data) as { likes: number }).likes;

async function publish(baseUrl: string, as: { cookie: string; host: string }, to: "me" | "tenant", n: number) {
  const response = await send(baseUrl, "/publish", {
    method: "POST",
    host: as.host,
    headers: { "content-type": "application/json", cookie: as.cookie },
    body: JSON.stringify({ to, update: { tag: "Liked", id: "00000000-0000-4000-8000-000000000001", likes: n } }),
  });
  expect(response.status, response.body).toBe(200);
}

describe.skipIf(!postgresAvailable)("sse on PostgreSQL: two server processes, an app role under RLS", () => {
  let server: Awaited<ReturnType<typeof bundleServer>>;
  beforeAll(async () => (server = await bundleServer("feed-server-main.ts")));
  afterAll(() => server?.remove());

  it("delivers across processes in id order, and a killed process's clients resume without gaps", async () => {
    const url = await pgFixture!.createDatabase();
    const { bundle, dir } = server;
    const db = openPostgresDatabase(url);
    await ensureRuntimeTables(db);
    await ensureReplayTables(db);
    let other = spawnServer(bundle, url, dir);
    const app = await createFeedServer(feedConfig(url), db);
    try {
      let there = await other.listening;
      const here = (await startServer(app, { port: 0 })).url;
      const alice = await login(here, "alice");
      const bob = await login(there, "bob");
      const eve = await login(there, "eve", "beta.test");
      const aliceThere = await openSse(there, FEED, alice);
      const aliceHere = await openSse(here, FEED, alice);
      const bobThere = await openSse(there, FEED, bob);
      const eveThere = await openSse(there, FEED, eve);

      await publish(here, alice, "me", 1); // published here, alice is also connected there
      await publish(there, bob, "tenant", 2);
      // Concurrent publishers on both processes.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => publish(i % 2 === 0 ? here : there, alice, "tenant", 100 + i)),
      );
      for (const client of [aliceHere, aliceThere]) {
        const events = await client.waitFor(22);
        const ids = events.map((e) => Number(e.id));
        expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
        expect(events.slice(0, 2).map(likes)).toEqual([1, 2]);
        expect(new Set(events.slice(2).map(likes))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => 100 + i)));
      }
      expect((await bobThere.waitFor(21)).map(likes)).not.toContain(1);
      await publish(there, eve, "tenant", 7);
      expect((await eveThere.waitFor(1)).map(likes)).toEqual([7]);

      // Kill the other process; publish while it is down; a restarted process replays the gap.
      const lastSeen = aliceThere.events.at(-1)!.id!;
      other.child.kill("SIGKILL");
      await aliceThere.ended;
      await publish(here, alice, "me", 30);
      await publish(here, alice, "tenant", 31);
      other = spawnServer(bundle, url, dir);
      there = await other.listening;
      const resumed = await openSse(there, FEED, { ...alice, lastEventId: lastSeen });
      await publish(here, alice, "me", 32);
      expect((await resumed.waitFor(3)).map(likes)).toEqual([30, 31, 32]);
      expect(Number(resumed.events[0]!.id)).toBe(Number(lastSeen) + 1);
      expect(eveThere.events.map(likes)).toEqual([7]);
      for (const client of [aliceHere, bobThere, eveThere, resumed]) client.close();
    } finally {
      other.child.kill("SIGKILL");
      await app.close();
      await db.close();
    }
  });

  it("without the replay tables still delivers live messages of both processes (best effort)", async () => {
    const url = await pgFixture!.createDatabase();
    const { bundle, dir } = server;
    const db = openPostgresDatabase(url);
    await ensureRuntimeTables(db);
    const other = spawnServer(bundle, url, dir);
    const app = await createFeedServer(feedConfig(url), db);
    try {
      const there = await other.listening;
      const here = (await startServer(app, { port: 0 })).url;
      const alice = await login(here, "alice");
      const streams = [await openSse(here, FEED, alice), await openSse(there, FEED, alice)];
      // Ids come from each process's clock, so the two processes' ids interleave: none may be dropped.
      for (let i = 0; i < 10; i++) await publish(i % 2 === 0 ? here : there, alice, "me", i);
      for (const stream of streams) {
        expect(new Set((await stream.waitFor(10)).map(likes))).toEqual(
          new Set(Array.from({ length: 10 }, (_, i) => i)),
        );
        stream.close();
      }
    } finally {
      other.child.kill("SIGKILL");
      await app.close();
      await db.close();
    }
  });

  it("serves and replays as an app role under FORCEd row level security, each tenant seeing only its rows", async () => {
    const url = await pgFixture!.createDatabase();
    const admin = openPostgresDatabase(url);
    await ensureRuntimeTables(admin);
    await ensureReplayTables(admin);
    // The bus's table, created by a privileged role as the owner would (the app role may not create tables).
    await (await createPostgresBus({ connectionString: url, db: admin })).close();
    const role = await pgFixture!.createRole();
    await admin.execute(`GRANT USAGE ON SCHEMA public TO ${role.name}`);
    await admin.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role.name}`);
    const db = openPostgresDatabase(role.urlFor(url));
    const app = await createFeedServer(feedConfig(url), db);
    try {
      const here = (await startServer(app, { port: 0 })).url;
      const alice = await login(here, "alice");
      const eve = await login(here, "eve", "beta.test");
      const first = await openSse(here, FEED, alice);
      await publish(here, alice, "me", 1);
      const [seen] = await first.waitFor(1);
      first.close();
      await publish(here, alice, "me", 2);
      await publish(here, eve, "tenant", 3);
      const resumed = await openSse(here, FEED, { ...alice, lastEventId: seen!.id! });
      expect((await resumed.waitFor(1)).map(likes)).toEqual([2]);
      resumed.close();
      // Both tenants' ids start at 1; each tenant sees its own rows only, none without a tenant.
      const rows = (tenant: string) =>
        db.withTenant(tenant, (tx) => tx.query<{ id: string }>("select id from hamlet_sse_messages order by id"));
      expect((await rows("alpha")).map((r) => Number(r.id))).toEqual([1, 2]);
      expect((await rows("beta")).map((r) => Number(r.id))).toEqual([1]);
      expect(await db.query("select id from hamlet_sse_messages")).toEqual([]);
    } finally {
      await app.close();
      await db.close();
      await admin.close();
    }
  });
});
