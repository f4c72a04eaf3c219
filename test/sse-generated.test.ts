/**
 * The generated `typescript/sse.ts` at run time: Horatio's `serveSseStreams` on the packaged
 * runtime (`@hamlet/runtime-node`), a real HTTP client. The typed publisher encodes with the
 * generated encoder (a `Timestamp` goes out as RFC 3339 text) and refuses a value that does not
 * match the type before anything is sent.
 */
import { createHamletServer, openDatabase, startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSseStreams, type SseStreams } from "../examples/horatio/generated/typescript/sse.js";
import type { FeedUpdate, Post, Uuid } from "../examples/horatio/generated/typescript/types.js";
import { openSse } from "../runtime-node/test/support/sse-client.js";
import { migrateHoratio } from "./support/horatio.js";

describe("generated sse.ts (Horatio's LiveFeed)", () => {
  let db: Database;
  let app: HamletServer;
  let streams: SseStreams;
  let url: string;

  beforeAll(async () => {
    db = openDatabase(":memory:");
    await migrateHoratio(db); // Horatio's migrations: sessions, event store and the SSE replay tables
    app = await createHamletServer({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["sse-secret-sse-secret-sse-secret-sse"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
    });
    streams = serveSseStreams(app);
    url = (await startServer(app, { port: 0 })).url;
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("serves GET /hamlet/sse/LiveFeed and publishes typed, encoded messages with replayable ids", async () => {
    expect(streams.LiveFeed.path).toBe("/hamlet/sse/LiveFeed");
    const client = await openSse(url, "/hamlet/sse/LiveFeed");
    expect(client.status).toBe(200);
    const post: Post = {
      id: "123e4567-e89b-42d3-a456-426614174000" as Uuid,
      author: "ada",
      body: "hello",
      tags: [],
      likes: 0,
      visibility: "Public",
      created_at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      reactions: {},
    };
    const first = await streams.LiveFeed.toTenant("default", { tag: "Posted", post });
    const second = await streams.LiveFeed.toTenant("default", { tag: "Cleared" });
    expect(second).toBe(first + 1);
    const events = await client.waitFor(2);
    expect(events.map((e) => Number(e.id))).toEqual([first, second]);
    expect(JSON.parse(events[0]!.data)).toMatchObject({
      tag: "Posted",
      post: { created_at: "2026-01-02T03:04:05.000Z" },
    });
    // A value that does not match FeedUpdate (a post with a negative like count) never leaves the server.
    const invalid: FeedUpdate = { tag: "Posted", post: { ...post, likes: -1 } };
    await expect(streams.LiveFeed.toTenant("default", invalid)).rejects.toThrow(/does not match its type/);
    client.close();
    const resumed = await openSse(url, "/hamlet/sse/LiveFeed", { lastEventId: String(first) });
    expect((await resumed.waitFor(1)).map((e) => JSON.parse(e.data))).toEqual([{ tag: "Cleared" }]);
    resumed.close();
  });
});
