/**
 * Database faults under load, the way DBOS tests them: a real server process serves a real HTTP
 * load (autocannon) of acknowledged writes while every PostgreSQL backend of its database is
 * terminated again and again (`pg_terminate_backend`, SQLSTATE 57P01, what a restart or failover
 * does). The process must survive, every failed request must be a 503 `{"tag":"ServiceUnavailable"}`,
 * the pool must recover, and every write answered 200 must be in the database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runtimeTables } from "../../emitters/sql/runtime-tables.js";
import { postgresAvailable, usePostgres } from "./support/postgres.js";

const SERVER = fileURLToPath(new URL("./fixtures/fault-server.mjs", import.meta.url));
const LOAD_SECONDS = 8;

function startServerProcess(databaseUrl: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /LISTENING (\S+)/.exec(stdout)?.[1];
      if (url !== undefined) resolve({ child, url, stderr: () => stderr });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
}

describe.runIf(postgresAvailable)("PostgreSQL backends terminated under load", () => {
  const pgFixture = usePostgres();
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("keeps the process alive, answers 503 and loses no acknowledged write", { timeout: 120_000 }, async () => {
    const databaseUrl = await pgFixture.createDatabase();
    const admin = new pg.Client({ connectionString: databaseUrl });
    admin.on("error", () => undefined);
    await admin.connect();
    await admin.query("CREATE TABLE acked (id text PRIMARY KEY)");
    for (const statement of runtimeTables.up.postgres) await admin.query(statement);
    const database = new URL(databaseUrl).pathname.slice(1);

    const server = await startServerProcess(databaseUrl);
    children.push(server.child);
    let exited: number | string | null = null;
    server.child.once("exit", (code, signal) => (exited = code ?? signal));

    let terminated = 0;
    let killing = true;
    const killer = (async () => {
      while (killing) {
        const rows = await admin.query<{ killed: boolean }>(
          "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [database],
        );
        terminated += rows.rows.filter((r) => r.killed).length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    const badBodies: string[] = [];
    let next = 0;
    const result = await autocannon({
      url: server.url,
      connections: 16,
      duration: LOAD_SECONDS,
      requests: [
        {
          method: "POST",
          setupRequest: (request, context) => {
            context["id"] = `w${++next}`;
            return { ...request, path: `/write/${context["id"] as string}` };
          },
          onResponse: (status, body, context) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status === 200) acknowledged.push(context["id"] as string);
            else if (body !== '{"tag":"ServiceUnavailable"}') badBodies.push(`${status} ${body}`);
          },
        },
      ],
    });
    killing = false;
    await killer;

    if (process.env["HAMLET_FAULT_REPORT"])
      console.log(
        `statuses ${JSON.stringify([...statuses])}, terminated ${terminated}, acknowledged ${acknowledged.length}, requests ${result.requests.total}`,
      );
    const summary = `statuses ${JSON.stringify([...statuses])}, terminated ${terminated}, server stderr:\n${server.stderr().slice(-6000)}`;
    expect(exited, summary).toBeNull();
    expect(terminated, summary).toBeGreaterThan(10);
    expect(result.errors, summary).toBe(0); // no connection was reset or timed out
    expect(badBodies, summary).toEqual([]);
    expect([...statuses.keys()].sort(), summary).toEqual(expect.arrayContaining([200]));
    expect(statuses.get(503) ?? 0, summary).toBeGreaterThan(0);

    // The pool replaced its connections: the server serves again.
    const after = await fetch(`${server.url}/write/after`, { method: "POST" });
    expect(after.status).toBe(200);
    acknowledged.push("after");
    const count = await fetch(`${server.url}/count`);
    expect(count.status).toBe(200);

    const stored = new Set((await admin.query<{ id: string }>("SELECT id FROM acked")).rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost, summary).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(50);
    await admin.end();
    server.child.kill("SIGTERM");
  });
});
