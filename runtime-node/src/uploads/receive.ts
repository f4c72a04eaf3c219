/**
 * Reads one `multipart/form-data` upload from the request stream with busboy, never holding the
 * file in memory: the text fields first (they must precede the file part), then the file, whose
 * first bytes are inspected before anything is stored and whose rest streams to storage. Every
 * busboy limit is set; the first problem ends the upload, aborts the storage write (so nothing is
 * left behind) and stops parsing.
 */
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import busboy from "busboy";
import { inspectHead, MAX_HEADER_BYTES, SNIFF_BYTES } from "./inspect.js";
import type { UploadStorage } from "./storage.js";
import type { FileConstraints, UploadRefusal } from "./types.js";

/** Settings of one receive. */
export interface ReceiveSettings {
  readonly constraints: FileConstraints;
  /** Largest file when the schema declares no `max_size`. */
  readonly maxFileBytes: number;
  /** Names of the text parts the upload accepts. */
  readonly fieldNames: ReadonlySet<string>;
  /** Largest text part in bytes. */
  readonly maxFieldBytes: number;
  /** Largest image area in pixels (decompression bombs). */
  readonly maxPixels: number;
  /** A request that sends nothing for this long is refused (408). */
  readonly idleTimeoutMs: number;
  readonly storage: UploadStorage;
  readonly key: string;
  /** Checks the text fields once the file part starts; a refusal stops the upload before storage. */
  readonly checkFields: (fields: Readonly<Record<string, string>>) => UploadRefusal | undefined;
}

/** A file that is now in storage. */
export interface ReceivedFile {
  readonly size: number;
  readonly contentType: string;
  readonly width?: number;
  readonly height?: number;
  readonly filename: string | null;
}

/** What receiving produced. `clientGone`: the client closed the connection, nobody to answer. */
export type Received =
  | {
      readonly ok: true;
      readonly fields: Record<string, string>;
      readonly file: ReceivedFile;
      readonly bytesRead: number;
    }
  | {
      readonly ok: false;
      readonly refusal: UploadRefusal;
      readonly clientGone: boolean;
      readonly bytesRead: number;
      readonly fileBytes: number;
    };

/** The client's file name as a harmless base name, or null. */
export function safeFilename(name: string | undefined): string | null {
  if (name === undefined) return null;
  const base = name.split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim();
  if (cleaned === "" || cleaned === "." || cleaned === "..") return null;
  const bytes = Buffer.from(cleaned, "utf8");
  return bytes.length <= 255
    ? cleaned
    : bytes
        .subarray(0, 255)
        .toString("utf8")
        .replace(/\uFFFD+$/, "");
}

/** Receives the upload in `request` (its body must not have been read). */
export function receiveUpload(request: IncomingMessage, settings: ReceiveSettings): Promise<Received> {
  const maxSize = settings.constraints.maxSize ?? settings.maxFileBytes;
  return new Promise<Received>((resolve) => {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    const abort = new AbortController();
    let bytesRead = 0;
    let fileBytes = 0;
    let fileStarted = false;
    let fileDone = false;
    let parsed = false;
    let stored: Promise<ReceivedFile> | null = null;
    let settled = false;
    let idle: NodeJS.Timeout | undefined;

    const cleanup = (): void => {
      clearTimeout(idle);
      request.off("data", onData);
      request.off("close", onClose);
      request.off("end", onEnd);
    };
    const refuse = (refusal: UploadRefusal, clientGone = false): void => {
      if (settled) return;
      settled = true;
      cleanup();
      abort.abort();
      request.unpipe(parser);
      parser.removeAllListeners("field");
      parser.removeAllListeners("file");
      const done = (): void => resolve({ ok: false, refusal, clientGone, bytesRead, fileBytes });
      // A storage write that already started removes its partial data before we answer.
      if (stored === null) done();
      else void stored.then(done, done);
    };
    const finish = (): void => {
      if (settled || !parsed || !fileDone || stored === null) return;
      void stored.then(
        (file) => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve({ ok: true, fields, file, bytesRead });
        },
        (error: unknown) => refuse({ tag: "BadUpload", message: `the file could not be stored: ${String(error)}` }),
      );
    };
    const resetIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          refuse({
            tag: "RequestTimeout",
            message: `no data for ${settings.idleTimeoutMs} ms; the upload was abandoned`,
          }),
        settings.idleTimeoutMs,
      );
    };
    const onData = (chunk: Buffer): void => {
      bytesRead += chunk.length;
      resetIdle();
    };
    // The whole body is in: the idle timeout no longer applies (storage and the handler may take longer).
    const onEnd = (): void => clearTimeout(idle);
    const onClose = (): void => {
      if (!request.complete) refuse({ tag: "BadUpload", message: "the client closed the connection mid-upload" }, true);
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: "utf8",
        limits: {
          fieldNameSize: 100,
          fieldSize: settings.maxFieldBytes,
          fields: settings.fieldNames.size,
          // busboy signals the limit when a file reaches it: one byte more means "larger than max_size".
          fileSize: maxSize + 1,
          files: 1,
          // busboy announces the limit when the last allowed part ends; one more part is one too many.
          parts: settings.fieldNames.size + 2,
          headerPairs: 16,
        },
      });
    } catch (error) {
      resolve({
        ok: false,
        refusal: {
          tag: "UnsupportedMediaType",
          message: `send multipart/form-data with a boundary (${(error as Error).message})`,
        },
        clientGone: false,
        bytesRead: 0,
        fileBytes: 0,
      });
      return;
    }

    parser.on("field", (name, value, info) => {
      if (fileStarted)
        return refuse({
          tag: "BadUpload",
          message: `the field "${name}" came after the file; send every field before the part named "file"`,
        });
      if (!settings.fieldNames.has(name))
        return refuse({
          tag: "BadUpload",
          message: `unexpected part "${name}"; expected ${[...settings.fieldNames, "file"].map((n) => `"${n}"`).join(", ")}`,
        });
      if (Object.hasOwn(fields, name))
        return refuse({ tag: "BadUpload", message: `the field "${name}" was sent twice` });
      if (info.nameTruncated || info.valueTruncated)
        return refuse({
          tag: "BadUpload",
          message: `the field "${name}" is longer than ${settings.maxFieldBytes} bytes`,
        });
      fields[name] = value;
    });

    parser.on("file", (name, stream, info) => {
      if (name !== "file") {
        stream.resume();
        return refuse({
          tag: "BadUpload",
          message: `unexpected file part "${name}"; the file goes in the part named "file"`,
        });
      }
      fileStarted = true;
      const problem = settings.checkFields(fields);
      if (problem !== undefined) {
        stream.resume();
        return refuse(problem);
      }
      const head: Buffer[] = [];
      let headBytes = 0;
      let inspecting = false;
      let decided = false;
      let ended = false;
      let needed = SNIFF_BYTES;
      stream.on("limit", () =>
        refuse({
          tag: "PayloadTooLarge",
          message: `the file is larger than ${maxSize} bytes`,
          max_size: maxSize,
        }),
      );
      stream.on("data", (chunk: Buffer) => (fileBytes += chunk.length));
      stream.on("error", (error: Error) =>
        refuse({ tag: "BadUpload", message: `malformed multipart body: ${error.message}` }),
      );
      const store = (contentType: string, width: number | undefined, height: number | undefined): void => {
        decided = true;
        stream.off("data", collect);
        const body = new PassThrough({ highWaterMark: 64 * 1024 });
        const filename = safeFilename(info.filename);
        stored = settings.storage.write(settings.key, body, { contentType }, abort.signal).then((object) => ({
          size: object.size,
          contentType,
          filename,
          ...(width === undefined ? {} : { width }),
          ...(height === undefined ? {} : { height }),
        }));
        stored.catch(() => undefined);
        body.write(Buffer.concat(head));
        if (ended) {
          body.end();
          fileDone = true;
          finish();
        } else stream.pipe(body);
      };
      // The file's end may be announced while its head is being inspected (the stream is paused
      // but already drained): `ended` remembers it, and the inspection's continuation acts on it.
      const decide = (): void => {
        if (inspecting || decided || settled) return;
        inspecting = true;
        stream.pause();
        void inspectHead(Buffer.concat(head), ended, settings.constraints, info.mimeType, settings.maxPixels).then(
          (inspection) => {
            inspecting = false;
            if (settled) return;
            if (inspection.ok === false) return refuse(inspection.refusal);
            if (inspection.ok === "more") {
              needed = Math.min(MAX_HEADER_BYTES, needed * 4);
              if (ended || headBytes >= needed) decide();
              else stream.resume();
              return;
            }
            store(inspection.contentType, inspection.width, inspection.height);
          },
          (error: unknown) =>
            refuse({ tag: "BadUpload", message: `the file could not be inspected: ${String(error)}` }),
        );
      };
      const collect = (chunk: Buffer): void => {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= needed) decide();
      };
      stream.on("data", collect);
      stream.on("end", () => {
        ended = true;
        if (settled || (stream as { truncated?: boolean }).truncated) return;
        if (decided) {
          fileDone = true;
          finish();
        } else if (headBytes === 0) refuse({ tag: "EmptyFile", message: "the file is empty (0 bytes)" });
        else decide();
      });
    });

    const tooMany = (what: string) => () => refuse({ tag: "BadUpload", message: `too many ${what}` });
    parser.on("partsLimit", tooMany(`parts: at most ${settings.fieldNames.size + 1}`));
    parser.on("filesLimit", tooMany('files: send exactly one, in the part named "file"'));
    parser.on("fieldsLimit", tooMany(`fields: at most ${settings.fieldNames.size}`));
    parser.on("error", (error: Error) =>
      refuse({ tag: "BadUpload", message: `malformed multipart body: ${error.message}` }),
    );
    parser.on("close", () => {
      parsed = true;
      if (settled) return;
      if (!fileStarted) return refuse({ tag: "MissingFile", message: 'the upload has no part named "file"' });
      finish();
    });

    request.on("data", onData);
    request.on("close", onClose);
    request.on("end", onEnd);
    resetIdle();
    request.pipe(parser);
  });
}
