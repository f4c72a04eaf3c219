/**
 * Uploads end to end over real HTTP: the fixture schema (an `@auth(session)` image upload that
 * emits `ImageUploaded`, which starts the workflow `ProcessImage`; plus an unconstrained-type
 * attachment upload) generated, served by runtime-node and hit with good and bad uploads — on
 * SQLite and PostgreSQL, with local storage and with S3 (a local s3rver). After every refusal the
 * storage holds exactly what it held before, and the server still takes the next upload.
 * In memory mode (no event store) the processing finishes before the upload's reply.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHamletServer,
  createLocalStorage,
  createS3Storage,
  startServer,
  type Database,
  type Dialect,
  type EventSystem,
  type HamletServer,
  type UploadOutcome,
  type UploadStorage,
} from "@hamlet/runtime-node";
import { eventStoreStatements } from "../emitters/sql/event-store.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import {
  elfExecutable,
  FIXTURE_DURABLE,
  FIXTURE_MEMORY,
  generateFixture,
  multipart,
  png,
  pngHeaderOnly,
  send,
  startS3rver,
  type HttpAnswer,
  type Part,
} from "./support/uploads.js";

const databases = useFreshDatabases();
const ALBUM = "5f0c6a8e-2b1d-4c3e-9f4a-7b6d5e4c3b2a";
const IDLE_MS = 400;
let durableGen = "";
let memoryGen = "";
let s3: Awaited<ReturnType<typeof startS3rver>> | undefined;
const tempDirs: string[] = [];

beforeAll(async () => {
  durableGen = await generateFixture(FIXTURE_DURABLE, true);
  memoryGen = await generateFixture(FIXTURE_MEMORY, false);
  s3 = await startS3rver();
});

afterAll(async () => {
  await s3?.close();
  for (const dir of [durableGen, memoryGen, ...tempDirs])
    if (dir !== "") rmSync(join(dir, ".."), { recursive: true, force: true });
});

interface Gallery {
  readonly url: string;
  readonly app: HamletServer;
  readonly storage: UploadStorage;
  readonly system: EventSystem;
  /** image id → what the workflow (or the memory-mode handler) recorded. */
  readonly processed: Map<string, string>;
  readonly outcomes: UploadOutcome[];
  /** Signs in and returns the session cookie. */
  login(tenant?: string): Promise<string>;
  close(): Promise<void>;
}

interface Fixture {
  registerUploads(app: HamletServer, handlers: unknown, options: unknown): unknown;
}
interface FixtureEvents {
  registerEvents(app: HamletServer, options: unknown): EventSystem;
}

async function startGallery(dialect: Dialect, storageKind: "local" | "s3", eventStore: boolean): Promise<Gallery> {
  const gen = eventStore ? durableGen : memoryGen;
  const uploads = (await import(join(gen, "uploads.ts"))) as Fixture;
  const events = (await import(join(gen, "events.ts"))) as FixtureEvents;
  const db: Database = await databases.open(dialect);
  if (eventStore)
    await db.transaction(async (tx) => {
      for (const sql of eventStoreStatements(dialect)) await tx.execute(sql);
    });
  const app = await createHamletServer({
    config: {
      database: { url: dialect === "sqlite" ? "sqlite::memory:" : "postgres://unused", privilegeCheck: "off" },
      sessions: { secrets: ["upload-test-secret-upload-test-secret"] },
      tenants: { mode: "header" },
    },
    database: db,
    reportCrash: false,
  });
  app.post("/login", async (request, reply) => {
    request.session = await app.hamlet.sessions.create(request, reply, { user: "ada" });
    return { tag: "Ok" };
  });
  let storage: UploadStorage;
  if (storageKind === "local") {
    const dir = mkdtempSync(join(tmpdir(), "hamlet-uploads-"));
    tempDirs.push(join(dir, "x"));
    storage = createLocalStorage({ dir });
  } else {
    storage = createS3Storage({
      bucket: "uploads",
      endpoint: s3!.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      prefix: `run-${Math.random().toString(36).slice(2)}/`,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
  }
  const processed = new Map<string, string>();
  const outcomes: UploadOutcome[] = [];
  async function measure(key: string): Promise<number> {
    const object = await storage.read(key);
    if (object === null) throw new Error(`${key} is not in storage`);
    let bytes = 0;
    for await (const chunk of object.body) bytes += (chunk as Buffer).length;
    return bytes;
  }
  type Payload = { image_id: string; storage_key: string };
  const system = events.registerEvents(app, {
    eventStore,
    runtime: { pollMs: 50 },
    handlers: eventStore
      ? {}
      : {
          imageUploaded: async (payload: Payload) => {
            processed.set(payload.image_id, `processed in memory: ${await measure(payload.storage_key)} bytes`);
          },
        },
    workflows: {
      processImage: {
        measure: async (input: { trigger: Payload }) => ({ bytes: await measure(input.trigger.storage_key) }),
        publish: async (input: { trigger: Payload; outputs: { measure: { bytes: number } } }) => {
          processed.set(input.trigger.image_id, `published: ${input.outputs.measure.bytes} bytes`);
        },
      },
    },
  });
  type Emit = (name: string, payload: Payload) => Promise<unknown>;
  uploads.registerUploads(
    app,
    {
      addImage: async (
        fields: { album_id: string; caption?: string },
        file: { id: string; key: string; filename: string | null },
        context: { emit: Emit },
      ) => {
        if (fields.caption === "fail") throw new Error("the handler failed on purpose");
        await context.emit("ImageUploaded", { image_id: file.id, storage_key: file.key });
        return { image_id: file.id };
      },
      attachment: async (_fields: object, file: { id: string; size: number; contentType: string }) => ({
        id: file.id,
        size: file.size,
        content_type: file.contentType,
      }),
    },
    { storage, idleTimeoutMs: IDLE_MS, onOutcome: (o: UploadOutcome) => outcomes.push(o) },
  );
  const started = await startServer(app, { port: 0 });
  return {
    url: started.url,
    app,
    storage,
    system,
    processed,
    outcomes,
    async login(tenant = "alpha") {
      const answer = await send(`${started.url}/login`, Buffer.from("{}"), {
        headers: { "content-type": "application/json", "x-tenant": tenant },
      });
      const cookie = answer.headers["set-cookie"]?.[0]?.split(";")[0];
      if (cookie === undefined) throw new Error("no session cookie");
      return cookie;
    },
    async close() {
      await app.close();
      await storage.close();
      await db.close();
    },
  };
}

function imageParts(file: Buffer, options: { caption?: string; filename?: string; type?: string } = {}): Part[] {
  return [
    ...(options.caption === undefined ? [] : [{ name: "caption", value: options.caption }]),
    { name: "file", filename: options.filename ?? "photo.png", type: options.type ?? "image/png", data: file },
  ];
}

async function upload(g: Gallery, cookie: string, parts: readonly Part[], tenant = "alpha"): Promise<HttpAnswer> {
  const { body, contentType } = multipart(parts);
  return send(`${g.url}/api/albums/${ALBUM}/images`, body, {
    headers: { "content-type": contentType, cookie, "x-tenant": tenant },
  });
}

const combos = testDialects.flatMap((dialect) => (["local", "s3"] as const).map((storage) => ({ dialect, storage })));

describe.each(combos)("uploads on $dialect with $storage storage (event store)", ({ dialect, storage }) => {
  let g: Gallery;
  let cookie: string;
  beforeAll(async () => {
    g = await startGallery(dialect, storage, true);
    cookie = await g.login();
  });
  afterAll(async () => g?.close());

  /** Runs `attempt` and checks that the storage holds exactly what it held before. */
  async function leavesNothing(attempt: () => Promise<void>): Promise<void> {
    const before = await g.storage.list("");
    await attempt();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await g.storage.list("")).toEqual(before);
  }

  it("stores a PNG, answers its id, runs the workflow, and serves it back for the tenant only", async () => {
    const image = png(48, 32);
    const answer = await upload(g, cookie, imageParts(image, { caption: "a gradient" }));
    expect(answer.status, answer.body.toString()).toBe(200);
    const id = answer.json()["image_id"] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await g.system.drain({ timeoutMs: 20_000 });
    expect(g.processed.get(id)).toBe(`published: ${image.length} bytes`);
    const keys = await g.storage.list("");
    expect(keys.filter((k) => k.endsWith(id))).toEqual([`alpha/AddImage/${id}`]);

    const download = await send(`${g.url}/files/AddImage/${id}`, Buffer.alloc(0), {
      method: "GET",
      headers: { cookie, "x-tenant": "alpha" },
    });
    expect(download.status).toBe(200);
    expect(download.body.equals(image)).toBe(true);
    expect(download.headers["content-type"]).toBe("image/png");
    expect(download.headers["x-content-type-options"]).toBe("nosniff");
    expect(download.headers["content-disposition"]).toBe("inline");
    // Another tenant does not see it (even with a session of its own); no session: 401.
    const other = await g.login("beta");
    const elsewhere = await send(`${g.url}/files/AddImage/${id}`, Buffer.alloc(0), {
      method: "GET",
      headers: { cookie: other, "x-tenant": "beta" },
    });
    expect(elsewhere.status).toBe(404);
    const anonymous = await send(`${g.url}/files/AddImage/${id}`, Buffer.alloc(0), {
      method: "GET",
      headers: { "x-tenant": "alpha" },
    });
    expect(anonymous.status).toBe(401);
  });

  it("serves a non-image as an attachment with the detected type", async () => {
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(5000, 0x20), Buffer.from("\n%%EOF\n")]);
    const { body, contentType } = multipart([{ name: "file", filename: "x.html", type: "text/html", data: pdf }]);
    const answer = await send(`${g.url}/api/attachments`, body, {
      method: "PUT",
      headers: { "content-type": contentType, "x-tenant": "alpha" },
    });
    expect(answer.status, answer.body.toString()).toBe(200);
    const stored = answer.json();
    expect(stored).toMatchObject({ size: pdf.length, content_type: "application/pdf" });
    const download = await send(`${g.url}/files/Attachment/${String(stored["id"])}`, Buffer.alloc(0), {
      method: "GET",
      headers: { "x-tenant": "alpha" },
    });
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(download.headers["content-disposition"]).toBe(`attachment; filename="${String(stored["id"])}"`);
  });

  it("refuses an oversize file with 413 as soon as max_size is passed (streamed, no Content-Length)", async () => {
    await leavesNothing(async () => {
      const { body, contentType } = multipart(imageParts(png(40, 40, 2 * 1024 * 1024)));
      const answer = await send(`${g.url}/api/albums/${ALBUM}/images`, body, {
        headers: { "content-type": contentType, cookie, "x-tenant": "alpha" },
        chunkBytes: 16 * 1024,
      });
      expect(answer.status).toBe(413);
      expect(answer.json()).toMatchObject({ tag: "PayloadTooLarge", max_size: 256 * 1024 });
      const outcome = g.outcomes.at(-1)!;
      expect(outcome.tag).toBe("PayloadTooLarge");
      // Cut off at the limit: far less than the 2 MiB body was parsed.
      expect(outcome.bytesRead).toBeLessThan(1024 * 1024);
    });
  });

  it("accepts a file of exactly max_size and refuses one byte more", async () => {
    const exact = Buffer.alloc(1024 * 1024, 0x20);
    const put = (data: Buffer) => {
      const { body, contentType } = multipart([{ name: "file", filename: "a.bin", type: "text/plain", data }]);
      return send(`${g.url}/api/attachments`, body, {
        method: "PUT",
        headers: { "content-type": contentType, "x-tenant": "alpha" },
      });
    };
    const ok = await put(exact);
    expect(ok.status, ok.body.toString()).toBe(200);
    expect(ok.json()).toMatchObject({ size: 1024 * 1024, content_type: "application/octet-stream" });
    await leavesNothing(async () => {
      const over = await put(Buffer.concat([exact, Buffer.from("!")]));
      expect(over.status).toBe(413);
    });
  });

  it("refuses an oversize Content-Length before reading the body", async () => {
    await leavesNothing(async () => {
      const { body, contentType } = multipart(imageParts(png(40, 40, 600 * 1024)));
      const answer = await upload(g, cookie, imageParts(png(40, 40, 600 * 1024)));
      expect(answer.status).toBe(413);
      expect(g.outcomes.at(-1)).toMatchObject({ tag: "PayloadTooLarge", bytesRead: 0 });
      expect(body.length).toBeGreaterThan(0);
      expect(contentType).toContain("boundary=");
    });
  });

  it("refuses an executable named photo.png (the bytes decide, not the name or Content-Type)", async () => {
    await leavesNothing(async () => {
      const answer = await upload(g, cookie, imageParts(elfExecutable()));
      expect(answer.status).toBe(415);
      expect(answer.json()).toEqual({
        tag: "UnsupportedFileType",
        detected: "application/x-elf",
        allowed: ["image/png", "image/jpeg"],
      });
    });
  });

  it("refuses images larger than max_dimensions and decompression bombs", async () => {
    await leavesNothing(async () => {
      const wide = await upload(g, cookie, imageParts(png(65, 10)));
      expect(wide.status).toBe(422);
      expect(wide.json()).toEqual({ tag: "ImageTooLarge", width: 65, height: 10, max_width: 64, max_height: 64 });
      const { body, contentType } = multipart([
        { name: "file", filename: "bomb.png", type: "image/png", data: pngHeaderOnly(30_000, 30_000) },
      ]);
      const bomb = await send(`${g.url}/api/attachments`, body, {
        method: "PUT",
        headers: { "content-type": contentType, "x-tenant": "alpha" },
      });
      expect(bomb.status).toBe(422);
      expect(bomb.json()).toMatchObject({ tag: "TooManyPixels", width: 30_000, height: 30_000 });
    });
  });

  it("refuses a zero-byte file, a missing file, bad fields and fields after the file", async () => {
    await leavesNothing(async () => {
      const empty = await upload(g, cookie, imageParts(Buffer.alloc(0)));
      expect(empty.status).toBe(400);
      expect(empty.json()["tag"]).toBe("EmptyFile");
      const missing = await upload(g, cookie, [{ name: "caption", value: "no file" }]);
      expect(missing.status).toBe(400);
      expect(missing.json()["tag"]).toBe("MissingFile");
      const long = await upload(g, cookie, imageParts(png(8, 8), { caption: "x".repeat(41) }));
      expect(long.status).toBe(400);
      expect(long.json()).toMatchObject({ tag: "ValidationFailed", issues: [{ path: "$.caption" }] });
      const late = await upload(g, cookie, [...imageParts(png(8, 8)), { name: "caption", value: "late" }]);
      expect(late.status).toBe(400);
      expect(late.json()).toEqual({
        tag: "BadUpload",
        message: 'the field "caption" came after the file; send every field before the part named "file"',
      });
      const badAlbum = await send(`${g.url}/api/albums/not-a-uuid/images`, multipart(imageParts(png(8, 8))).body, {
        headers: { "content-type": multipart([]).contentType, cookie, "x-tenant": "alpha" },
      });
      expect(badAlbum.status).toBe(400);
    });
  });

  it("refuses too many parts, a second file and a body that is not multipart", async () => {
    await leavesNothing(async () => {
      const many = await upload(g, cookie, [
        ...Array.from({ length: 50 }, () => ({ name: "caption", value: "again" })),
        ...imageParts(png(8, 8)),
      ]);
      expect(many.status).toBe(400);
      expect(many.json()).toEqual({ tag: "BadUpload", message: "too many fields: at most 1" });
      const two = await upload(g, cookie, [...imageParts(png(8, 8)), ...imageParts(png(8, 8))]);
      expect(two.status).toBe(400);
      expect(String(two.json()["message"])).toContain("too many");
      const json = await send(`${g.url}/api/albums/${ALBUM}/images`, Buffer.from("{}"), {
        headers: { "content-type": "application/json", cookie, "x-tenant": "alpha" },
      });
      expect(json.status).toBe(415);
      expect(json.json()["tag"]).toBe("UnsupportedMediaType");
    });
  });

  it("never uses the client's filename: a path-traversal name is stored under a generated key", async () => {
    const answer = await upload(g, cookie, imageParts(png(8, 8), { filename: "../../../../etc/passwd.png" }));
    expect(answer.status).toBe(200);
    const id = answer.json()["image_id"] as string;
    const keys = await g.storage.list("");
    for (const key of keys) expect(key).toMatch(/^(alpha|beta)\/(AddImage|Attachment)\/[0-9a-f-]{36}(\.json)?$/);
    expect(keys).toContain(`alpha/AddImage/${id}`);
    await g.system.drain({ timeoutMs: 20_000 });
  });

  it("removes partial data of a truncated body and of a client that stops sending", async () => {
    await leavesNothing(async () => {
      const { body, contentType } = multipart(imageParts(png(60, 60, 200 * 1024)));
      const headers = { "content-type": contentType, cookie, "x-tenant": "alpha" };
      // The connection closes mid-file: nobody to answer, nothing stored.
      await expect(
        send(`${g.url}/api/albums/${ALBUM}/images`, body, { headers, stopAfter: { bytes: 100_000, then: "close" } }),
      ).rejects.toThrow();
      // The multipart ends early but the request is complete.
      const cut = body.subarray(0, 100_000);
      const early = await send(`${g.url}/api/albums/${ALBUM}/images`, cut, { headers });
      expect(early.status).toBe(400);
      expect(early.json()).toMatchObject({ tag: "BadUpload" });
      // The client stalls: 408 after the idle timeout.
      const startedAt = Date.now();
      const stalled = await send(`${g.url}/api/albums/${ALBUM}/images`, body, {
        headers,
        stopAfter: { bytes: 100_000, then: "stall" },
      });
      expect(stalled.status).toBe(408);
      expect(stalled.json()["tag"]).toBe("RequestTimeout");
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    // The process is unharmed: the next upload goes through.
    expect((await upload(g, cookie, imageParts(png(8, 8)))).status).toBe(200);
    await g.system.drain({ timeoutMs: 20_000 });
  });

  it("deletes the stored file when the handler fails, and requires a session", async () => {
    await leavesNothing(async () => {
      const failed = await upload(g, cookie, imageParts(png(8, 8), { caption: "fail" }));
      expect(failed.status).toBe(500);
      expect(failed.json()).toEqual({ tag: "InternalError" });
      const anonymous = await upload(g, "", imageParts(png(8, 8)));
      expect(anonymous.status).toBe(401);
    });
  });
});

describe("uploads without the event store", () => {
  it("processes the emitted event before answering", async () => {
    const g = await startGallery("sqlite", "local", false);
    try {
      const cookie = await g.login();
      const image = png(16, 16);
      const answer = await upload(g, cookie, imageParts(image));
      expect(answer.status, answer.body.toString()).toBe(200);
      const id = answer.json()["image_id"] as string;
      // No drain: the handler already ran.
      expect(g.processed.get(id)).toBe(`processed in memory: ${image.length} bytes`);
    } finally {
      await g.close();
    }
  });
});

describe("local storage", () => {
  it("keeps partial files out of sight and removes them on abort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hamlet-local-"));
    try {
      const storage = createLocalStorage({ dir });
      const { PassThrough } = await import("node:stream");
      const body = new PassThrough();
      const abort = new AbortController();
      const writing = storage.write(
        "t/AddImage/5f0c6a8e-2b1d-4c3e-9f4a-7b6d5e4c3b2a",
        body,
        { contentType: "image/png" },
        abort.signal,
      );
      body.write(Buffer.alloc(1000));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readdirSync(dir)).toEqual([".partial"]);
      abort.abort();
      await expect(writing).rejects.toThrow();
      expect(readdirSync(join(dir, ".partial"))).toEqual([]);
      await expect(storage.read("../outside")).rejects.toThrow("leaves the storage folder");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("S3 storage", () => {
  it("streams a multipart upload (> 5 MiB) and aborts it cleanly mid-way", async () => {
    const storage = createS3Storage({
      bucket: "uploads",
      endpoint: s3!.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      prefix: `multipart-${Math.random().toString(36).slice(2)}/`,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const { PassThrough } = await import("node:stream");
    const key = "t/Attachment/5f0c6a8e-2b1d-4c3e-9f4a-7b6d5e4c3b2a";
    const block = Buffer.alloc(1024 * 1024, 7);
    try {
      // Complete: 12 MiB in three parts, read back whole.
      const body = new PassThrough();
      const writing = storage.write(
        key,
        body,
        { contentType: "application/octet-stream" },
        new AbortController().signal,
      );
      for (let i = 0; i < 12; i++) if (!body.write(block)) await new Promise((resolve) => body.once("drain", resolve));
      body.end();
      expect(await writing).toEqual({ contentType: "application/octet-stream", size: 12 * 1024 * 1024 });
      const object = await storage.read(key);
      let size = 0;
      for await (const chunk of object!.body) size += (chunk as Buffer).length;
      expect(size).toBe(12 * 1024 * 1024);
      await storage.delete(key);
      // Aborted after 7 MiB (one part sent): nothing remains.
      const partial = new PassThrough();
      const abort = new AbortController();
      const aborted = storage.write(key, partial, { contentType: "application/octet-stream" }, abort.signal);
      for (let i = 0; i < 7; i++)
        if (!partial.write(block)) await new Promise((resolve) => partial.once("drain", resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      abort.abort();
      await expect(aborted).rejects.toThrow();
      expect(await storage.list("")).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
