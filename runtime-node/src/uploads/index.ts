/** File uploads: streaming multipart receiving, local and S3 storage, download routes. */
export { DEFAULT_UPLOADS_DIR, uploadStorageFromConfig, type UploadsConfig } from "./config.js";
export { inspectHead, typeAllowed, type Inspection } from "./inspect.js";
export { createLocalStorage, type LocalStorageOptions } from "./local-storage.js";
export { receiveUpload, safeFilename, type Received, type ReceivedFile, type ReceiveSettings } from "./receive.js";
export { defineUpload, serveUploads, type AnyUploadSpec, type UploadOptions, type UploadRoutes } from "./routes.js";
export { createS3Storage, type S3StorageOptions } from "./s3-storage.js";
export {
  isFileId,
  newFileId,
  storageKey,
  type StoredObject,
  type StoredObjectInfo,
  type UploadStorage,
} from "./storage.js";
export {
  refusalStatus,
  type FileConstraints,
  type UploadedFile,
  type UploadOutcome,
  type UploadRefusal,
  type UploadSpec,
} from "./types.js";
