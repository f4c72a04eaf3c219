/**
 * Helpers of the upload tests: real PNG files, multipart bodies sent over real HTTP (whole,
 * streamed, truncated or stalled), the fixture schema (upload + event + workflow) compiled and
 * emitted into a temp folder, and a local s3rver.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { compile } from "../../src/program/compile.js";
import { emitTypescript, tmpRoot, writeFiles } from "./ts-emit.js";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG of `width` × `height` (a gradient), optionally padded with a trailing chunk to `padTo` bytes. */
export function png(width: number, height: number, padTo = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++)
      row.set([(x * 255) / Math.max(1, width - 1), (y * 255) / Math.max(1, height - 1), 128], 1 + x * 3);
    rows.push(row);
  }
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
  ];
  const size = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padTo > size + 12) parts.push(chunk("tEXt", Buffer.alloc(padTo - size - 12, 0x61)));
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** Only a PNG signature and header claiming `width` × `height` (a decompression bomb's first bytes), plus junk. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", Buffer.alloc(8000, 0)),
  ]);
}

/** The first bytes of a Linux executable (ELF), padded. */
export function elfExecutable(): Buffer {
  const bytes = Buffer.alloc(8192, 0);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  bytes.writeUInt16LE(2, 16); // ET_EXEC
  bytes.writeUInt16LE(0x3e, 18); // x86-64
  return bytes;
}

/** One part of a multipart body. */
export type Part =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly type: string; readonly data: Buffer };

/** A multipart/form-data body and its boundary. */
export function multipart(
  parts: readonly Part[],
  boundary = `----hamlet${randomUUID()}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ("value" in part) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`),
      );
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}\r\n\r\n`,
        ),
        part.data,
        Buffer.from("\r\n"),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json(): Record<string, unknown>;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Sent without Content-Length (chunked), in pieces of this many bytes. */
  readonly chunkBytes?: number;
  /** Stop after this many body bytes: `"close"` destroys the socket, `"stall"` keeps it open silently. */
  readonly stopAfter?: { readonly bytes: number; readonly then: "close" | "stall" };
}

/**
 * Sends `body` over node:http. Resolves with the answer, even when the server answers before the
 * body was sent (the write errors that follow are expected); rejects when no answer comes.
 */
export function send(url: string, body: Buffer, options: SendOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.chunkBytes === undefined) headers["content-length"] ??= String(body.length);
    const req = httpRequest(url, { method: options.method ?? "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const data = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: data,
          json: () => JSON.parse(data.toString("utf8")) as Record<string, unknown>,
        });
      });
      res.on("error", reject);
    });
    req.on("error", (error) => reject(error));
    const limit = options.stopAfter?.bytes ?? body.length;
    const piece = options.chunkBytes ?? 64 * 1024;
    let offset = 0;
    const pump = (): void => {
      while (offset < limit) {
        const next = body.subarray(offset, Math.min(limit, offset + piece));
        offset += next.length;
        if (!req.write(next)) {
          req.once("drain", pump);
          return;
        }
      }
      if (options.stopAfter === undefined) req.end();
      else if (options.stopAfter.then === "close") setTimeout(() => req.destroy(), 50);
    };
    req.on("socket", () => pump());
  });
}

export const FIXTURE_DURABLE = `package gallery

/// An image for an album; processed by the workflow ProcessImage.
@auth(session)
@emits(ImageUploaded)
upload AddImage: POST "/api/albums/{album_id}/images" {
  fields {
    album_id: Uuid
    caption: String? @length(0, 40)
  }
  file {
    max_size: 256KB
    types: ["image/png", "image/jpeg"]
    max_dimensions: 64x64
  }
  response { image_id: Uuid }
}

/// Any file up to 1 MB.
upload Attachment: PUT "/api/attachments" {
  file { max_size: 1MB }
  response { id: Uuid, size: Int, content_type: String }
}

/// What became of an uploaded image ("pending" until processed).
endpoint ImageStatus: GET "/api/images/{id}" {
  request { id: Uuid }
  response { status: String }
}

/// Raised once an image is stored.
event ImageUploaded {
  image_id: Uuid
  storage_key: String
}

/// Measures, then publishes an uploaded image.
workflow ProcessImage {
  trigger ImageUploaded
  step measure -> { bytes: Int }
  step publish
}
`;

/** The same upload processed by an event handler, for the mode without the event store. */
export const FIXTURE_MEMORY = FIXTURE_DURABLE.replace(/\/\/\/ Measures[\s\S]*$/, "");

/** Compiles `source` and writes its generated TypeScript to a fresh folder; returns that folder. */
export async function generateFixture(source: string, eventStore: boolean): Promise<string> {
  const dir = join(tmpRoot, `uploads-${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "gallery.hamlet");
  writeFileSync(file, source);
  const result = compile({ entries: [file], features: { database: true, eventStore } });
  if (!result.schema) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  writeFiles(join(dir, "gen"), await emitTypescript(result.schema));
  return join(dir, "gen");
}

/** s3rver ships no types; imported by a name TypeScript does not resolve. */
const S3RVER_MODULE: string = "s3rver";

/** A local S3-compatible server (s3rver) on 127.0.0.1 with a temp folder and the bucket `uploads`. */
export async function startS3rver(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const { default: S3rver } = (await import(S3RVER_MODULE)) as unknown as {
    default: new (options: Record<string, unknown>) => {
      run(): Promise<{ port: number }>;
      close(): Promise<void>;
    };
  };
  const directory = mkdtempSync(join(tmpdir(), "hamlet-s3rver-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: "uploads" }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
