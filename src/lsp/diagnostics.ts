/** Compiler diagnostics → LSP diagnostics for one file. */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { OffsetMap } from "./ranges.js";
import type { Workspace } from "./workspace.js";

export function toLspDiagnostic(d: Diagnostic, offsets: OffsetMap): LspDiagnostic {
  return {
    range: d.span ? offsets.spanRange(d.span) : offsets.range(0, 0),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "hamlet",
    message: d.hint ? `${d.message}\n${d.hint}` : d.message,
  };
}

/**
 * Compiles `path` as the entry and keeps the diagnostics located in it (and those with no
 * location, such as an unreadable file, shown at its start).
 */
export function diagnosticsFor(workspace: Workspace, path: string, text: string): LspDiagnostic[] {
  const result = workspace.compile(path);
  const offsets = new OffsetMap(text);
  return result.diagnostics
    .filter((d) => d.span === undefined || d.span.file === path)
    .map((d) => toLspDiagnostic(d, offsets));
}

/** Open files (other than `path`) that import `path`, directly or not. */
export function dependentsOf(workspace: Workspace, path: string): string[] {
  const result: string[] = [];
  for (const other of workspace.openDocuments().keys()) {
    if (other === path) continue;
    const loaded = workspace.load(other);
    if (loaded.documents.some((d) => d.file === path)) result.push(other);
  }
  return result;
}
