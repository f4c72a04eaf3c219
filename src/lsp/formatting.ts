/** Whole-document formatting through the `hamletc fmt` formatter; no edits for text it refuses. */
import type { TextEdit } from "vscode-languageserver/node.js";
import { formatDocument } from "../format/format.js";
import { OffsetMap } from "./ranges.js";

export function formatting(text: string, path: string): TextEdit[] {
  const { output } = formatDocument(text, path);
  if (output === undefined || output === text) return [];
  return [{ range: new OffsetMap(text).range(0, text.length), newText: output }];
}
