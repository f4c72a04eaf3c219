/**
 * The two PostgreSQL roles: the owner runs the migrations (which create the model tables and the
 * runtime's sessions/KV tables, with RLS), the server connects as an app role that may only read
 * and write rows. The server refuses (production) or warns (development) when its role could
 * bypass row-level security, and refuses to start without the runtime tables. The PostgreSQL bus
 * uses the table the migrations created (`hamlet_bus_messages`), with row privileges only.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../src/db/migrate.js";
import type { HamletConfig } from "../src/config.js";
import type { Database } from "../src/db/database.js";
import { grantAppRole } from "../src/db/app-role.js";
import { openPostgresDatabase } from "../src/db/postgres.js";
import { createPostgresBus } from "../src/realtime/bus.js";
import { DatabaseSetupError } from "../src/runtime-schema.js";
import { createHamletServer, startServer, type HamletServer } from "../src/server.js";
import { cookiePair, send } from "./support/http.js";
import { postgresAvailable, usePostgres, type TestRole } from "./support/postgres.js";

const pg = postgresAvailable ? usePostgres() : null;
const MIGRATIONS = join(import.meta.dirname, "..", "..", "examples", "horatio", "generated", "sql", "postgres");

const base: HamletConfig = {
  database: { url: "unused" },
  production: true,
  sessions: { secrets: ["least-privilege-secret-least-privilege"], ttlSeconds: 60 },
  tenants: { mode: "header" },
  purge: { intervalSeconds: 0 },
};

describe.skipIf(!postgresAvailable)("least privilege on PostgreSQL", () => {
  const open: Database[] = [];
  const apps: HamletServer[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const db of open.splice(0)) await db.close();
  });
  const connect = (url: string): Database => {
    const db = openPostgresDatabase(url);
    open.push(db);
    return db;
  };

  /** A database migrated by an owner role (not a superuser), and an app role with row privileges only. */
  async function setUp(): Promise<{ url: string; admin: Database; owner: TestRole; app: TestRole }> {
    const url = await pg!.createDatabase();
    const admin = connect(url);
    const owner = await pg!.createRole();
    const app = await pg!.createRole();
    await admin.execute(`GRANT CREATE, USAGE ON SCHEMA public TO ${owner.name}`);
    const ownerDb = connect(owner.urlFor(url));
    const migrations = readMigrations(MIGRATIONS);
    const result = await migrate(ownerDb, migrations); // what `hamletc migrate` does
    expect(result.applied).toEqual(migrations.map((m) => m.name));
    expect(result.applied).toContain("0002_hamlet_runtime_tables");
    await grantAppRole(ownerDb, app.name); // the grants of README "Two database roles"
    return { url, admin, owner, app };
  }

  async function serve(db: Database, config: Partial<HamletConfig> = {}): Promise<HamletServer> {
    const app = await createHamletServer({ config: { ...base, ...config }, database: db });
    apps.push(app);
    return app;
  }

  it("the app role serves sessions and KV under RLS, and cannot change the schema", async () => {
    const { url, app: appRole } = await setUp();
    const db = connect(appRole.urlFor(url));
    const app = await serve(db);
    app.post("/login", async (request, reply) => {
      await app.hamlet.sessions.create(request, reply, { who: request.tenant });
      await app.hamlet.kv(request.tenant!).increment("logins");
      return { tag: "Ok" };
    });
    app.get("/me", async (request) => ({ session: request.session?.data ?? null }));
    const { url: server } = await startServer(app, { port: 0 });
    const login = await send(server, "/login", { method: "POST", headers: { "x-tenant": "alpha" } });
    expect(login.status).toBe(200);
    const cookie = cookiePair(login.setCookies, "hamlet_session");
    const me = await send(server, "/me", { headers: { "x-tenant": "alpha", cookie } });
    expect(JSON.parse(me.body)).toEqual({ session: { who: "alpha" } });
    expect(await app.hamlet.kv("alpha").get("logins")).toBe(1);

    // Row privileges only: no DDL, no turning RLS off, no rows without a tenant.
    await expect(db.execute("ALTER TABLE hamlet_kv DISABLE ROW LEVEL SECURITY")).rejects.toThrow(/must be owner/);
    await expect(db.execute("CREATE TABLE sneaky (x int)")).rejects.toThrow(/permission denied/);
    expect(await db.query("SELECT * FROM hamlet_sessions")).toEqual([]);
  });

  it("the app role publishes large payloads on the bus through the migrated hamlet_bus_messages", async () => {
    const { url, app: appRole } = await setUp();
    // Two app-role processes' buses (as in SSE/WebSocket delivery across servers); no DDL needed.
    const dbA = connect(appRole.urlFor(url));
    const dbB = connect(appRole.urlFor(url));
    const a = await createPostgresBus({ connectionString: appRole.urlFor(url), db: dbA });
    const b = await createPostgresBus({ connectionString: appRole.urlFor(url), db: dbB });
    try {
      const big = "z".repeat(20_000); // past the NOTIFY limit: stored in hamlet_bus_messages
      const got = new Promise((resolve) => b.subscribe("large", resolve));
      await a.publish("large", { big });
      expect(await got).toEqual({ big });
      await expect(dbA.execute("CREATE TABLE sneaky (x int)")).rejects.toThrow(/permission denied/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("the app role purges expired rows of every tenant through hamlet_purge_expired", async () => {
    const { url, admin, app: appRole } = await setUp();
    await admin.execute(
      `INSERT INTO hamlet_kv (tenant_id, key, value, expires_at) VALUES
         ('alpha', 'old', '1', 1000), ('beta', 'old', '1', 1000), ('beta', 'live', '1', NULL), ('gamma', 'later', '1', 9e15)`,
    );
    await admin.execute(
      "INSERT INTO hamlet_sessions (tenant_id, id, data, expires_at) VALUES ('alpha', 's1', '{}', 1000), ('beta', 's2', '{}', 9e15)",
    );
    const db = connect(appRole.urlFor(url));
    const app = await serve(db, { purge: { intervalSeconds: 0.2 } });
    const remaining = async () =>
      (
        await admin.query<{ k: string }>(
          "SELECT tenant_id || ':' || key AS k FROM hamlet_kv UNION ALL SELECT tenant_id || ':' || id FROM hamlet_sessions ORDER BY 1",
        )
      ).map((r) => r.k);
    for (let i = 0; i < 50 && (await remaining()).length > 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await remaining()).toEqual(["beta:live", "beta:s2", "gamma:later"]);
    expect(app.hamlet.db).toBe(db);
  });

  it("refuses in production, and warns in development, when the role owns the tables", async () => {
    const { url, owner } = await setUp();
    await expect(serve(connect(owner.urlFor(url)))).rejects.toThrow(
      new RegExp(
        `role "${owner.name}" owns [a-z_, ]*hamlet_kv, [a-z_, ]*hamlet_sessions, .*so it can turn row-level security off`,
      ),
    );
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      await serve(connect(owner.urlFor(url)), { production: false });
    } finally {
      console.warn = original;
    }
    expect(warnings.join("\n")).toMatch(/owns [a-z_, ]*hamlet_kv.*Row-level security does NOT isolate tenants/s);
  });

  it("refuses a superuser and a BYPASSRLS role; privilegeCheck = off starts anyway", async () => {
    const { url, admin, app: appRole } = await setUp();
    await expect(serve(connect(url))).rejects.toThrow(/role "\w+" is a superuser/);
    await admin.execute(`ALTER ROLE ${appRole.name} BYPASSRLS`);
    await expect(serve(connect(appRole.urlFor(url)))).rejects.toThrow(DatabaseSetupError);
    await expect(serve(connect(appRole.urlFor(url)))).rejects.toThrow(/has BYPASSRLS/);
    await expect(serve(connect(url), { database: { url: "unused", privilegeCheck: "off" } })).resolves.toBeDefined();
  });

  it("refuses to start without the runtime tables, naming hamletc migrate", async () => {
    const url = await pg!.createDatabase();
    await expect(serve(connect(url), { database: { url: "unused", privilegeCheck: "off" } })).rejects.toThrow(
      "the database has no hamlet_sessions, hamlet_kv tables: run `hamletc migrate`",
    );
  });
});
