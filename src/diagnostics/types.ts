import type { Span } from "../ast/nodes.js";

export type Severity = "error" | "warning";

/** One problem found in a schema, a config file or a command line. */
export interface Diagnostic {
  /** Stable code such as `HAM0201`; see `messages.ts`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** What to do about it, when there is more to say than the message. */
  readonly hint?: string | undefined;
  /** Where; `undefined` for problems with no location (a missing file given on the command line). */
  readonly span: Span | undefined;
}

/** Collects diagnostics from the stages of one run. */
export interface DiagnosticSink {
  report(diagnostic: Diagnostic): void;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
