#!/usr/bin/env node
// Horatio in scale-out mode, for local use (`npm run start:scale`): the same app as `npm start`,
// on PostgreSQL with S3-compatible storage, as two server processes behind one port.
//
// 1. PostgreSQL: `DATABASE_URL` if given (migrated as `DATABASE_OWNER_URL`, default the same URL),
//    else a throwaway cluster (scripts/pg-server.sh: as the `postgres` user when run as root) with
//    two roles: `horatio_owner` owns the database and runs the migrations, `horatio_app` (no
//    superuser, no BYPASSRLS, owns nothing) is what the servers connect as, so row-level security
//    applies to them.
// 2. S3: an s3rver on 127.0.0.1 (a temporary folder, bucket `horatio`); the servers store photos
//    there (HORATIO_S3_* variables, see src/main.ts).
// 3. Two processes of src/main.js on free ports, one session secret (HAMLET_SESSION_SECRET, else a
//    random one), development login on (HORATIO_DEV_LOGIN, default 1).
// 4. The front port (PORT, default 8080; HOST, default 127.0.0.1): scale-proxy.mjs, round robin.
// Ctrl-C or SIGTERM stops the proxy, both processes, s3rver and the throwaway cluster, and removes
// their folders. If a server process dies, everything stops (exit status 1).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grantAppRole, openDatabase } from "@hamlet/runtime-node";
import pg from "pg";
import { compileHoratio, generateHoratio, horatioMain, migrateHoratio } from "./build.mjs";
import { startRoundRobinProxy } from "./scale-proxy.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pgServer = join(here, "..", "..", "scripts", "pg-server.sh");
const PROCESSES = 2;
const BUCKET = "horatio";
const say = (line) => console.log(`horatio-scale: ${line}`);

/** What has to be undone at the end, last started first. */
const cleanups = [];
let stopping = false;

async function stopAll(status) {
  if (stopping) return;
  stopping = true;
  say("stopping");
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`horatio-scale: ${error.message}`);
    }
  }
  process.exit(status);
}
process.once("SIGINT", () => void stopAll(0));
process.once("SIGTERM", () => void stopAll(0));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway cluster with the owner and app roles; returns both URLs. */
async function startPostgres() {
  const started = spawnSync(pgServer, ["start"], { encoding: "utf8" });
  if (started.status !== 0) throw new Error(`scripts/pg-server.sh start failed:\n${started.stderr}`);
  const exported = Object.fromEntries(
    [...started.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1], match[2]]),
  );
  const dir = exported.HAMLET_TEST_PG_DIR;
  cleanups.push(() => {
    spawnSync(pgServer, ["stop", dir], { stdio: "inherit" });
  });
  const superuser = new URL(exported.HAMLET_TEST_PG_URL);
  const admin = new pg.Client({ connectionString: superuser.href });
  await admin.connect();
  await admin.query("CREATE ROLE horatio_owner LOGIN");
  await admin.query("CREATE ROLE horatio_app LOGIN NOSUPERUSER NOBYPASSRLS");
  await admin.query("CREATE DATABASE horatio OWNER horatio_owner");
  await admin.end();
  const as = (role) => `postgres://${role}@${superuser.host}/horatio`;
  return { ownerUrl: as("horatio_owner"), appUrl: as("horatio_app"), dir };
}

async function startS3() {
  const { default: S3rver } = await import("s3rver");
  const directory = mkdtempSync(join(tmpdir(), "horatio-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  cleanups.push(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return { endpoint: `http://127.0.0.1:${port}`, directory };
}

/** Starts one server process on `port`; resolves once it listens. */
function startProcess(port, env) {
  const child = spawn(process.execPath, [horatioMain], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const prefix = `[${port}] `;
  const relay = (stream, target) => {
    let pending = "";
    stream.on("data", (chunk) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) target.write(prefix + line + "\n");
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk) => {
      output += chunk.toString("utf8");
      if (output.includes("horatio: listening on")) {
        child.stdout.off("data", onData);
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const why = `server process on port ${port} exited (${signal ?? code})`;
      reject(new Error(why));
      console.error(`horatio-scale: ${why}`);
      void stopAll(1);
    });
  });
}

async function main() {
  generateHoratio();
  compileHoratio();
  const given = process.env.DATABASE_URL;
  const database = given
    ? { ownerUrl: process.env.DATABASE_OWNER_URL || given, appUrl: given, dir: undefined }
    : await startPostgres();
  // Once, as the owner, before any server starts.
  migrateHoratio(database.ownerUrl);
  if (!given) {
    // The grants of runtime-node's README "Two database roles" (the least-privilege test uses them too).
    const owner = openDatabase(database.ownerUrl);
    await grantAppRole(owner, "horatio_app").finally(() => owner.close());
  }
  const s3 = await startS3();
  const env = {
    DATABASE_URL: database.appUrl,
    HAMLET_SESSION_SECRET: process.env.HAMLET_SESSION_SECRET || randomBytes(48).toString("base64"),
    HORATIO_DEV_LOGIN: process.env.HORATIO_DEV_LOGIN ?? "1",
    HORATIO_S3_BUCKET: BUCKET,
    HORATIO_S3_ENDPOINT: s3.endpoint,
    // s3rver accepts these fixed credentials.
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  };
  const ports = [];
  for (let i = 0; i < PROCESSES; i++) ports.push(await freePort());
  const children = await Promise.all(ports.map((port) => startProcess(port, env)));
  const proxy = await startRoundRobinProxy({
    backends: ports.map((port) => ({ host: "127.0.0.1", port })),
    host: process.env.HOST || "127.0.0.1",
    port: process.env.PORT ? Number(process.env.PORT) : 8080,
  });
  cleanups.push(() => proxy.close());
  say(`processes ${children.map((child) => child.pid).join(" ")} on ports ${ports.join(" ")}`);
  say(`postgres ${given ? "from DATABASE_URL" : `${database.appUrl} (folder ${database.dir})`}`);
  say(`s3 ${s3.endpoint} bucket ${BUCKET} (folder ${s3.directory})`);
  say(`ready on ${proxy.url} (Ctrl-C stops everything)`);
}

try {
  await main();
} catch (error) {
  console.error(`horatio-scale: ${error.message}`);
  await stopAll(1);
}
