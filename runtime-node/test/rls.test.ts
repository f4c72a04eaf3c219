import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { openPostgresDatabase } from "../src/db/postgres.js";
import { kvFor } from "../src/kv/kv-store.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { sessionStoreFor } from "../src/session/session-store.js";
import { postgresAvailable, usePostgres, type PostgresFixture } from "./support/postgres.js";

const pg: PostgresFixture | null = postgresAvailable ? usePostgres() : null;

describe.skipIf(!postgresAvailable)("PostgreSQL row level security", () => {
  let admin: Database;
  let app: Database;

  beforeEach(async () => {
    const url = await pg!.createDatabase();
    admin = openPostgresDatabase(url);
    await ensureRuntimeTables(admin);
    const role = await pg!.createRole();
    await admin.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON hamlet_kv, hamlet_sessions TO ${role.name}`);
    // One connection, so the "after a tenant transaction" test reuses it.
    app = openPostgresDatabase(role.urlFor(url), { maxConnections: 1 });
    // Superuser bypasses RLS: seed both tenants directly.
    await admin.execute(
      "INSERT INTO hamlet_kv (tenant_id, key, value) VALUES ('alpha', 'k', '\"a\"'), ('beta', 'k', '\"b\"')",
    );
  });
  afterEach(async () => {
    await app.close();
    await admin.close();
  });

  it("connects as a role that is neither superuser nor BYPASSRLS", async () => {
    const [me] = await app.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    );
    expect(me).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it("fails closed without a tenant: no rows visible, inserts rejected", async () => {
    expect(await app.query("SELECT * FROM hamlet_kv")).toEqual([]);
    expect(await app.query("SELECT * FROM hamlet_sessions")).toEqual([]);
    await expect(
      app.execute("INSERT INTO hamlet_kv (tenant_id, key, value) VALUES ('alpha', 'x', '1')"),
    ).rejects.toThrow(/row-level security/);
    expect((await app.execute("DELETE FROM hamlet_kv")).rowCount).toBe(0);
    expect(await admin.query("SELECT count(*)::int AS n FROM hamlet_kv")).toEqual([{ n: 2 }]);
  });

  it("stays closed on a pooled connection after a tenant transaction ended", async () => {
    await app.withTenant("alpha", async (tx) => {
      expect(await tx.query("SELECT key FROM hamlet_kv")).toEqual([{ key: "k" }]);
    });
    expect(await app.query("SELECT * FROM hamlet_kv")).toEqual([]);
  });

  it("within withTenant sees only that tenant and cannot write rows for another", async () => {
    const rows = await app.withTenant("alpha", (tx) => tx.query("SELECT tenant_id, value FROM hamlet_kv"));
    expect(rows).toEqual([{ tenant_id: "alpha", value: '"a"' }]);
    await expect(
      app.withTenant("alpha", (tx) =>
        tx.execute("INSERT INTO hamlet_kv (tenant_id, key, value) VALUES ('beta', 'evil', '1')"),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      app.withTenant("alpha", (tx) => tx.execute("UPDATE hamlet_kv SET tenant_id = 'beta' WHERE key = 'k'")),
    ).rejects.toThrow(/row-level security/);
    const updated = await app.withTenant("alpha", (tx) => tx.execute("UPDATE hamlet_kv SET value = '1'"));
    expect(updated.rowCount).toBe(1);
    expect(await admin.query("SELECT value FROM hamlet_kv WHERE tenant_id = 'beta'")).toEqual([{ value: '"b"' }]);
  });

  it("the scoped stores work through RLS as the application role", async () => {
    const kv = kvFor(app, "alpha");
    expect(await kv.get("k")).toBe("a");
    await kv.set("new", { n: 1 });
    expect((await kv.list()).map((e) => e.key)).toEqual(["k", "new"]);
    expect(await kvFor(app, "beta").get("new")).toBeUndefined();
    const store = sessionStoreFor(app, "beta");
    const id = "s".repeat(43);
    await store.insert(id, { user: "bo" }, Date.now() + 60_000);
    expect(await sessionStoreFor(app, "alpha").get(id, Date.now())).toBeNull();
    expect((await store.get(id, Date.now()))?.data).toEqual({ user: "bo" });
  });

  it("ensureRuntimeTables enables and forces RLS with the tenant policy", async () => {
    const tables = await admin.query<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname IN ('hamlet_kv', 'hamlet_sessions') ORDER BY relname",
    );
    expect(tables).toEqual([
      { relname: "hamlet_kv", relrowsecurity: true, relforcerowsecurity: true },
      {
        relname: "hamlet_sessions",
        relrowsecurity: true,
        relforcerowsecurity: true,
      },
    ]);
    await ensureRuntimeTables(admin);
    const policies = await admin.query(
      "SELECT tablename FROM pg_policies WHERE policyname = 'hamlet_tenant_isolation'",
    );
    expect(policies).toHaveLength(2);
  });
});
