/**
 * Horatio's photo pipeline over real HTTP, on SQLite and PostgreSQL with the event store: a real
 * JPEG and PNG are uploaded (`PhotoUpload`), the `PublishPhoto` workflow's `thumbnail` step has the
 * `ImageResizer` worker threads (sharp) shrink them (their progress reaching `/hamlet/runs` live),
 * the thumbnail is stored beside the photo and
 * served at `/thumbnails/<id>` (checked with sharp's metadata: WebP, 480 px on the longest side);
 * `moderate` asks a real local moderation service about the caption through the durable
 * `Moderation` service call and waits for it (`awaitService`: the step is `waiting` on `/hamlet/runs`,
 * a flaky service answering 503 is retried with the service's `@retry`, a refusal fails the run and
 * an admin's retry of the dead-lettered call resumes it); `publish` writes the post and the
 * timeline carries its photo. A file that passes the upload's checks but is not a decodable image
 * fails the run with `ProcessingFailed` (visible in the run's error), instead of hanging.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import {
  eventSystemOf,
  startServer,
  type Database,
  type Dialect,
  type HamletConfig,
  type HamletServer,
} from "@hamlet/runtime-node";
import { openSse } from "../runtime-node/test/support/sse-client.js";
import { postgresAvailable } from "../runtime-node/test/support/postgres.js";
import { useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { migrateHoratio } from "./support/horatio.js";

const dialects: Dialect[] = postgresAvailable ? ["sqlite", "postgres"] : ["sqlite"];
const fresh = useFreshDatabases();
const uploads = mkdtempSync(join(tmpdir(), "horatio-photos-"));
afterAll(() => rmSync(uploads, { recursive: true, force: true }));

const config: HamletConfig = {
  database: { url: "unused: the tests pass an open database" },
  sessions: { secrets: ["photos-secret-photos-secret-photos-secret"], ttlSeconds: 600 },
  tenants: { mode: "single" },
};

/**
 * A local moderation service that refuses captions with "spam" and records what it was asked.
 * `failures` plans answers before the real one: a caption listed there first gets that many
 * answers of the given HTTP status.
 */
async function startModeration(): Promise<{
  url: string;
  server: Server;
  texts: string[];
  failures: Map<string, { count: number; status: number }>;
}> {
  const texts: string[] = [];
  const failures = new Map<string, { count: number; status: number }>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const { text } = JSON.parse(body) as { text: string };
      texts.push(text);
      const planned = failures.get(text);
      if (planned !== undefined && planned.count > 0) {
        planned.count -= 1;
        res.writeHead(planned.status, { "content-type": "application/json" }).end('{"error":"planned"}');
        return;
      }
      const spam = text.includes("spam");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ allowed: !spam }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/check`, server, texts, failures };
}

/** A real photo-like image (a gradient with noise, so it does not compress to nothing). */
async function photo(width: number, height: number, format: "jpeg" | "png"): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = (x * y) % 251;
    }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === "jpeg" ? image.jpeg({ quality: 85 }).toBuffer() : image.png().toBuffer();
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(dialects)("Horatio photos on %s", (dialect) => {
  let db: Database;
  let app: HamletServer;
  let url: string;
  let cookie: string;
  let moderation: Awaited<ReturnType<typeof startModeration>>;

  beforeAll(async () => {
    moderation = await startModeration();
    db = await fresh.open(dialect);
    await migrateHoratio(db);
    app = await createApp({
      config,
      database: db,
      devLogin: true,
      uploadsDir: join(uploads, dialect),
      moderationUrl: moderation.url,
      events: { pollMs: 50, onError: () => undefined },
    });
    url = (await startServer(app, { port: 0 })).url;
    const login = await fetch(`${url}/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ handle: "alice" }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await new Promise((resolve) => moderation?.server.close(resolve));
  });

  async function upload(bytes: Buffer, type: string, caption: string): Promise<string> {
    const form = new FormData();
    form.append("caption", caption);
    form.append("file", new Blob([new Uint8Array(bytes)], { type }), "photo");
    const res = await fetch(`${url}/api/albums/0a1b2c3d-0000-4000-8000-00000000a1b0/photos`, {
      method: "POST",
      headers: { cookie },
      body: form,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { photo_id: string }).photo_id;
  }

  /** The run once it ended (or once it has `status`). */
  async function run(photoId: string, status?: string): Promise<{ status: string; error: string | null }> {
    return eventually(`the run of ${photoId} to end`, async () => {
      const [row] = await db.query<{ status: string; error: string | null }>(
        "SELECT status, error FROM hamlet_workflow_runs WHERE id = $1",
        [`PublishPhoto:${await triggerOf(photoId)}`],
      );
      if (row === undefined) return undefined;
      return (status === undefined ? row.status !== "running" : row.status === status) ? row : undefined;
    });
  }

  /** The Moderation calls made for a caption (service jobs), oldest first. */
  async function moderationCalls(caption: string): Promise<{ id: string; status: string; attempts: number }[]> {
    const rows = await db.query<{ id: string; status: string; attempts: number | string; payload: string }>(
      "SELECT id, status, attempts, payload FROM hamlet_events WHERE name = 'hamlet.service.Moderation' ORDER BY created_at",
    );
    return rows
      .filter((row) => (JSON.parse(row.payload) as { text: string }).text === caption)
      .map((row) => ({ id: row.id, status: row.status, attempts: Number(row.attempts) }));
  }

  async function triggerOf(photoId: string): Promise<string> {
    const rows = await db.query<{ id: string; payload: string }>(
      "SELECT id, payload FROM hamlet_events WHERE name = 'PhotoUploaded'",
    );
    return rows.find((r) => (JSON.parse(r.payload) as { photo_id: string }).photo_id === photoId)?.id ?? "";
  }

  it.each([
    { format: "jpeg" as const, width: 2400, height: 1600, thumb: [480, 320] },
    { format: "png" as const, width: 900, height: 1500, thumb: [288, 480] },
  ])("a $width x $height $format gets a 480 px WebP thumbnail and a photo post", async (c) => {
    const original = await photo(c.width, c.height, c.format);
    const id = await upload(original, `image/${c.format}`, `a ${c.format} gradient`);
    expect(await run(id)).toEqual({ status: "completed", error: null });

    const thumb = await fetch(`${url}/thumbnails/${id}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const bytes = Buffer.from(await thumb.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", ...c.thumb]);
    expect(bytes.length).toBeLessThan(original.length);

    const post = (await (await fetch(`${url}/api/posts/${id}`)).json()) as { body: string; author: string };
    expect(post).toMatchObject({ body: `a ${c.format} gradient`, author: "alice" });
    const timeline = (await (await fetch(`${url}/api/timeline`)).json()) as { photos: unknown[] };
    expect(timeline.photos).toContainEqual({
      post_id: id,
      caption: `a ${c.format} gradient`,
      thumbnail_url: `/thumbnails/${id}`,
      full_url: `/files/PhotoUpload/${id}`,
      width: c.thumb[0],
      height: c.thumb[1],
    });
    expect(await (await fetch(`${url}/api/posts/${id}/photo`)).json()).toMatchObject({ photo: { post_id: id } });
    expect(moderation.texts).toContain(`a ${c.format} gradient`);
  });

  it("the thumbnail step's worker progress reaches /hamlet/runs live, before the step is done", async () => {
    const runs = await openSse(url, "/hamlet/runs", { cookie });
    type Update = { runId: string; step: string | null; stepStatus: string | null; progress: unknown };
    const parse = (data: string) => JSON.parse(data) as Update;
    try {
      const id = await upload(await photo(640, 480, "jpeg"), "image/jpeg", `progress ${dialect}`);
      const runId = `PublishPhoto:${await triggerOf(id)}`;
      await runs.waitFor(1, (event) => {
        const update = parse(event.data);
        return update.runId === runId && update.step === "thumbnail" && update.stepStatus === "done";
      });
      const thumbnail = runs.events
        .map((event) => parse(event.data))
        .filter((update) => update.runId === runId && update.step === "thumbnail")
        .map((update) => [update.stepStatus, update.progress]);
      // The ImageResizer worker reports 25 % once the image is read and 100 % once it is resized.
      expect(thumbnail).toEqual([
        ["running", { percent: 25 }],
        ["running", { percent: 100 }],
        ["done", null],
      ]);
    } finally {
      runs.close();
    }
  });

  it("a caption the moderation service refuses is not published", async () => {
    const id = await upload(await photo(64, 64, "png"), "image/png", "buy spam now");
    expect((await run(id)).status).toBe("completed");
    expect((await fetch(`${url}/api/posts/${id}`)).status).toBe(404);
  });

  it("moderate waits for a flaky service (503 three times, then allowed), shown as waiting on /hamlet/runs", async () => {
    const caption = `flaky moderation ${dialect}`;
    moderation.failures.set(caption, { count: 3, status: 503 });
    const runs = await openSse(url, "/hamlet/runs", { cookie });
    try {
      expect(runs.status).toBe(200);
      const id = await upload(await photo(64, 64, "png"), "image/png", caption);
      const waiting = await runs.waitFor(
        1,
        (event) => {
          const update = JSON.parse(event.data) as { step: string | null; stepStatus: string | null };
          return update.step === "moderate" && update.stepStatus === "waiting";
        },
        20_000,
      );
      expect(waiting).toHaveLength(1);
      expect(await run(id)).toEqual({ status: "completed", error: null });
      // The service's @retry did the retrying: one call, four attempts, three of them refused with 503.
      expect(await moderationCalls(caption)).toEqual([expect.objectContaining({ status: "done", attempts: 4 })]);
      expect(moderation.texts.filter((text) => text === caption)).toHaveLength(4);
      const steps = await db.query<{ name: string; status: string; output: string | null }>(
        "SELECT s.name, s.status, s.output FROM hamlet_workflow_steps s WHERE s.run_id = $1 ORDER BY s.step_index",
        [`PublishPhoto:${await triggerOf(id)}`],
      );
      expect(steps.map((step) => [step.name, step.status])).toEqual([
        ["thumbnail", "done"],
        ["moderate", "done"],
        ["publish", "done"],
      ]);
      expect(JSON.parse(steps[1]!.output!)).toEqual({ allowed: true });
      const done = await runs.waitFor(1, (event) => {
        const update = JSON.parse(event.data) as { step: string | null; stepStatus: string | null };
        return update.step === "moderate" && update.stepStatus === "done";
      });
      expect(done).toHaveLength(1);
      expect((await fetch(`${url}/api/posts/${id}`)).status).toBe(200);
    } finally {
      runs.close();
    }
  });

  it("a refused moderation call fails the run; the admin's retry of its dead letter resumes it", async () => {
    const caption = `refused once ${dialect}`;
    moderation.failures.set(caption, { count: 1, status: 400 });
    const id = await upload(await photo(64, 64, "png"), "image/png", caption);
    const failed = await run(id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(
      /^step moderate: PermanentEventError: the moderation service refused the caption: .*HTTP 400/,
    );
    const [call] = await moderationCalls(caption);
    expect(call).toMatchObject({ status: "dead", attempts: 1 });
    const events = eventSystemOf(app)!;
    const tenant = (
      await db.query<{ tenant_id: string }>("SELECT tenant_id FROM hamlet_events WHERE id = $1", [call!.id])
    )[0]!.tenant_id;
    expect(await events.admin.retryDeadLetter(tenant, call!.id)).toBe(true);
    expect(await run(id, "completed")).toEqual({ status: "completed", error: null });
    expect((await fetch(`${url}/api/posts/${id}`)).status).toBe(200);
  });

  it("a broken image fails the run with ProcessingFailed, visibly and at once", async () => {
    // A real PNG header (so the upload's type and dimension checks pass) followed by garbage.
    const png = await photo(200, 200, "png");
    const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(400, 7)]);
    const id = await upload(broken, "image/png", "broken");
    const ended = await run(id);
    expect(ended.status).toBe("failed");
    expect(ended.error).toMatch(/^step thumbnail: (PermanentEventError: )?ProcessingFailed: not a readable image/);
    expect((await fetch(`${url}/thumbnails/${id}`)).status).toBe(404);
    expect((await fetch(`${url}/api/posts/${id}`)).status).toBe(404);
  });
});
