/**
 * The body of the `ImageResizer` worker (schema/app.hamlet) in the server's worker threads: sharp
 * decodes the image, shrinks it to fit a `max_side` square (never enlarging it) and writes WebP.
 * The thread only computes: the parent reads the original from storage and stores the result.
 * A file sharp cannot read ends the run with the declared `ResizeFailed`, not a crash.
 */
import sharp, { type Metadata } from "sharp";
import { defineImageResizer } from "../generated/typescript/workers.js";
import type { Bytes } from "../generated/typescript/types.js";

export default defineImageResizer(async ({ image, max_side }, { progress, fail }) => {
  const original = Buffer.from(image, "base64");
  let metadata: Metadata;
  try {
    metadata = await sharp(original).metadata();
  } catch (error) {
    return fail({ error: `not a readable image: ${(error as Error).message}` });
  }
  progress({ percent: 25 });
  try {
    const { data, info } = await sharp(original)
      .rotate() // applies the EXIF orientation, so the thumbnail stands the way the photo was taken
      .resize({ width: max_side, height: max_side, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    progress({ percent: 100 });
    return {
      image: data.toString("base64") as Bytes,
      width: info.width,
      height: info.height,
      content_type: "image/webp",
    };
  } catch (error) {
    return fail({ error: `cannot resize this ${metadata.format ?? "image"}: ${(error as Error).message}` });
  }
});
