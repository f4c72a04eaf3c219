/**
 * What watch mode and the language server keep between compilations: parsed files (an unchanged
 * file is not parsed again, an edited one only where it changed) and lowered declarations (only
 * the edited declarations and those that read what they changed are checked again), and for
 * watch mode what the last build printed and wrote.
 */
import { EmitMemo } from "../emit/fragment-cache.js";
import { OutputMemory } from "../emit/write.js";
import type { CompilerHost } from "./host.js";
import { LoweringMemo } from "./lowering-memo.js";
import { ParseCache } from "./parse-cache.js";

export class CompileCache {
  readonly parsed = new ParseCache();
  readonly lowered = new LoweringMemo();
  /** What the emitters printed in the last build of a watch session, reused where its inputs are unchanged. */
  readonly emitted = new EmitMemo();
  /** What the builds of a watch session wrote, so unchanged output files are not read back. */
  readonly outputs = new OutputMemory((content) => this.emitted.piecesOf(content));

  /** `host` parsing through the cache. */
  host(host: CompilerHost): CompilerHost {
    return this.parsed.host(host);
  }
}
