#!/usr/bin/env node
// Horatio's timeline (GET /api/timeline, keyset paging on the `posts` table) under load: requests/s
// and p99 for a tenant with 100 posts and one with 12,800, first and deep pages, and the small
// tenant measured alone and while the big one is under load (one tenant's size or traffic must not
// slow another). The server runs in a child process (the compiled example, SQLite file database,
// tenants by Host header); autocannon drives it from this one.
//
//   node bench/feed.mjs [--seconds 5] [--connections 10] [--posts 12800]
//   HAMLET_TEST_PG_URL=postgres://... node bench/feed.mjs --postgres   (same on a fresh PostgreSQL database)
import { spawn } from "node:child_process";
import { get } from "node:http";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { benchDatabase, compileHoratio, example, horatioBuild } from "./support/horatio.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const HOSTS = { "small.test": "small", "big.test": "big" };
const SECRET = "bench-feed-secret-bench-feed-secret-bench";

/** GET with a Host header (fetch does not let one set it). */
function getJson(url, host) {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}

if (args[0] === "--serve") await serve(args[1]);
else await main();

/** The child: the Horatio app on `databaseUrl`, printing its URL. */
async function serve(databaseUrl) {
  const { createApp } = await import(pathToFileURL(join(horatioBuild, "src", "app.js")).href);
  const { startServer } = await import("@hamlet/runtime-node");
  const app = await createApp({
    config: {
      database: { url: databaseUrl },
      sessions: { secrets: [SECRET], ttlSeconds: 600 },
      tenants: { mode: "host", hosts: HOSTS },
    },
    eventStore: false,
  });
  const started = await startServer(app, { port: 0 });
  console.log(`URL ${started.url}`);
}

async function main() {
  const seconds = option("--seconds", 5);
  const connections = option("--connections", 10);
  const bigPosts = option("--posts", 12_800);
  const postgres = args.includes("--postgres");
  compileHoratio();
  const runtime = await import("@hamlet/runtime-node");
  const { repositories } = await import(
    pathToFileURL(join(horatioBuild, "generated", "typescript", "repositories.js")).href
  );
  const database = await benchDatabase(runtime, "feed", postgres);
  const databaseUrl = database.url;
  const db = runtime.openDatabase(databaseUrl);
  await runtime.migrate(db, runtime.readMigrations(join(example, "generated", "sql", db.dialect)));

  /** `count` public posts a second apart for `tenant`, written through the generated repository. */
  async function seed(tenant, count) {
    const start = Date.parse("2026-01-01T00:00:00Z");
    await db.withTenant(tenant, async (tx) => {
      const repo = repositories(tx, tenant).postRow;
      for (let i = 0; i < count; i++)
        await repo.insert({
          author: `user_${i % 50}`,
          body: `post ${i} of ${tenant}`,
          visibility: i % 10 === 9 ? "Private" : "Public",
          created_at: new Date(start + i * 1000),
        });
    });
  }

  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", databaseUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /URL (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });

  const load = (host, path) => autocannon({ url: `${url}${path}`, headers: { host }, connections, duration: seconds });
  const row = (label, result) =>
    console.log(
      `${label.padEnd(58)} ${String(Math.round(result.requests.average)).padStart(7)} req/s   p99 ${String(result.latency.p99).padStart(4)} ms   non-2xx ${result.non2xx}`,
    );
  /** A cursor halfway down the big tenant's timeline (a deep page). */
  async function middleCursor(host, depth) {
    let path = "/api/timeline?limit=100";
    for (let i = 0; i < depth; i++) {
      const page = await getJson(`${url}${path}`, host);
      if (page.next === undefined) throw new Error(`no next page at ${path}: ${JSON.stringify(page).slice(0, 200)}`);
      path = `/api/timeline?limit=100&before=${page.next.before}&before_id=${page.next.before_id}`;
    }
    return path.replace("limit=100", "limit=20");
  }

  try {
    console.log(`Horatio timeline on ${db.dialect}, ${connections} connections, ${seconds} s per run`);
    await seed("small", 100);
    // Warm up (JIT, statement caches) before anything is timed.
    await autocannon({ url: `${url}/api/timeline`, headers: { host: "small.test" }, connections, duration: 2 });
    row("small tenant (100 posts), alone in the database", await load("small.test", "/api/timeline"));
    await seed("big", bigPosts);
    row(`small tenant (100 posts), big tenant has ${bigPosts}`, await load("small.test", "/api/timeline"));
    row(`big tenant (${bigPosts} posts), first page`, await load("big.test", "/api/timeline"));
    const deep = await middleCursor("big.test", Math.floor(bigPosts / 200));
    row(`big tenant (${bigPosts} posts), a page halfway down`, await load("big.test", deep));
    const [small, big] = await Promise.all([load("small.test", "/api/timeline"), load("big.test", "/api/timeline")]);
    row("small tenant while the big one is under the same load", small);
    row("big tenant at the same time", big);
  } finally {
    child.kill("SIGTERM");
    await db.close();
    await database.drop();
  }
}
