/**
 * Horatio's scale-out mode as a user runs it: `node examples/horatio/scale.mjs` (what
 * `npm run start:scale` runs) as a child process, with its own throwaway PostgreSQL, s3rver and two
 * server processes behind the round-robin front port. Over real HTTP, SSE and WebSocket through
 * that port: alice and bob sign in; a post alice makes on one process is in bob's timeline and
 * arrives live on bob's stream held by the other process; a photo lands in the s3rver bucket and
 * is served back; a chat message crosses processes. SIGTERM then stops every process it started and
 * removes the cluster's and the bucket's folders. The front's `X-Horatio-Backend` header says
 * which process answered.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { repoRoot } from "./support/corpus.js";
import { multipart, png, send, type HttpAnswer } from "./support/uploads.js";

const canRun = existsSync("/usr/lib/postgresql/15/bin/initdb") || process.env["PG_BIN"] !== undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** A user's cookie (set by /dev/login through the front). */
interface User {
  readonly handle: string;
  readonly cookie: string;
}

const backendOf = (answer: { headers: IncomingMessage["headers"] }): string =>
  String(answer.headers["x-horatio-backend"]);

describe.runIf(canRun)("npm run start:scale (examples/horatio/scale.mjs)", () => {
  let child: ChildProcess;
  let output = "";
  let url = "";
  const exited = (): Promise<number | null> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise((resolve) => child.once("exit", (code) => resolve(code)));

  beforeAll(async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env["DATABASE_URL"];
    delete env["HAMLET_SESSION_SECRET"];
    child = spawn(process.execPath, [join(repoRoot, "examples", "horatio", "scale.mjs")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scale.mjs did not get ready:\n${output}`)), 50_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString("utf8");
        const ready = /horatio-scale: ready on (http:\/\/\S+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`scale.mjs exited with ${code}:\n${output}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited();
    }
  });

  const request = (path: string, user?: User, init: { method?: string; body?: unknown } = {}): Promise<HttpAnswer> =>
    send(`${url}${path}`, init.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(init.body)), {
      method: init.method ?? "GET",
      headers: {
        ...(user ? { cookie: user.cookie } : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
    });

  async function signIn(handle: string): Promise<User> {
    const answer = await request("/dev/login", undefined, { method: "POST", body: { handle } });
    expect(answer.status).toBe(200);
    const cookie = [answer.headers["set-cookie"] ?? []].flat().map((c) => c.split(";")[0]!);
    expect(cookie.length).toBeGreaterThan(0);
    return { handle, cookie: cookie.join("; ") };
  }

  /** Makes the front's next request go to a process other than `backend` (round robin over two). */
  async function nextRequestAvoids(backend: string, user: User): Promise<void> {
    for (let i = 0; i < 3; i++) if (backendOf(await request("/api/me", user)) === backend) return;
    throw new Error("the front never sent a request to " + backend);
  }

  /** An open LiveFeed stream and the text it received so far. */
  function openStream(user: User): Promise<{ backend: string; text: () => string; close: () => void }> {
    return new Promise((resolve, reject) => {
      let text = "";
      const req = httpRequest(
        `${url}/hamlet/sse/LiveFeed`,
        { headers: { cookie: user.cookie, accept: "text/event-stream" } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`LiveFeed answered ${res.statusCode}`));
          res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
          resolve({ backend: backendOf(res), text: () => text, close: () => req.destroy() });
        },
      );
      req.on("error", (error) => (text === "" ? reject(error) : undefined));
      req.end();
    });
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("prints where everything runs", () => {
    expect(output).toMatch(/horatio-scale: processes \d+ \d+ on ports \d+ \d+/);
    expect(output).toMatch(/horatio-scale: postgres postgres:\/\/horatio_app@/);
    expect(output).toMatch(/horatio-scale: s3 http:\/\/127\.0\.0\.1:\d+ bucket horatio/);
  });

  it("spreads requests over both processes, which share sessions", async () => {
    const alice = await signIn("alice");
    const answers = await Promise.all([1, 2, 3, 4].map(() => request("/api/me", alice)));
    expect(new Set(answers.map(backendOf)).size).toBe(2);
    for (const answer of answers) expect(answer.json()).toEqual({ handle: "alice", admin: false });
  });

  it("shows a post made on one process in the timeline and live on a stream held by the other", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    const stream = await openStream(bob);
    try {
      // The stream subscribes as it opens; give the other process's bus a moment to be listening.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await nextRequestAvoids(stream.backend, alice);
      const body = `hello from alice ${randomUUID()}`;
      const posted = await request("/api/posts", alice, { method: "POST", body: { body } });
      expect(posted.status).toBe(200);
      expect(backendOf(posted)).not.toBe(stream.backend);
      const id = String(posted.json()["id"]);
      await until("the post on bob's stream", () => (stream.text().includes(id) ? true : undefined));
      expect(stream.text()).toContain(body);
      const timeline = (await request("/api/timeline", bob)).json() as { posts: { id: string }[] };
      expect(timeline.posts.map((post) => post.id)).toContain(id);
    } finally {
      stream.close();
    }
  });

  it("stores a photo in the s3rver bucket and serves it back through either process", async () => {
    const alice = await signIn("alice");
    const image = png(64, 48);
    const form = multipart([
      { name: "caption", value: "a gradient" },
      { name: "file", filename: "g.png", type: "image/png", data: image },
    ]);
    const uploaded = await send(`${url}/api/albums/${randomUUID()}/photos`, form.body, {
      headers: { cookie: alice.cookie, "content-type": form.contentType },
    });
    expect(uploaded.status, uploaded.body.toString()).toBe(200);
    const photoId = String(uploaded.json()["photo_id"]);
    const endpoint = /horatio-scale: s3 (http:\/\/\S+) bucket/.exec(output)![1]!;
    const s3 = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "horatio" }));
    s3.destroy();
    expect((listed.Contents ?? []).some((object) => object.Key?.includes(photoId))).toBe(true);
    const served = await Promise.all([1, 2].map(() => request(`/files/PhotoUpload/${photoId}`, alice)));
    expect(new Set(served.map(backendOf)).size).toBe(2);
    for (const answer of served) {
      expect(answer.status).toBe(200);
      expect(answer.body.equals(image)).toBe(true);
    }
  });

  it("carries a chat message from a socket on one process to a socket on the other", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    const connect = async (user: User) => {
      const socket = new WebSocket(`${url.replace("http", "ws")}/ws/chat`, {
        headers: { origin: url, cookie: user.cookie },
      });
      const received: { tag: string; text?: string }[] = [];
      socket.on("message", (data) => received.push(JSON.parse(String(data)) as { tag: string; text?: string }));
      const backend = await new Promise<string>((resolve, reject) => {
        socket.once("upgrade", (response) => resolve(backendOf(response)));
        socket.once("error", reject);
      });
      await new Promise<void>((resolve) =>
        socket.readyState === WebSocket.OPEN ? resolve() : socket.once("open", resolve),
      );
      return { socket, received, backend };
    };
    const one = await connect(alice);
    const two = await connect(bob);
    try {
      expect(two.backend).not.toBe(one.backend);
      // Both are online once bob's presence reached alice across processes.
      await until("presence", () =>
        one.received.some((m) => m.tag === "Presence" && JSON.stringify(m).includes("bob")) ? true : undefined,
      );
      const text = `across ${randomUUID()}`;
      one.socket.send(JSON.stringify({ tag: "ChatMessage", room: "lobby", text }));
      await until("the message at bob", () =>
        two.received.some((m) => m.tag === "ChatMessage" && m.text === `alice: ${text}`) ? true : undefined,
      );
    } finally {
      one.socket.close();
      two.socket.close();
    }
  });

  it("stops every process and removes its folders on SIGTERM", async () => {
    const pids = /processes (\d+) (\d+)/.exec(output)!.slice(1).map(Number);
    const folders = [
      /\(folder (\S+)\)\n/.exec(output.slice(output.indexOf("horatio-scale: postgres")))![1]!,
      /\(folder (\S+)\)\n/.exec(output.slice(output.indexOf("horatio-scale: s3")))![1]!,
    ];
    for (const folder of folders) expect(existsSync(folder)).toBe(true);
    child.kill("SIGTERM");
    expect(await exited()).toBe(0);
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const pid of pids) expect(alive(pid)).toBe(false);
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
    expect(output).toContain("horatio-scale: stopping");
  }, 30_000);
});
