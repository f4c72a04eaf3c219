/** File access for the compiler, so that an editor can supply unsaved text. */
import { readFileSync } from "node:fs";
import type { parse } from "../../grammar/parser.js";

export interface CompilerHost {
  /** The file's text, or an error message when it cannot be read. */
  readFile(path: string): { text: string } | { error: string };
  /** Parses a file's text; given by hosts that keep parsed files between compilations. */
  parse?(text: string, file: string): ReturnType<typeof parse>;
}

export const nodeHost: CompilerHost = {
  readFile(path) {
    try {
      return { text: readFileSync(path, "utf8") };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        error: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (error as Error).message,
      };
    }
  },
};

/** A host that serves some files from memory and the rest from disk (the language server). */
export function overlayHost(overlay: ReadonlyMap<string, string>, base: CompilerHost = nodeHost): CompilerHost {
  return {
    readFile: (path) => {
      const text = overlay.get(path);
      return text !== undefined ? { text } : base.readFile(path);
    },
    ...(base.parse ? { parse: base.parse.bind(base) } : {}),
  };
}
