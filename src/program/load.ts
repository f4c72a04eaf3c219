/** Loads entry files and everything they import, in a stable order, detecting cycles. */
import { dirname, relative, resolve } from "node:path";
import type { Document } from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { parse } from "../../grammar/parser.js";
import type { CompilerHost } from "./host.js";

export interface LoadResult {
  /** Every document, imports before the files that import them. */
  readonly documents: Document[];
  /** Text of every file read, for code frames. */
  readonly sources: Map<string, string>;
  readonly diagnostics: Diagnostic[];
}

export function loadDocuments(entries: readonly string[], host: CompilerHost): LoadResult {
  const documents: Document[] = [];
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const display = (p: string): string => relative(process.cwd(), p) || p;

  const visit = (file: string): void => {
    if (done.has(file)) return;
    const read = host.readFile(file);
    done.add(file);
    if ("error" in read) {
      diagnostics.push(diagnostic("HAM0103", undefined, { path: display(file), reason: read.error }));
      return;
    }
    sources.set(file, read.text);
    const { document, diagnostics: syntax } = host.parse ? host.parse(read.text, file) : parse(read.text, file);
    diagnostics.push(...syntax);
    stack.push(file);
    const imported = new Set<string>();
    for (const imp of document.imports) {
      if (imp.path.value === "") continue;
      const target = resolve(dirname(file), imp.path.value);
      if (imported.has(target)) {
        diagnostics.push(diagnostic("HAM0106", imp.span, { path: imp.path.value }));
        continue;
      }
      imported.add(target);
      if (stack.includes(target)) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].map(display).join(" → ");
        diagnostics.push(diagnostic("HAM0102", imp.span, { cycle }));
        continue;
      }
      if (!done.has(target) && "error" in host.readFile(target)) {
        done.add(target);
        diagnostics.push(diagnostic("HAM0101", imp.path.span, { path: imp.path.value }));
        continue;
      }
      visit(target);
    }
    stack.pop();
    documents.push(document);
  };

  for (const entry of entries) visit(resolve(entry));
  return { documents, sources, diagnostics };
}
