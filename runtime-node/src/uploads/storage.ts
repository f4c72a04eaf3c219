/**
 * Where uploaded files are kept: one interface, two backends (`local-storage.ts`,
 * `s3-storage.ts`). Keys are built here, from the tenant, the upload's name and a generated id,
 * never from anything the client sent.
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";

/** What is stored beside the bytes. */
export interface StoredObjectInfo {
  /** The media type detected from the bytes (what downloads are served as). */
  readonly contentType: string;
  /** Size in bytes. */
  readonly size: number;
}

/** An object being read back. */
export interface StoredObject extends StoredObjectInfo {
  readonly body: Readable;
}

/** One storage backend. Every method is safe to call concurrently. */
export interface UploadStorage {
  /** `local` or `s3`, for logs and reports. */
  readonly kind: string;
  /**
   * Streams `body` to `key`. The object appears only once the whole body is stored (local: a
   * temporary name then an atomic rename; S3: multipart upload completed at the end). When
   * `signal` aborts or `body` fails, the partial data is removed and the promise rejects.
   */
  write(
    key: string,
    body: Readable,
    info: { readonly contentType: string },
    signal: AbortSignal,
  ): Promise<StoredObjectInfo>;
  /** Opens `key` for reading, or null when it does not exist. */
  read(key: string): Promise<StoredObject | null>;
  /** Removes `key` (no error when it does not exist). */
  delete(key: string): Promise<void>;
  /** Keys stored under `prefix` (tests and maintenance; not for hot paths). */
  list(prefix: string): Promise<string[]>;
  /** Releases clients and connections. */
  close(): Promise<void>;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UPLOAD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A new file id (a UUID). */
export function newFileId(): string {
  return randomUUID();
}

/** Whether `id` has the shape of a file id (so a download path can never name another key). */
export function isFileId(id: string): boolean {
  return ID.test(id);
}

/**
 * The storage key of a file: `<tenant>/<Upload>/<id>`. The tenant is percent-encoded (so `/`,
 * `..` or `\` in a tenant id stay one harmless segment); the upload name and id are checked.
 */
export function storageKey(tenant: string, upload: string, id: string): string {
  if (!UPLOAD_NAME.test(upload)) throw new Error(`Hamlet: invalid upload name ${JSON.stringify(upload)}`);
  if (!isFileId(id)) throw new Error(`Hamlet: invalid file id ${JSON.stringify(id)}`);
  const segment = encodeURIComponent(tenant).replace(/\./g, "%2E");
  return `${segment}/${upload}/${id}`;
}
