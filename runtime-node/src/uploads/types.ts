/** The shapes shared by the upload runtime and generated `uploads.ts`. */
import type { DecodeResult, EndpointContext, ErrorSpec, Failure, ParamSpec, ValidationIssue } from "../http/routes.js";

/** The `file { ... }` constraints of an `upload` declaration. */
export interface FileConstraints {
  /** Largest accepted file in bytes. */
  readonly maxSize?: number;
  /** Accepted media types (`image/*` accepts every image), checked against the bytes. */
  readonly types?: readonly string[];
  /** Largest accepted image width and height, read from the image header. */
  readonly maxDimensions?: { readonly width: number; readonly height: number };
}

/** A file that was received, checked and stored; what an upload handler gets. */
export interface UploadedFile {
  /** The generated id (a UUID); the download route serves the file under it. */
  readonly id: string;
  /** The storage key: `<tenant>/<Upload>/<id>`. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** The media type detected from the bytes (never the client's claim). */
  readonly contentType: string;
  /** Image width and height when the file is an image whose header could be read. */
  readonly width?: number;
  readonly height?: number;
  /**
   * The client's file name reduced to a harmless base name (no folders, no control characters,
   * at most 255 bytes), for display only; null when none was sent. Never used to store the file.
   */
  readonly filename: string | null;
}

/**
 * Why an upload was refused (the reply body; the status is in {@link refusalStatus}).
 * Field validation problems answer the usual 400 `ValidationFailed` instead.
 */
export type UploadRefusal =
  | { readonly tag: "PayloadTooLarge"; readonly message: string; readonly max_size: number }
  | { readonly tag: "UnsupportedFileType"; readonly detected: string | null; readonly allowed: readonly string[] }
  | {
      readonly tag: "ImageTooLarge";
      readonly width: number;
      readonly height: number;
      readonly max_width: number;
      readonly max_height: number;
    }
  | { readonly tag: "TooManyPixels"; readonly width: number; readonly height: number; readonly max_pixels: number }
  | { readonly tag: "UnreadableImage"; readonly content_type: string }
  | { readonly tag: "EmptyFile"; readonly message: string }
  | { readonly tag: "MissingFile"; readonly message: string }
  | { readonly tag: "BadUpload"; readonly message: string }
  | { readonly tag: "UnsupportedMediaType"; readonly message: string }
  | { readonly tag: "RequestTimeout"; readonly message: string }
  | { readonly tag: "ValidationFailed"; readonly issues: readonly ValidationIssue[] };

/** The HTTP status of each refusal. */
export function refusalStatus(refusal: UploadRefusal): number {
  switch (refusal.tag) {
    case "PayloadTooLarge":
      return 413;
    case "UnsupportedFileType":
    case "UnsupportedMediaType":
      return 415;
    case "ImageTooLarge":
    case "TooManyPixels":
    case "UnreadableImage":
      return 422;
    case "RequestTimeout":
      return 408;
    default:
      return 400;
  }
}

/** What a generated `registerUploads` passes for each `upload`. */
export interface UploadSpec<F, Res, E> {
  readonly name: string;
  readonly method: "POST" | "PUT";
  /** Path template as written in the schema: `/api/albums/{album_id}/photos`. */
  readonly path: string;
  readonly auth: boolean;
  /** Fields taken from path segments. */
  readonly pathParams: Readonly<Record<string, ParamSpec>>;
  /** Fields sent as text parts, before the file part. */
  readonly fields: Readonly<Record<string, ParamSpec>>;
  readonly decode: (value: unknown) => DecodeResult<F>;
  readonly file: FileConstraints;
  /** Whether the upload declares `@emits(...)`: in memory mode the processing then finishes before the reply. */
  readonly emits: boolean;
  readonly encode: ((value: Res) => unknown) | undefined;
  readonly errors: ErrorSpec<E> | undefined;
  readonly handle: (fields: F, file: UploadedFile, context: EndpointContext) => Promise<Res | Failure<E> | void>;
}

/** What happened to one upload request (for logs and metrics: {@link UploadOptions.onOutcome}). */
export interface UploadOutcome {
  readonly upload: string;
  readonly status: number;
  /** The refusal's tag, or `Stored`. */
  readonly tag: string;
  /** Request body bytes the server read before it decided (the rest was never parsed). */
  readonly bytesRead: number;
  /** File bytes received before it decided. */
  readonly fileBytes: number;
  readonly ms: number;
}
