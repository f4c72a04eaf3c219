/**
 * Who hears of a post live (examples/horatio/src/visibility.ts `liveAudience`), on SQLite and
 * PostgreSQL: a Followers post reaches the unexpired sessions of its author and their followers in
 * its tenant only, a Private one its author's, a public one the whole tenant, each in one
 * statement. On SQLite the sessions are found through the handle index of migration 0012 (the
 * query plan says so): a comparison whose affinity does not match the indexed expression would
 * silently scan every session.
 */
import { describe, expect, it } from "vitest";
import type { Database } from "@hamlet/runtime-node";
import { repositories } from "../examples/horatio/generated/typescript/repositories.js";
import { postOf } from "../examples/horatio/src/posts.js";
import { liveAudience } from "../examples/horatio/src/visibility.js";
import type { Visibility } from "../examples/horatio/generated/typescript/types.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { countingDatabase } from "./support/counting-database.js";
import { migrateHoratio } from "./support/horatio.js";

const fresh = useFreshDatabases();

async function session(db: Database, tenant: string, id: string, handle: string, expiresAt: number): Promise<void> {
  await db.withTenant(tenant, (tx) =>
    tx.execute("INSERT INTO hamlet_sessions (tenant_id, id, data, expires_at) VALUES ($1, $2, $3, $4)", [
      tenant,
      id,
      JSON.stringify({ handle }),
      expiresAt,
    ]),
  );
}

describe.each(testDialects)("horatio live audience on %s", (dialect) => {
  it("finds the unexpired sessions of the author and their followers in the post's tenant, by index", async () => {
    const db = await fresh.open(dialect);
    try {
      await migrateHoratio(db);
      const now = Date.now();
      const later = now + 600_000;
      await session(db, "alpha", "ana-1", "ana", later);
      await session(db, "alpha", "ana-2", "ana", later);
      await session(db, "alpha", "fay-1", "fay", later);
      await session(db, "alpha", "fay-old", "fay", now - 1);
      await session(db, "alpha", "sam-1", "sam", later);
      await session(db, "beta", "beta-fay", "fay", later);
      await session(db, "beta", "beta-ana", "ana", later);
      await db.withTenant("alpha", (tx) =>
        repositories(tx, "alpha").followRow.insert({ follower: "fay", followee: "ana" }),
      );
      await db.withTenant("beta", (tx) =>
        repositories(tx, "beta").followRow.insert({ follower: "fay", followee: "ana" }),
      );
      const post = async (visibility: Visibility) =>
        postOf(
          await db.withTenant("alpha", (tx) =>
            // A time of its own as the app writes it (the column default, now(), has microseconds on
            // PostgreSQL and could fall after the millisecond `now` of the same instant).
            repositories(tx, "alpha").postRow.insert({
              author: "ana",
              body: visibility,
              visibility,
              created_at: new Date(now),
            }),
          ),
        );
      const audience = async (visibility: Visibility) => {
        const found = await liveAudience(db, "alpha", await post(visibility), Date.now());
        return found === "tenant" ? found : [...found].sort();
      };
      expect(await audience("Public")).toBe("tenant");
      expect(await audience("Followers")).toEqual(["ana-1", "ana-2", "fay-1"]);
      expect(await audience("Private")).toEqual(["ana-1", "ana-2"]);
      // One statement answers, whatever the visibility (a handle already in the tenant, so none is added).
      for (const visibility of ["Public", "Followers", "Private"] as const) {
        const written = await post(visibility);
        const statements = await db.withTenant("alpha", async (tx) => {
          const counted = countingDatabase(tx);
          await liveAudience(counted.db, "alpha", written, Date.now());
          return counted.statements();
        });
        expect(statements, visibility).toBe(1);
      }

      if (dialect === "sqlite") {
        const query = db.query.bind(db);
        let plan: string[] = [];
        const spied: Database = {
          ...db,
          query: async <T extends object>(sql: string, params?: Parameters<Database["query"]>[1]) => {
            if (sql.includes("hamlet_sessions"))
              plan = (await query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((row) => row.detail);
            return query<T>(sql, params);
          },
        };
        await liveAudience(spied, "alpha", await post("Followers"), Date.now());
        expect(plan).toContain("SEARCH s USING INDEX hamlet_sessions_handle_idx (tenant_id=? AND <expr>=?)");
        expect(plan).toContain(
          "SEARCH follows USING COVERING INDEX follows_followee_follower_idx (tenant_id=? AND followee=?)",
        );
      }
    } finally {
      await db.close();
    }
  });
});
