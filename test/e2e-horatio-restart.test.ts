/**
 * Horatio as a real server process (src/main.ts through vite-node, configured by environment)
 * killed with SIGKILL while a scheduled post waits for its publish time: after a restart on the
 * same database the delayed event is still there and the post is moderated and published, once.
 * On SQLite and PostgreSQL (the event store), against a local fake moderation service.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@hamlet/runtime-node";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { killHoratio as kill, migrateHoratio, startHoratioProcess } from "./support/horatio.js";
import { tempDir } from "./sql-helpers.js";
import { CookieJar, rawRequest } from "./support/ts-http.js";

const scratch = tempDir("hamlet-horatio-restart-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const pg = postgresAvailable ? usePostgres() : null;

const targets: { name: string; url: () => Promise<string> }[] = [
  { name: "sqlite", url: async () => `sqlite:${join(scratch, "horatio.db")}` },
  ...(pg ? [{ name: "postgres", url: () => pg.createDatabase() }] : []),
];

describe.each(targets)("horatio killed with SIGKILL on $name", ({ url: makeUrl }) => {
  it("publishes a scheduled post after a restart, once", { timeout: 180_000 }, async () => {
    const calls: string[] = [];
    const moderation: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        calls.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(200, { "content-type": "application/json" }).end('{"allowed":true}');
      });
    });
    await new Promise<void>((resolve) => moderation.listen(0, "127.0.0.1", resolve));
    const databaseUrl = await makeUrl();
    const db = openDatabase(databaseUrl);
    await migrateHoratio(db);
    await db.close();
    const env = {
      DATABASE_URL: databaseUrl,
      HORATIO_MODERATION_URL: `http://127.0.0.1:${(moderation.address() as AddressInfo).port}/v1/check`,
    };
    let server = await startHoratioProcess(env);
    try {
      const jar = new CookieJar();
      const login = await rawRequest(`${server.url}/dev/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"handle":"alice"}',
        jar,
      });
      expect(login.status).toBe(200);
      const due = Date.now() + 4000;
      const text = "survives a crash";
      const created = await rawRequest(`${server.url}/api/submissions`, {
        method: "POST",
        jar,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ body: text, publish_at: new Date(due).toISOString() }),
      });
      expect(created.status).toBe(200);
      const id = (JSON.parse(created.body) as { post: { id: string } }).post.id;
      await kill(server.child);
      expect(calls).toEqual([]);

      server = await startHoratioProcess(env);
      const deadline = Date.now() + 60_000;
      // Read anonymously: NotFound until published.
      let status: string | undefined;
      while (status !== "Published" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const res = await rawRequest(`${server.url}/api/submissions/${id}`);
        status = (JSON.parse(res.body) as { status?: string }).status;
      }
      expect(status, server.output()).toBe("Published");
      expect(Date.now()).toBeGreaterThanOrEqual(due);
      const feed = await rawRequest(`${server.url}/api/feed`);
      expect((JSON.parse(feed.body) as { posts: { body: string }[] }).posts.map((p) => p.body)).toContain(text);
      expect(calls).toEqual([text]);
    } finally {
      await kill(server.child);
      await new Promise((resolve) => moderation.close(resolve));
    }
  });
});
