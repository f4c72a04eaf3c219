/**
 * Photo uploads (`upload PhotoUpload`, generated `uploads.ts`): the runtime receives, checks and
 * stores the file before this handler runs; the handler notes who uploaded it and its caption (in
 * the request's transaction) and emits `PhotoUploaded`, which starts the `PublishPhoto` workflow
 * (publishing.ts). Without the event store workflows do not run, so the photo is stored only.
 */
import { kvFor } from "@hamlet/runtime-node";
import type { UploadHandlers } from "../generated/typescript/uploads.js";
import type { Uuid } from "../generated/typescript/types.js";
import { PHOTO_PREFIX, type PhotoNote } from "./publishing.js";

export function createPhotoUploads(): UploadHandlers {
  return {
    async photoUpload(fields, file, context) {
      const author = context.session.data["handle"];
      if (typeof author !== "string") throw new Error("session without a handle");
      const note: PhotoNote = { author, caption: fields.caption ?? "" };
      const kv = context.tx ? kvFor(context.tx, context.tenant) : context.kv;
      await kv.set(PHOTO_PREFIX + file.id, { ...note });
      await context.emit("PhotoUploaded", { photo_id: file.id as Uuid, storage_key: file.key });
      return { photo_id: file.id as Uuid };
    },
  };
}
