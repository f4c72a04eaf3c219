/**
 * The routes of generated `registerUploads`: per `upload` its multipart route and a download
 * route, on one {@link UploadStorage}. Rules (also in runtime-node/README.md, "Uploads"):
 * - text fields must come before the part named `file` (400 `BadUpload` otherwise);
 * - a refused upload leaves nothing in storage, and the connection is closed after the reply
 *   (the rest of the body is never parsed);
 * - with `@emits`, the handler runs in an event transaction (generated code); in memory mode the
 *   emitted events are processed before the reply.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendUnexpectedError } from "../error-replies.js";
import { eventSystemOf } from "../http/emitting.js";
import { committed, endpointContext, fastifyPath, Failure, fromText, relocateIssues } from "../http/routes.js";
import type { HamletServer } from "../server.js";
import { receiveUpload } from "./receive.js";
import { isFileId, newFileId, storageKey, type UploadStorage } from "./storage.js";
import { uploadStorageFromConfig } from "./config.js";
import { refusalStatus, type UploadOutcome, type UploadRefusal, type UploadSpec } from "./types.js";

/** Options of generated `registerUploads` (all optional). */
export interface UploadOptions {
  /** Where files go (default: from `config.uploads`, else local files under `.hamlet/uploads`). */
  readonly storage?: UploadStorage;
  /** Largest file of an upload that declares no `max_size` (default 100 MiB). */
  readonly maxFileBytes?: number;
  /** Largest text field in bytes (default 64 KiB). */
  readonly maxFieldBytes?: number;
  /** Largest image area in pixels, whatever `max_dimensions` says (default 50 million). */
  readonly maxPixels?: number;
  /** An upload that sends nothing for this long is refused with 408 (default 15 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Prefix of the download routes, `GET <prefix>/<Upload>/<id>` (default `/files`); `false` serves
   * no downloads (serve them yourself, e.g. through signed URLs).
   */
  readonly downloadPrefix?: string | false;
  /**
   * Decides whether the request may download a file of its tenant (default: yes; with
   * `@auth(session)` a session is required before this is asked). Answer false for 404.
   */
  readonly authorizeDownload?: (request: FastifyRequest, upload: string, id: string) => boolean | Promise<boolean>;
  /** Called once per upload request with what happened (logs, metrics, benchmarks). */
  readonly onOutcome?: (outcome: UploadOutcome) => void;
  /** Longest time to wait for in-memory event processing before answering (default 30 s). */
  readonly processingTimeoutMs?: number;
}

/** What `registerUploads` returns. */
export interface UploadRoutes {
  readonly storage: UploadStorage;
  /** The download path of a stored file (`/files/PhotoUpload/<id>`), or null without download routes. */
  downloadPath(upload: string, id: string): string | null;
}

const DEFAULTS = {
  maxFileBytes: 100 * 1024 * 1024,
  maxFieldBytes: 64 * 1024,
  maxPixels: 50_000_000,
  idleTimeoutMs: 15_000,
  processingTimeoutMs: 30_000,
};
/** After a refusal, how much of the rest of the body is read (and dropped) so the client sees the reply. */
const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 1000;
const parsersAdded = new WeakSet<object>();

/** An upload spec with its own field, response and error types erased (what {@link serveUploads} takes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each spec keeps its types inside defineUpload
export type AnyUploadSpec = UploadSpec<any, any, any>;

/** Type-checks one upload spec (fields, response and errors agree with its handler) for {@link serveUploads}. */
export function defineUpload<F, Res, E>(spec: UploadSpec<F, Res, E>): AnyUploadSpec {
  return spec;
}

/** Serves uploads on `app` (generated `registerUploads` calls this with every upload of the schema). */
export function serveUploads(
  app: HamletServer,
  specs: readonly AnyUploadSpec[],
  options: UploadOptions = {},
): UploadRoutes {
  const storage = options.storage ?? uploadStorageFromConfig(app.hamlet.config);
  if (options.storage === undefined) app.addHook("onClose", () => storage.close());
  if (!parsersAdded.has(app)) {
    parsersAdded.add(app);
    // The body stays unread: the upload route streams it through busboy itself.
    if (!app.hasContentTypeParser("multipart/form-data"))
      app.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null, undefined));
  }
  const prefix = options.downloadPrefix ?? "/files";
  for (const spec of specs) {
    serveOne(app, spec, storage, options);
    if (prefix !== false) serveDownload(app, spec, storage, prefix, options);
  }
  return {
    storage,
    downloadPath: (upload, id) => (prefix === false ? null : `${prefix}/${upload}/${id}`),
  };
}

function serveOne<F, Res, E>(
  app: HamletServer,
  spec: UploadSpec<F, Res, E>,
  storage: UploadStorage,
  options: UploadOptions,
): void {
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULTS.maxFieldBytes;
  const maxSize = spec.file.maxSize ?? options.maxFileBytes ?? DEFAULTS.maxFileBytes;
  const fieldNames = new Set(Object.keys(spec.fields));
  // Multipart framing, part headers and the fields come on top of the file.
  const maxBody = maxSize + (fieldNames.size + 1) * (maxFieldBytes + 1024) + 16 * 1024;
  app.route({
    method: spec.method,
    url: fastifyPath(spec.path),
    ...(spec.auth ? { preHandler: app.requireSession } : {}),
    handler: async (request, reply) => {
      const started = Date.now();
      const report = (status: number, tag: string, bytesRead: number, fileBytes: number): void =>
        options.onOutcome?.({ upload: spec.name, status, tag, bytesRead, fileBytes, ms: Date.now() - started });
      const declared = Number(request.headers["content-length"]);
      if (Number.isFinite(declared) && declared > maxBody) {
        report(413, "PayloadTooLarge", 0, 0);
        return refuse(request, reply, {
          tag: "PayloadTooLarge",
          message: `the request body (${declared} bytes) is larger than a file of ${maxSize} bytes can make it`,
          max_size: maxSize,
        });
      }
      const params = (request.params ?? {}) as Record<string, unknown>;
      let decoded: F | undefined;
      const id = newFileId();
      const key = storageKey(request.tenant ?? "", spec.name, id);
      const received = await receiveUpload(request.raw, {
        constraints: spec.file,
        maxFileBytes: maxSize,
        fieldNames,
        maxFieldBytes,
        maxPixels: options.maxPixels ?? DEFAULTS.maxPixels,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
        storage,
        key,
        checkFields: (fields) => {
          const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          for (const [name, param] of Object.entries(spec.fields))
            if (Object.hasOwn(fields, name)) raw[name] = fromText(fields[name]!, param.kind);
          for (const [name, param] of Object.entries(spec.pathParams)) {
            const text = params[name];
            raw[name] = typeof text === "string" ? fromText(text, param.kind) : text;
          }
          const result = spec.decode(raw);
          if (result.ok) {
            decoded = result.value;
            return undefined;
          }
          return { tag: "ValidationFailed", issues: relocateIssues(result.errors, spec.pathParams, {}) };
        },
      });
      if (!received.ok) {
        const status = refusalStatus(received.refusal);
        report(status, received.refusal.tag, received.bytesRead, received.fileBytes);
        if (received.clientGone) return reply.hijack();
        return refuse(request, reply, received.refusal);
      }
      const file = { id, key, ...received.file };
      const context = endpointContext(app, request, reply);
      let result: Res | Failure<E> | void;
      try {
        result = await spec.handle(decoded as F, file, context);
        const system = spec.emits ? eventSystemOf(app) : undefined;
        if (system !== undefined && !system.durable && !(result instanceof Failure))
          await system.drain({ timeoutMs: options.processingTimeoutMs ?? DEFAULTS.processingTimeoutMs });
      } catch (error) {
        await storage.delete(key).catch(() => undefined);
        report(500, "InternalError", received.bytesRead, received.file.size);
        return sendUnexpectedError(request, reply, error, () =>
          app.hamlet.crashed(request, error, `upload handler ${spec.name} failed`),
        );
      }
      if (result instanceof Failure) {
        await storage.delete(key).catch(() => undefined);
        const error = result.error as E;
        const tag = (error as { tag?: unknown }).tag;
        const status = (typeof tag === "string" ? spec.errors?.status[tag] : undefined) ?? 422;
        report(status, typeof tag === "string" ? tag : "Failure", received.bytesRead, received.file.size);
        if (spec.errors === undefined) {
          app.hamlet.crashed(request, new Error(`${spec.name} declares no errors`), `upload ${spec.name} failed`);
          return reply.code(500).send({ tag: "InternalError" });
        }
        return reply.code(status).send(spec.errors.encode(error));
      }
      committed(app, request);
      report(spec.encode === undefined ? 204 : 200, "Stored", received.bytesRead, received.file.size);
      if (reply.sent) return reply;
      if (spec.encode === undefined) return reply.code(204).send();
      return reply
        .code(200)
        .type("application/json; charset=utf-8")
        .send(JSON.stringify(spec.encode(result as Res)));
    },
  });
}

/**
 * Answers a refusal and closes the connection without parsing the rest of the body: once the
 * reply is written, the server half-closes (FIN) and keeps reading and dropping what the client
 * still sends, at most {@link LINGER_BYTES} or {@link LINGER_MS}, so a client that is still
 * sending gets to read the reply instead of a reset; then the socket is destroyed.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, refusal: UploadRefusal): FastifyReply {
  const raw = request.raw;
  if (!raw.complete) {
    let dropped = 0;
    let lingering = false;
    const destroy = (): void => {
      raw.off("data", drop);
      raw.socket?.destroy();
    };
    const drop = (chunk: Buffer): void => {
      if (!lingering) return;
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) destroy();
    };
    raw.on("data", drop);
    raw.resume();
    reply.raw.once("finish", () => {
      lingering = true;
      raw.socket?.end();
      setTimeout(destroy, LINGER_MS).unref();
    });
  }
  // No `Connection: close`: Node would then destroy the socket as soon as the reply is flushed,
  // and a client still sending would get a reset instead of the reply. The lingering close does it.
  return reply.code(refusalStatus(refusal)).send(refusal);
}

const INLINE_TYPES = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

function serveDownload<F, Res, E>(
  app: HamletServer,
  spec: UploadSpec<F, Res, E>,
  storage: UploadStorage,
  prefix: string,
  options: UploadOptions,
): void {
  app.route<{ Params: { id: string } }>({
    method: "GET",
    url: `${prefix}/${spec.name}/:id`,
    ...(spec.auth ? { preHandler: app.requireSession } : {}),
    handler: async (request, reply) => {
      const { id } = request.params;
      if (!isFileId(id)) return reply.code(404).send({ tag: "NotFound" });
      if (options.authorizeDownload !== undefined && !(await options.authorizeDownload(request, spec.name, id)))
        return reply.code(404).send({ tag: "NotFound" });
      const object = await storage.read(storageKey(request.tenant ?? "", spec.name, id));
      if (object === null) return reply.code(404).send({ tag: "NotFound" });
      const inline = INLINE_TYPES.test(object.contentType);
      return reply
        .code(200)
        .header("content-type", object.contentType)
        .header("content-length", String(object.size))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, max-age=0")
        .header("content-disposition", inline ? "inline" : `attachment; filename="${id}"`)
        .send(object.body);
    },
  });
}
