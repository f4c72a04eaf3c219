/**
 * Photo uploads (`upload PhotoUpload`, generated `uploads.ts`): the runtime receives, checks and
 * stores the file before this handler runs; the handler records the photo (`PhotoRow`: who
 * uploaded it, its caption) in the request's transaction and emits `PhotoUploaded`, which starts
 * the `PublishPhoto` workflow (publishing.ts). Without the event store workflows do not run, so
 * the photo is stored only.
 */
import type { UploadHandlers } from "../generated/typescript/uploads.js";
import { repositories } from "../generated/typescript/repositories.js";
import type { Uuid } from "../generated/typescript/types.js";

export function createPhotoUploads(): UploadHandlers {
  return {
    async photoUpload(fields, file, context) {
      const author = context.session.data["handle"];
      if (typeof author !== "string") throw new Error("session without a handle");
      if (context.tx !== null) {
        await repositories(context.tx, context.tenant).photoRow.insert({
          id: file.id as Uuid,
          author,
          caption: fields.caption ?? "",
          content_type: file.contentType,
        });
      }
      await context.emit("PhotoUploaded", { photo_id: file.id as Uuid, storage_key: file.key });
      return { photo_id: file.id as Uuid };
    },
  };
}
