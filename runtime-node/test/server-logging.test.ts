/**
 * What a developer sees: readable log lines for requests and crashes (`readableLogger`), and a
 * clear message when the port is taken. Real servers on real ports, real HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { HamletConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { readableLogger } from "../src/log.js";
import { createHamletServer, startServer, type HamletServer } from "../src/server.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

const config: HamletConfig = {
  database: { url: ":memory:" },
  sessions: { secrets: ["test-secret-test-secret-test-secret"], ttlSeconds: 600 },
  tenants: { mode: "single", tenant: "main" },
};

const servers: HamletServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options: Partial<Parameters<typeof createHamletServer>[0]> = {}): Promise<HamletServer> {
  const database = openDatabase(":memory:");
  await ensureRuntimeTables(database); // what `hamletc migrate` creates
  const app = await createHamletServer({ config, database, ...options });
  servers.push(app);
  return app;
}

describe("readableLogger", () => {
  it("prints one line per finished request and the stack of a crash, not JSON", async () => {
    const lines: string[] = [];
    const app = await server({ logger: readableLogger({ write: (t: string) => lines.push(t) }) });
    app.get("/hello", async () => ({ ok: true }));
    app.get("/boom", async () => {
      throw new Error("the handler broke");
    });
    const { url } = await startServer(app, { port: 0 });
    expect((await fetch(`${url}/hello?x=1`)).status).toBe(200);
    expect((await fetch(`${url}/boom`)).status).toBe(500);
    const text = lines.join("");
    expect(text).toMatch(/^\d\d:\d\d:\d\d GET \/hello\?x=1 → 200 \(\d+ ms\)$/m);
    expect(text).toMatch(/^\d\d:\d\d:\d\d ERROR unhandled error\nError: the handler broke\n\s+at /m);
    expect(text).toMatch(/^\d\d:\d\d:\d\d GET \/boom → 500/m);
    expect(text).not.toContain('{"level"');
  });
});

describe("startServer", () => {
  it("says that the port is taken, and what to do", async () => {
    const first = await startServer(await server(), { port: 0 });
    const second = await server();
    await expect(startServer(second, { port: first.port })).rejects.toThrow(
      `Hamlet: cannot listen on 127.0.0.1:${first.port}, the port is already in use (is another server still running?)`,
    );
  });
});
