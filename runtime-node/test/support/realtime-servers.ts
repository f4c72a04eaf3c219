/**
 * What the SSE and WebSocket tests share: signing in to a test server (`/login` of
 * `processes/feed-server.ts` and `processes/chat-server.ts`), and a second server process built
 * from a `processes/*-main.ts` entry with esbuild and spawned on the same database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect } from "vitest";
import { cookiePair, send } from "./http.js";

/** A signed-in session: its cookie, the Host it belongs to, and its id when the server tells it. */
export interface TestSession {
  readonly cookie: string;
  readonly host: string;
  readonly id: string;
}

export async function login(baseUrl: string, user: string, host = "alpha.test"): Promise<TestSession> {
  const response = await send(baseUrl, "/login", {
    method: "POST",
    host,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user }),
  });
  expect(response.status).toBe(200);
  const body = JSON.parse(response.body) as { session?: string };
  return { cookie: cookiePair(response.setCookies, "hamlet_session"), host, id: body.session ?? "" };
}

/**
 * Bundles `processes/<entry>` into a fresh folder inside the repository (so the bundle's bare
 * imports, such as fastify, pg and ws, resolve from node_modules); `remove()` deletes the folder.
 */
export async function bundleServer(entry: string): Promise<{ bundle: string; dir: string; remove(): void }> {
  const tmpRoot = fileURLToPath(new URL("../../../test/.tmp/", import.meta.url));
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, "server-"));
  const bundle = join(dir, entry.replace(/-main\.ts$/, ".mjs"));
  await build({
    entryPoints: [fileURLToPath(new URL(`../processes/${entry}`, import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: bundle,
  });
  return { bundle, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Spawns a bundled server on `databaseUrl`; `listening` resolves with the URL it prints. */
export function spawnServer(
  bundle: string,
  databaseUrl: string,
  cwd: string,
): { child: ChildProcess; listening: Promise<string> } {
  const child = spawn(process.execPath, [bundle, databaseUrl], { stdio: ["ignore", "pipe", "inherit"], cwd });
  const listening = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`server process exited with ${code}`)));
  });
  return { child, listening };
}
