/**
 * Keeping the text of large generated files small in memory (a one-shot build of a 5,000-record
 * schema must stay under 300 MB).
 */
import { collectGarbageIfLarge, ONE_SHOT_HEAP } from "../program/memory.js";

/** Printed text (UTF-16 units) above which a file counts as large. */
export const LARGE_TEXT = 4 * 1024 * 1024;

/**
 * `text` as one flat string. V8 builds the result of a global `replace` as a tree of its pieces
 * (a cons string), about five times the size of the characters it holds (a 5,000-record OpenAPI
 * document: 98 MB of trees for 21 MB of text); reading a character flattens it in place, so the
 * pieces are garbage at once. For text an emitter keeps until its file is written.
 */
export function flatText(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * Collects the garbage of printing a large file (`length` UTF-16 units), so that the heap does not
 * grow beside it for what comes next: before a file's statements are joined into its text, or
 * once its text is made and what it was printed from is gone. Nothing for a small file or a small heap.
 */
export function collectAfterLargeText(length: number): void {
  if (length > LARGE_TEXT) collectGarbageIfLarge(ONE_SHOT_HEAP);
}

/** `text`, once the garbage of printing it is collected (`collectAfterLargeText`). */
export function afterLargeFile(text: string): string {
  collectAfterLargeText(text.length);
  return text;
}
