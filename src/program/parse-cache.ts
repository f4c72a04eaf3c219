/**
 * Parsed files kept between compilations (watch mode, the language server): a file whose text
 * is unchanged is not parsed again, and an edited one is re-parsed only where it changed
 * (`reparse`: the declarations the edit touches) when that is sure to equal a full parse.
 * Parsed documents are never modified by the checker, so sharing them between compilations is safe;
 * a re-parse moves the spans of the declarations after an edit in place (the old parse is dropped).
 */
import { parse } from "../../grammar/parser.js";
import type { CompilerHost } from "./host.js";
import { reparse } from "./reparse.js";

type Parsed = ReturnType<typeof parse>;

export class ParseCache {
  private readonly entries = new Map<string, { readonly text: string; readonly parsed: Parsed }>();

  parse(text: string, file: string): Parsed {
    const cached = this.entries.get(file);
    if (cached && cached.text === text) return cached.parsed;
    const parsed = (cached && reparse(cached.text, cached.parsed, text, file)) ?? parse(text, file);
    this.entries.set(file, { text, parsed });
    return parsed;
  }

  /** `host` parsing through this cache. */
  host(host: CompilerHost): CompilerHost {
    return { readFile: (path) => host.readFile(path), parse: (text, file) => this.parse(text, file) };
  }
}
