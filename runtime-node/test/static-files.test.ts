/** serveStaticFiles over real HTTP: files, index, single-page fallback, and every escape refused. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHamletServer, startServer, type HamletServer } from "../src/server.js";
import { serveStaticFiles } from "../src/http/static-files.js";
import { openDatabase } from "../src/db/open.js";
import type { Database } from "../src/db/database.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

let dir: string;
let app: HamletServer;
let port: number;

/** A raw request, so that paths like `/../x` reach the server unnormalized (fetch would fold them). */
function get(path: string, accept = "*/*"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers: { accept } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hamlet-static-"));
  const site = join(dir, "public");
  mkdirSync(join(site, "assets"), { recursive: true });
  writeFileSync(join(site, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(site, "assets", "main.js"), "console.log(1)");
  writeFileSync(join(site, ".env"), "SECRET=1");
  writeFileSync(join(dir, "outside.txt"), "outside");
  symlinkSync(join(dir, "outside.txt"), join(site, "link.txt"));
  database = openDatabase(":memory:");
  await ensureRuntimeTables(database); // what `hamletc migrate` creates
  app = await createHamletServer({
    database,
    config: {
      database: { url: ":memory:" },
      sessions: { secrets: ["static-secret-static-secret-static-secret"] },
      tenants: { mode: "single", tenant: "t" },
    },
  });
  app.get("/api/ping", async () => ({ tag: "Pong" }));
  serveStaticFiles(app, { root: site });
  port = (await startServer(app, { port: 0 })).port;
});

afterAll(async () => {
  await app.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("serveStaticFiles", () => {
  it("serves the index, files with their content type, and leaves API routes alone", async () => {
    expect(await get("/")).toEqual({
      status: 200,
      type: "text/html; charset=utf-8",
      body: "<!doctype html><title>app</title>",
    });
    expect(await get("/assets/main.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
    expect(await get("/api/ping")).toMatchObject({ status: 200, body: '{"tag":"Pong"}' });
  });

  it("answers the index for an app route that accepts HTML, and JSON 404 otherwise", async () => {
    expect(await get("/notes/42", "text/html")).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
    expect(await get("/api/nothing")).toMatchObject({ status: 404, body: '{"tag":"NotFound"}' });
    expect(await get("/missing.js", "text/html")).toMatchObject({ status: 404 });
  });

  it("refuses traversal, encoded separators, dot files and symlinks out of the folder", async () => {
    for (const path of [
      "/../outside.txt",
      "/%2e%2e/outside.txt",
      "/assets/%2e%2e/%2e%2e/outside.txt",
      "/..%2foutside.txt",
      "/..%5coutside.txt",
      "/%2fetc%2fpasswd",
      "/.env",
      "/link.txt",
      "/index.html%00.js",
      "/%E0%A4%A",
    ]) {
      const answer = await get(path);
      expect([400, 404], path).toContain(answer.status); // Fastify itself answers 400 to malformed escapes
      expect(answer.body, path).not.toContain("outside");
      expect(answer.body, path).not.toContain("SECRET");
    }
  });
});
