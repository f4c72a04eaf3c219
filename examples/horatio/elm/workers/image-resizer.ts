/**
 * The body of the `ImageResizer` worker (schema/app.hamlet) in the browser: a Web Worker that
 * shrinks the photo the user chose before it is uploaded, so a 12-megapixel picture travels as
 * at most 2048 px (`max_side`). `createImageBitmap` decodes it and an `OffscreenCanvas` draws it
 * smaller, off the page's thread; progress is reported at each stage. elm/build.mjs bundles this
 * file with esbuild into public/image-resizer.worker.js; public/app.js gives it to
 * runtime-elm/js/worker.js, and the Elm app (src/Photo.elm) starts it with `Api.Workers`.
 * An image that is small enough already comes back unchanged (same bytes, same type).
 * Type-checked against the WebWorker library by tsconfig.json beside it (test/horatio-web-worker-types.test.ts).
 */
import { defineWebWorkerImageResizer } from "../../generated/typescript/web-workers.js";
import type { Bytes } from "../../generated/typescript/types.js";

/** The bytes of base64 `text`, in an `ArrayBuffer` (a `Blob` part cannot be a shared buffer). */
function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): Bytes {
  let binary = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + 0x8000, bytes.length)));
  return btoa(binary) as Bytes;
}

/** The media type the first bytes announce (the types PhotoUpload accepts). */
function sniff(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "image/jpeg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") return "image/webp";
  return "application/octet-stream";
}

defineWebWorkerImageResizer(async ({ image, max_side }, { progress, fail }) => {
  const original = fromBase64(image);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([original]));
  } catch {
    return fail({ error: "this file is not an image the browser can read" });
  }
  progress({ percent: 40 });
  const { width, height } = bitmap;
  const scale = Math.min(1, max_side / Math.max(width, height));
  if (scale === 1) {
    bitmap.close();
    progress({ percent: 100 });
    return { image, width, height, content_type: sniff(original) };
  }
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const context = canvas.getContext("2d");
  if (context === null) return fail({ error: "this browser cannot draw in a Web Worker" });
  context.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  progress({ percent: 70 });
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 });
  const resized = new Uint8Array(await blob.arrayBuffer());
  progress({ percent: 100 });
  return { image: toBase64(resized), width: w, height: h, content_type: "image/jpeg" };
});
