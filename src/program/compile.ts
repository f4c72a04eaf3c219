/**
 * The pipeline: load → lex → parse → check. Emitting is a separate step that runs only on a
 * schema without errors (see `src/emit/run.ts`).
 */
import { resolve } from "node:path";
import type { Document } from "../ast/nodes.js";
import { checkDocuments, type LoweringReuse } from "../check/check.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { hasErrors } from "../diagnostics/types.js";
import { builtinNaming } from "../../emitters/naming.js";
import type { NamingRules } from "../schema/naming.js";
import type { Features, Schema } from "../schema/types.js";
import { nodeHost, type CompilerHost } from "./host.js";
import { loadDocuments } from "./load.js";
import { collectGarbageIfLarge, ONE_SHOT_HEAP } from "./memory.js";

export interface CompileOptions {
  readonly entries: readonly string[];
  readonly features: Features;
  readonly host?: CompilerHost;
  /** Naming rules of the emitters whose generated names are checked; all built-in ones by default. */
  readonly naming?: readonly NamingRules[];
  /** Lowered declarations kept from earlier compilations (watch mode, the language server). */
  readonly lowered?: LoweringReuse;
}

export interface CompileResult {
  readonly documents: Document[];
  readonly sources: Map<string, string>;
  /** Present only when there are no errors. */
  readonly schema: Schema | undefined;
  readonly diagnostics: Diagnostic[];
}

export function compile(options: CompileOptions): CompileResult {
  const loaded = loadDocuments(options.entries, options.host ?? nodeHost);
  // The parse garbage (tokens, parser state) goes before checking, or the heap grows for the
  // checker (5,000 records: about 120 MB in use after parsing, most of it garbage). Only in
  // one-shot compilations: the language server and watch builds (a kept host or lowerings) must
  // not pay a full collection on every check once their heap is large.
  if (options.host === undefined && options.lowered === undefined) collectGarbageIfLarge(ONE_SHOT_HEAP);
  const checked = checkDocuments(
    loaded.documents,
    options.features,
    options.entries[0] === undefined ? undefined : resolve(options.entries[0]),
    options.naming ?? builtinNaming,
    options.lowered,
  );
  const diagnostics = [...loaded.diagnostics, ...checked.diagnostics];
  const schema = hasErrors(diagnostics) ? undefined : checked.schema;
  return { documents: loaded.documents, sources: loaded.sources, schema, diagnostics: sortDiagnostics(diagnostics) };
}

/** Orders diagnostics by file, then position, so output is stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file ?? "";
    const fb = b.span?.file ?? "";
    return fa < fb ? -1 : fa > fb ? 1 : (a.span?.start ?? 0) - (b.span?.start ?? 0);
  });
}
