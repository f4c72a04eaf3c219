#!/usr/bin/env node
// Horatio's live feed: the cost of finding who hears of a Followers post (src/visibility.ts
// liveAudience: the author and their followers as candidates, their sessions by the handle index
// of migration 0012) against the read it replaced (every unexpired session of the tenant, its JSON
// parsed and filtered in JavaScript), for a tenant with --sessions signed-in sessions of which
// --followers follow the author. Prints the mean time per post of each and the query plan.
//
//   node bench/live-audience.mjs [--sessions 1000] [--followers 10] [--rounds 200]
//   HAMLET_TEST_PG_URL=postgres://... node bench/live-audience.mjs --postgres   (on a fresh PostgreSQL database)
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { benchDatabase, compileHoratio, example, horatioBuild } from "./support/horatio.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const sessions = option("--sessions", 1000);
const followers = option("--followers", 10);
const rounds = option("--rounds", 200);
const TENANT = "bench";

compileHoratio();
const runtime = await import("@hamlet/runtime-node");
const { liveAudience } = await import(pathToFileURL(join(horatioBuild, "src", "visibility.js")).href);
const { repositories } = await import(
  pathToFileURL(join(horatioBuild, "generated", "typescript", "repositories.js")).href
);
const database = await benchDatabase(runtime, "live-audience", args.includes("--postgres"));
const db = runtime.openDatabase(database.url);
try {
  await runtime.migrate(db, runtime.readMigrations(join(example, "generated", "sql", db.dialect)));
  const expires = Date.now() + 3_600_000;
  const post = await db.withTenant(TENANT, async (tx) => {
    for (let i = 0; i < sessions; i++)
      await tx.execute("INSERT INTO hamlet_sessions (tenant_id, id, data, expires_at) VALUES ($1, $2, $3, $4)", [
        TENANT,
        `session-${i}`,
        JSON.stringify({ handle: `user_${i}` }),
        expires,
      ]);
    const repos = repositories(tx, TENANT);
    for (let i = 1; i <= followers; i++) await repos.followRow.insert({ follower: `user_${i}`, followee: "user_0" });
    return repos.postRow.insert({ author: "user_0", body: "for my followers", visibility: "Followers" });
  });
  if (db.dialect === "postgres") await db.execute("ANALYZE");

  /** The read liveAudience replaced: every unexpired session of the tenant, filtered here. */
  const beforeAudience = async () => {
    const audience = new Set(["user_0"]);
    const rows = await repositories(db, TENANT).followRow.list({ where: { followee: "user_0" }, limit: 10_000 });
    for (const row of rows) audience.add(row.follower);
    const all = await db.withTenant(TENANT, (tx) =>
      tx.query("SELECT id, data FROM hamlet_sessions WHERE tenant_id = $1 AND expires_at > $2", [TENANT, Date.now()]),
    );
    return all.filter((row) => audience.has(JSON.parse(row.data).handle)).map((row) => row.id);
  };
  const afterAudience = () => liveAudience(db, TENANT, post, Date.now());

  const time = async (label, fn) => {
    const found = await fn();
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
    console.log(`${label.padEnd(62)} ${ms.toFixed(3).padStart(8)} ms/post   ${found.length} sessions`);
    return found;
  };
  console.log(`${db.dialect}: ${sessions} sessions in the tenant, ${followers} follow the author`);
  const before = await time("before: every session of the tenant, filtered in JS", beforeAudience);
  const after = await time("after: liveAudience (candidates, handle index, readableBy)", afterAudience);
  if ([...before].sort().join() !== [...after].sort().join()) throw new Error("the two audiences differ");
  if (db.dialect === "sqlite") {
    // The plan of liveAudience's own sessions query (on SQLite it runs on `db` itself).
    const query = db.query.bind(db);
    let plan = [];
    db.query = async (sql, params) => {
      if (sql.includes("hamlet_sessions")) plan = await query(`EXPLAIN QUERY PLAN ${sql}`, params);
      return query(sql, params);
    };
    await afterAudience();
    db.query = query;
    console.log(`plan of liveAudience's query:\n  ${plan.map((row) => row.detail).join("\n  ")}`);
  } else {
    const explain = "EXPLAIN SELECT id FROM hamlet_sessions WHERE tenant_id = $1 AND ((data::jsonb) ->> 'handle') = $2";
    const plan = await db.withTenant(TENANT, (tx) => tx.query(explain, [TENANT, "user_1"]));
    console.log(`plan of one handle's sessions:\n  ${plan.map((row) => row["QUERY PLAN"]).join("\n  ")}`);
  }
} finally {
  await db.close();
  await database.drop();
}
