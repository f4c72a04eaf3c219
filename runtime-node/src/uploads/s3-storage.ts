/**
 * The S3-compatible backend (AWS S3, Cloudflare R2, MinIO, s3rver): objects `<prefix><key>` in one
 * bucket, streamed with `@aws-sdk/lib-storage` multipart uploads (at most `queueSize × partSize`
 * bytes in memory), completed only at the end, aborted on failure. Checksums are computed and
 * validated only when an operation requires them, which R2 and most S3-compatible servers need.
 * The SDK is loaded on first use, so apps on local storage never import it (install
 * `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` to use this backend).
 */
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StoredObject, StoredObjectInfo, UploadStorage } from "./storage.js";

/** Options of {@link createS3Storage}. */
export interface S3StorageOptions {
  readonly bucket: string;
  /** Region (default `auto`, what R2 expects; AWS needs the bucket's region). */
  readonly region?: string;
  /** Endpoint of an S3-compatible service (`https://<account>.r2.cloudflarestorage.com`, `http://127.0.0.1:4568`). */
  readonly endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by MinIO and s3rver (default false). */
  readonly forcePathStyle?: boolean;
  /** Prepended to every key (for example `uploads/`; default none). */
  readonly prefix?: string;
  /** Credentials; default: the SDK's chain (environment `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, roles). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Multipart part size in bytes (default and minimum 5 MiB). */
  readonly partSize?: number;
  /** Parts sent at once (default 2). */
  readonly queueSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

interface Sdk {
  readonly client: S3Client;
  readonly s3: typeof import("@aws-sdk/client-s3");
  readonly Upload: typeof import("@aws-sdk/lib-storage").Upload;
}

/** Objects in an S3-compatible bucket. */
export function createS3Storage(options: S3StorageOptions): UploadStorage {
  const prefix = options.prefix ?? "";
  let sdk: Promise<Sdk> | null = null;
  const load = (): Promise<Sdk> =>
    (sdk ??= (async () => {
      const s3 = await import("@aws-sdk/client-s3");
      const { Upload } = await import("@aws-sdk/lib-storage");
      const client = new s3.S3Client({
        region: options.region ?? "auto",
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        forcePathStyle: options.forcePathStyle ?? false,
        ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
      return { client, s3, Upload };
    })());

  return {
    kind: "s3",
    async write(key, body, info, signal) {
      const { client, Upload } = await load();
      let size = 0;
      body.on("data", (chunk: Buffer) => (size += chunk.length));
      const abortController = new AbortController();
      const upload = new Upload({
        client,
        params: { Bucket: options.bucket, Key: prefix + key, Body: body, ContentType: info.contentType },
        partSize: Math.max(MIN_PART_SIZE, options.partSize ?? MIN_PART_SIZE),
        queueSize: options.queueSize ?? 2,
        leavePartsOnError: false,
        abortController,
      });
      const abort = (): void => {
        body.destroy(new Error("upload aborted"));
        abortController.abort();
      };
      if (signal.aborted) abort();
      else signal.addEventListener("abort", abort, { once: true });
      try {
        await upload.done();
      } catch (error) {
        // A single-part upload may have completed just before the abort arrived.
        await this.delete(key).catch(() => undefined);
        throw error;
      } finally {
        signal.removeEventListener("abort", abort);
      }
      if (signal.aborted) {
        await this.delete(key);
        throw new Error("upload aborted");
      }
      const stored: StoredObjectInfo = { contentType: info.contentType, size };
      return stored;
    },
    async read(key) {
      const { client, s3 } = await load();
      try {
        const out = await client.send(new s3.GetObjectCommand({ Bucket: options.bucket, Key: prefix + key }));
        const object: StoredObject = {
          contentType: out.ContentType ?? "application/octet-stream",
          size: out.ContentLength ?? 0,
          body: out.Body as Readable,
        };
        return object;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === "NoSuchKey" || name === "NotFound") return null;
        throw error;
      }
    },
    async delete(key) {
      const { client, s3 } = await load();
      await client.send(new s3.DeleteObjectCommand({ Bucket: options.bucket, Key: prefix + key }));
    },
    async list(keyPrefix) {
      const { client, s3 } = await load();
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new s3.ListObjectsV2Command({
            Bucket: options.bucket,
            Prefix: prefix + keyPrefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const object of page.Contents ?? [])
          if (object.Key !== undefined) keys.push(object.Key.slice(prefix.length));
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async close() {
      if (sdk !== null) (await sdk.catch(() => null))?.client.destroy();
    },
  };
}
