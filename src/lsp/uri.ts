/** File URIs ↔ absolute paths; the server keys everything by path. */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where documents that are not files (`untitled:Untitled-1`) pretend to live. */
const VIRTUAL_ROOT = resolve("/", "__hamlet_unsaved__");

export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : resolve(VIRTUAL_ROOT, encodeURIComponent(uri));
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}
