/** `[hamlet.server]` of hamlet.toml is what the server runs with, environment overrides on top. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectConfig, ProjectConfigError } from "../src/project-config.js";
import { createHamletServer, startServer } from "../src/server.js";
import { openSqliteDatabase } from "../src/db/sqlite.js";
import { send } from "./support/http.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

const root = mkdtempSync(join(tmpdir(), "hamlet-project-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A database file with the runtime tables, as `hamletc migrate` leaves it. */
async function migrated(path: string): Promise<void> {
  const db = openSqliteDatabase(path);
  await ensureRuntimeTables(db);
  await db.close();
}

function project(name: string, server: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "src", "deep"), { recursive: true });
  writeFileSync(join(dir, "hamlet.toml"), `[hamlet]\nschema = ["schema/*.hamlet"]\n\n[hamlet.server]\n${server}\n`);
  return dir;
}

describe("loadProjectConfig", () => {
  it("reads [hamlet.server] from the nearest hamlet.toml, relative sqlite paths from its folder", () => {
    const dir = project(
      "read",
      'port = 9123\nhost = "0.0.0.0"\ndatabase_url = "sqlite:data/app.db"\nsession_secret_env = "MY_SECRET"\ntenant = "header"\ntrust_proxy = true',
    );
    const config = loadProjectConfig({ dir: join(dir, "src", "deep"), env: { MY_SECRET: "s".repeat(40) } });
    expect(config).toEqual({
      database: { url: `sqlite:${join(dir, "data", "app.db")}` },
      sessions: { secrets: ["s".repeat(40)], secretEnv: "MY_SECRET" },
      tenants: { mode: "header" },
      server: { port: 9123, host: "0.0.0.0", trustProxy: true },
      uploads: { storage: "local", dir: join(dir, ".hamlet", "uploads") },
    });
  });

  it("reads [hamlet.uploads]: a local folder relative to hamlet.toml, or an S3 bucket", () => {
    const local = project("uploads-local", 'port = 1\n\n[hamlet.uploads]\ndir = "files"');
    expect(loadProjectConfig({ dir: local, env: {} }).uploads).toEqual({ storage: "local", dir: join(local, "files") });
    const s3 = project(
      "uploads-s3",
      'port = 1\n\n[hamlet.uploads]\nstorage = "s3"\ns3_bucket = "photos"\ns3_endpoint = "http://127.0.0.1:9000"\ns3_force_path_style = true',
    );
    expect(loadProjectConfig({ dir: s3, env: {} }).uploads).toEqual({
      storage: "s3",
      bucket: "photos",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    });
    const missing = project("uploads-bad", 'port = 1\n\n[hamlet.uploads]\nstorage = "s3"');
    expect(() => loadProjectConfig({ dir: missing, env: {} })).toThrow(
      '[hamlet.uploads] storage = "s3" needs s3_bucket',
    );
  });

  it("reads [hamlet.events] retention into config.events for registerEvents; off keeps everything", () => {
    const week = project("events-week", 'port = 1\n\n[hamlet.events]\nretention = "7d"');
    expect(loadProjectConfig({ dir: week, env: {} }).events).toEqual({ retention: { keepMs: 7 * 86_400_000 } });
    const off = project("events-off", 'port = 1\n\n[hamlet.events]\nretention = "off"');
    expect(loadProjectConfig({ dir: off, env: {} }).events).toEqual({ retention: false });
    const none = project("events-none", "port = 1");
    expect(loadProjectConfig({ dir: none, env: {} }).events).toBeUndefined();
    const bad = project("events-bad", 'port = 1\n\n[hamlet.events]\nretention = "a week"');
    expect(() => loadProjectConfig({ dir: bad, env: {} })).toThrow(
      '[hamlet.events] retention must be a duration such as "7d", "12h", "30m" or "90s", or "off", got "a week"',
    );
  });

  it("lets PORT, HOST, DATABASE_URL and HAMLET_TRUST_PROXY override the file; empty values do not", () => {
    const dir = project("env", 'port = 9123\ndatabase_url = "sqlite:a.db"');
    const config = loadProjectConfig({
      dir,
      env: {
        PORT: "0",
        HOST: "::1",
        DATABASE_URL: "postgres://app@db/app",
        HAMLET_TRUST_PROXY: "10.0.0.0/8",
        HAMLET_SESSION_SECRET: "",
      },
    });
    expect(config.server).toEqual({ port: 0, host: "::1", trustProxy: "10.0.0.0/8" });
    expect(config.database.url).toBe("postgres://app@db/app");
    expect(config.sessions).toEqual({ secretEnv: "HAMLET_SESSION_SECRET" }); // empty = missing
    expect(loadProjectConfig({ dir, env: { DATABASE_URL: "" } }).database.url).toBe(`sqlite:${join(dir, "a.db")}`);
  });

  it("defaults without hamlet.toml, and says what is wrong with bad values", () => {
    const bare = mkdtempSync(join(root, "bare-"));
    expect(loadProjectConfig({ dir: bare, env: {} }).server).toEqual({
      port: 8080,
      host: "127.0.0.1",
      trustProxy: false,
    });
    expect(() => loadProjectConfig({ dir: bare, env: { PORT: "http" } })).toThrow(
      'PORT must be a port number, got "http"',
    );
    const host = project("host", 'tenant = "host"');
    expect(() => loadProjectConfig({ dir: host, env: {} })).toThrow(ProjectConfigError);
    expect(loadProjectConfig({ dir: host, env: {}, hosts: { "a.test": "a" } }).tenants).toEqual({
      mode: "host",
      hosts: { "a.test": "a" },
    });
  });
});

describe("createHamletServer without a config", () => {
  it("runs with hamlet.toml's database, port and trust_proxy: cookies are Secure behind a TLS proxy", async () => {
    const dir = project(
      "served",
      'port = 0\ndatabase_url = "sqlite:server.db"\nsession_secret_env = "PROJECT_TEST_SECRET"\ntrust_proxy = true',
    );
    process.env["PROJECT_TEST_SECRET"] = "project-secret-project-secret-project";
    await migrated(join(dir, "server.db"));
    const app = await createHamletServer({ projectDir: dir });
    try {
      expect(app.hamlet.config.database.url).toBe(`sqlite:${join(dir, "server.db")}`);
      app.post("/login", async (request, reply) => {
        await app.hamlet.sessions.create(request, reply, { user: "u" });
        return { tag: "Ok" };
      });
      const { url, port } = await startServer(app);
      expect(port).not.toBe(8080);
      const proxied = await send(url, "/login", { method: "POST", headers: { "x-forwarded-proto": "https" } });
      expect(proxied.setCookies[0]).toMatch(/; Secure/);
      const direct = await send(url, "/login", { method: "POST" });
      expect(direct.setCookies[0]).not.toMatch(/Secure/);
    } finally {
      delete process.env["PROJECT_TEST_SECRET"];
      await app.close();
    }
  });

  it("without trust_proxy, X-Forwarded-Proto is ignored", async () => {
    const dir = project("untrusted", 'port = 0\ndatabase_url = "sqlite:server.db"');
    await migrated(join(dir, "server.db"));
    const app = await createHamletServer({
      projectDir: dir,
      config: { ...loadProjectConfig({ dir, env: {} }), production: false },
    });
    try {
      app.post("/login", async (request, reply) => {
        await app.hamlet.sessions.create(request, reply, {});
        return { tag: "Ok" };
      });
      const { url } = await startServer(app);
      const res = await send(url, "/login", { method: "POST", headers: { "x-forwarded-proto": "https" } });
      expect(res.setCookies[0]).not.toMatch(/Secure/);
    } finally {
      await app.close();
    }
  });
});
