/** Expired sessions and KV entries of every tenant are purged in the background, on both dialects. */
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { purgeExpired } from "../src/purge.js";
import { createHamletServer, type HamletServer } from "../src/server.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";

const fresh = useFreshDatabases();

describe.each(testDialects)("purging expired rows on %s", (dialect) => {
  let db: Database;
  let app: HamletServer | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await db.close();
  });

  const seed = async (now: number) => {
    const rows: [string, string, number | null][] = [
      ["alpha", "gone", now - 1],
      ["beta", "gone", now],
      ["gamma", "kept", now + 60_000],
      ["delta", "forever", null],
    ];
    for (const [tenant, key, expiresAt] of rows) {
      await db.withTenant(tenant, (tx) =>
        tx.execute("INSERT INTO hamlet_kv (tenant_id, key, value, expires_at) VALUES ($1, $2, '1', $3)", [
          tenant,
          key,
          expiresAt,
        ]),
      );
      await db.withTenant(tenant, (tx) =>
        tx.execute("INSERT INTO hamlet_sessions (tenant_id, id, data, expires_at) VALUES ($1, $2, '{}', $3)", [
          tenant,
          key,
          expiresAt ?? now + 60_000,
        ]),
      );
    }
  };
  const left = async () => {
    const names: string[] = [];
    for (const tenant of ["alpha", "beta", "gamma", "delta"]) {
      await db.withTenant(tenant, async (tx) => {
        for (const row of await tx.query<{ k: string }>(
          "SELECT 'kv:' || tenant_id || ':' || key AS k FROM hamlet_kv WHERE tenant_id = $1 UNION ALL SELECT 'session:' || tenant_id || ':' || id FROM hamlet_sessions WHERE tenant_id = $1",
          [tenant],
        ))
          names.push(row.k);
      });
    }
    return names.sort();
  };
  const survivors = ["kv:delta:forever", "kv:gamma:kept", "session:delta:forever", "session:gamma:kept"];

  it("purgeExpired deletes what expired at `now` for all tenants", async () => {
    db = await fresh.open(dialect);
    const now = Date.now();
    await seed(now);
    expect(await purgeExpired(db, now)).toBe(4);
    expect(await left()).toEqual(survivors);
    expect(await purgeExpired(db, now)).toBe(0);
  });

  it("the server purges in the background every purge.intervalSeconds", async () => {
    db = await fresh.open(dialect);
    await seed(Date.now());
    app = await createHamletServer({
      config: {
        database: { url: "unused" },
        sessions: { secrets: ["purge-secret-purge-secret-purge-secret"] },
        tenants: { mode: "single" },
        purge: { intervalSeconds: 0.2 },
      },
      database: db,
    });
    for (let i = 0; i < 50 && (await left()).length > survivors.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await left()).toEqual(survivors);
  });
});
