/**
 * Thumbnails of uploaded photos, made by the `ImageResizer` worker (app.hamlet) in a pool of
 * worker threads: the `thumbnail` step of `PublishPhoto` reads the original from the upload
 * storage, the thread shrinks it with sharp, and the result is stored beside the original in the
 * same storage (local files or S3, as `[hamlet.uploads]` says), served at `GET /thumbnails/<id>`.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { PermanentEventError, storageKey, type HamletServer, type UploadStorage } from "@hamlet/runtime-node";
import { createImageResizerPool } from "../generated/typescript/workers.js";
import type { Bytes, ResizeProgress } from "../generated/typescript/types.js";

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 480;
/** A thumbnail that takes longer fails its attempt (the thread is stopped); the step is retried. */
const THUMBNAIL_TIMEOUT_MS = 30_000;
/** The storage "upload name" of thumbnails: keys are `<tenant>/PhotoThumbnail/<photo id>`. */
const THUMBNAILS = "PhotoThumbnail";

/** Where clients fetch the thumbnail of photo `photoId` ({@link serveThumbnails}). */
export const thumbnailUrl = (photoId: string): string => `/thumbnails/${photoId}`;

export interface Thumbnail {
  readonly key: string;
  readonly width: number;
  readonly height: number;
}

export interface Thumbnails {
  /**
   * Makes and stores the thumbnail of the stored file `originalKey`. Throws a retryable error when
   * the thread crashed or timed out, a {@link PermanentEventError} naming `ProcessingFailed` when
   * the file is not an image sharp can read (retrying cannot help).
   */
  make(
    tenant: string,
    photoId: string,
    originalKey: string,
    onProgress?: (progress: ResizeProgress) => void,
  ): Promise<Thumbnail>;
  close(): Promise<void>;
}

/** The compiled worker module: `image-resizer.worker.js` beside this file once compiled (start.mjs), else bundled. */
async function resizerModule(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, "image-resizer.worker.js");
  if (existsSync(compiled)) return compiled;
  // Running from src/ (tests, vite-node): worker threads load JavaScript only, so the TypeScript
  // body is bundled once with esbuild (a dev dependency) into .hamlet/workers/.
  const outDir = resolve(here, "..", ".hamlet", "workers");
  const outFile = join(outDir, "image-resizer.worker.mjs");
  const { build } = await import("esbuild");
  const built = await build({
    entryPoints: [join(here, "image-resizer.worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    outfile: outFile,
    external: ["sharp", "piscina", "@hamlet/runtime-node", "@hamlet/runtime-node/*"],
    logLevel: "silent",
  });
  mkdirSync(outDir, { recursive: true });
  // Written under a name of its own, then renamed: several processes may start at once.
  const temporary = `${outFile}.${process.pid}.tmp`;
  writeFileSync(temporary, built.outputFiles[0]!.contents);
  renameSync(temporary, outFile);
  return outFile;
}

async function readAll(storage: UploadStorage, key: string): Promise<Buffer> {
  const stored = await storage.read(key);
  if (stored === null) throw new PermanentEventError(`ProcessingFailed: the photo ${key} is not in storage`);
  const chunks: Buffer[] = [];
  for await (const chunk of stored.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A pool of `ImageResizer` threads (closed with the app) storing thumbnails in `storage`. */
export async function createThumbnails(
  storage: UploadStorage,
  options: { readonly maxThreads?: number; readonly timeoutMs?: number } = {},
): Promise<Thumbnails> {
  // sharp's shared libraries must stay loaded while threads come and go (lovell/sharp#2263:
  // "require sharp in the main thread"), else a thread exit can unload them under another.
  createRequire(import.meta.url)("sharp");
  const pool = createImageResizerPool({
    filename: await resizerModule(),
    minThreads: 0,
    maxThreads: options.maxThreads ?? 2,
    timeoutMs: options.timeoutMs ?? THUMBNAIL_TIMEOUT_MS,
  });
  return {
    async make(tenant, photoId, originalKey, onProgress) {
      const original = await readAll(storage, originalKey);
      const result = await pool.run(
        { image: original.toString("base64") as Bytes, max_side: THUMBNAIL_SIDE },
        onProgress ? { onProgress } : {},
      );
      if (result.tag === "error") throw new PermanentEventError(`ProcessingFailed: ${result.error.error}`);
      if (result.tag === "failure") {
        const why =
          result.failure.tag === "timeout" ? `timed out after ${result.failure.timeoutMs} ms` : result.failure.tag;
        throw new Error(
          `the thumbnail worker failed (${why}${"message" in result.failure ? `: ${result.failure.message}` : ""})`,
        );
      }
      const { image, width, height, content_type } = result.output;
      const key = storageKey(tenant, THUMBNAILS, photoId);
      await storage.write(
        key,
        Readable.from(Buffer.from(image, "base64")),
        { contentType: content_type },
        new AbortController().signal,
      );
      return { key, width, height };
    },
    close: () => pool.close(),
  };
}

/** `GET /thumbnails/<photo id>`: the stored thumbnail of the request's tenant (404 until it is made). */
export function serveThumbnails(app: HamletServer, storage: UploadStorage): void {
  app.get<{ Params: { id: string } }>("/thumbnails/:id", async (request, reply) => {
    let key: string;
    try {
      key = storageKey(request.tenant ?? "", THUMBNAILS, request.params.id);
    } catch {
      return reply.code(404).send({ tag: "NotFound" });
    }
    const stored = await storage.read(key);
    if (stored === null) return reply.code(404).send({ tag: "NotFound" });
    return reply
      .header("content-type", stored.contentType)
      .header("content-length", stored.size)
      .header("cache-control", "private, max-age=86400")
      .header("x-content-type-options", "nosniff")
      .send(stored.body);
  });
}
