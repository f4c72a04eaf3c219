/** The storage an app's uploads use, from `config.uploads` (`[hamlet.uploads]` of hamlet.toml). */
import { resolve } from "node:path";
import type { HamletConfig } from "../config.js";
import { createLocalStorage } from "./local-storage.js";
import { createS3Storage, type S3StorageOptions } from "./s3-storage.js";
import type { UploadStorage } from "./storage.js";

/** Where uploaded files are kept (`HamletConfig.uploads`). */
export type UploadsConfig =
  | {
      readonly storage?: "local";
      /** Folder of the files (default `.hamlet/uploads` under the working directory). */
      readonly dir?: string;
    }
  | ({ readonly storage: "s3" } & S3StorageOptions);

/** The default folder of local uploads, relative to the project. */
export const DEFAULT_UPLOADS_DIR = ".hamlet/uploads";

/** Builds the storage `config.uploads` describes (local files by default). */
export function uploadStorageFromConfig(config: Pick<HamletConfig, "uploads">): UploadStorage {
  const uploads = config.uploads ?? {};
  if (uploads.storage === "s3") return createS3Storage(uploads);
  return createLocalStorage({ dir: resolve(uploads.dir ?? DEFAULT_UPLOADS_DIR) });
}
