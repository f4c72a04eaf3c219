#!/usr/bin/env node
// Horatio's generated repositories: reading the photos of a timeline page (--keys post ids, half of
// them photo posts) with one `get` per key against one `getMany`, and following with "get, then
// insert" against one `insertIfAbsent` (a new follow, then an existing one). Prints the mean time
// of each and the statements each ran.
//
//   node bench/repository-batch.mjs [--keys 100] [--rounds 200]
//   HAMLET_TEST_PG_URL=postgres://... node bench/repository-batch.mjs --postgres   (on a fresh PostgreSQL database)
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { benchDatabase, compileHoratio, example, horatioBuild } from "./support/horatio.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const keyCount = option("--keys", 100);
const rounds = option("--rounds", 200);
const TENANT = "bench";

compileHoratio();
const runtime = await import("@hamlet/runtime-node");
const { repositories } = await import(
  pathToFileURL(join(horatioBuild, "generated", "typescript", "repositories.js")).href
);
const database = await benchDatabase(runtime, "repository-batch", args.includes("--postgres"));
const db = runtime.openDatabase(database.url);
try {
  await runtime.migrate(db, runtime.readMigrations(join(example, "generated", "sql", db.dialect)));
  const keys = await db.withTenant(TENANT, async (tx) => {
    const photos = repositories(tx, TENANT).photoRow;
    const ids = [];
    for (let i = 0; i < keyCount; i++) {
      const id = randomUUID();
      if (i % 2 === 0) await photos.insert({ id, author: "ana", caption: `photo ${i}` });
      ids.push({ id });
    }
    return ids;
  });
  if (db.dialect === "postgres") await db.execute("ANALYZE");

  /** Runs `fn` in the tenant's transaction on a handle that counts statements; the mean ms and the count of one run. */
  const time = async (label, fn) => {
    let statements = 0;
    const once = () =>
      db.withTenant(TENANT, (tx) => {
        const counted = {
          dialect: tx.dialect,
          tenantId: tx.tenantId,
          query: (sql, params) => {
            statements++;
            return tx.query(sql, params);
          },
          withTenant: (tenant, fn2) => tx.withTenant(tenant, fn2),
        };
        return fn(repositories(counted, TENANT));
      });
    await once();
    statements = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await once();
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
    console.log(`${label.padEnd(58)} ${ms.toFixed(3).padStart(8)} ms   ${statements / rounds} statements`);
  };

  console.log(`${db.dialect}: ${keyCount} keys, ${keyCount / 2} with a photo, ${rounds} rounds`);
  await time(`photos of ${keyCount} posts: one get per key`, async (repos) => {
    const found = [];
    for (const key of keys) {
      const row = await repos.photoRow.get(key);
      if (row !== undefined) found.push(row);
    }
    return found;
  });
  await time(`photos of ${keyCount} posts: getMany`, (repos) => repos.photoRow.getMany(keys));

  let n = 0;
  await time("a new follow: get, then insert", async (repos) => {
    const follow = { follower: `f${n++}`, followee: "ana" };
    if ((await repos.followRow.get(follow)) === undefined) await repos.followRow.insert(follow);
  });
  await time("a new follow: insertIfAbsent", (repos) =>
    repos.followRow.insertIfAbsent({ follower: `f${n++}`, followee: "ana" }),
  );
  await time("an existing follow: get, then insert", async (repos) => {
    const follow = { follower: "f0", followee: "ana" };
    if ((await repos.followRow.get(follow)) === undefined) await repos.followRow.insert(follow);
  });
  await time("an existing follow: insertIfAbsent", (repos) =>
    repos.followRow.insertIfAbsent({ follower: "f0", followee: "ana" }),
  );
} finally {
  await db.close();
  await database.drop();
}
