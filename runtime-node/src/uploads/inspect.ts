/**
 * Checks of a file's first bytes, before anything is stored: its media type from the bytes
 * themselves (`file-type`; the client's Content-Type and filename are never trusted) and, for
 * images, the dimensions from the header (`image-size`) against `max_dimensions` and a pixel cap
 * (a small file can declare a huge canvas and explode when decoded).
 */
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";
import type { FileConstraints, UploadRefusal } from "./types.js";

/** Bytes `file-type` needs to recognise every format it knows. */
export const SNIFF_BYTES = 4100;
/** Most header bytes buffered to find an image's dimensions (JPEG puts EXIF before them). */
export const MAX_HEADER_BYTES = 256 * 1024;

/** The outcome of looking at a file's head. */
export type Inspection =
  | { readonly ok: true; readonly contentType: string; readonly width?: number; readonly height?: number }
  | { readonly ok: false; readonly refusal: UploadRefusal }
  /** The head is too short to decide (image dimensions not yet readable): send more bytes. */
  | { readonly ok: "more" };

/** Whether `type` is accepted by one of `allowed` (`image/*` accepts every image type). */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === type || (a.endsWith("/*") && type.startsWith(a.slice(0, -1))));
}

const TEXTUAL = /^(text\/[\w.+-]+|application\/(json|xml|csv|[\w.+-]+\+json|[\w.+-]+\+xml))$/;

function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Inspects the first bytes of a file (`complete` when they are the whole file). Text formats
 * have no magic number: a head without NUL bytes that is valid UTF-8 is accepted as the first
 * textual type the upload allows (the client's declared type when it is one of them).
 */
export async function inspectHead(
  head: Uint8Array,
  complete: boolean,
  constraints: FileConstraints,
  declaredType: string,
  maxPixels: number,
): Promise<Inspection> {
  const allowed = constraints.types ?? [];
  const detected = (await fileTypeFromBuffer(head))?.mime;
  let contentType: string;
  if (detected !== undefined) {
    if (allowed.length > 0 && !typeAllowed(detected, allowed))
      return { ok: false, refusal: { tag: "UnsupportedFileType", detected, allowed: [...allowed] } };
    contentType = detected;
  } else {
    const textual = allowed.filter((a) => TEXTUAL.test(a));
    if (allowed.length === 0) contentType = "application/octet-stream";
    else if (textual.length > 0 && looksLikeText(head))
      contentType = textual.includes(declaredType) ? declaredType : textual[0]!;
    else return { ok: false, refusal: { tag: "UnsupportedFileType", detected: null, allowed: [...allowed] } };
  }
  if (!contentType.startsWith("image/")) return { ok: true, contentType };
  let size: { width: number; height: number };
  try {
    size = imageSize(head);
  } catch {
    if (!complete && head.length < MAX_HEADER_BYTES) return { ok: "more" };
    if (constraints.maxDimensions === undefined) return { ok: true, contentType };
    return { ok: false, refusal: { tag: "UnreadableImage", content_type: contentType } };
  }
  const max = constraints.maxDimensions;
  if (max !== undefined && (size.width > max.width || size.height > max.height))
    return {
      ok: false,
      refusal: {
        tag: "ImageTooLarge",
        width: size.width,
        height: size.height,
        max_width: max.width,
        max_height: max.height,
      },
    };
  if (size.width * size.height > maxPixels)
    return {
      ok: false,
      refusal: { tag: "TooManyPixels", width: size.width, height: size.height, max_pixels: maxPixels },
    };
  return { ok: true, contentType, width: size.width, height: size.height };
}
