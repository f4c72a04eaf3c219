/** Prints diagnostics for people (with code frames) and for tools (`--format json`). */
import { relative } from "node:path";
import { lineStarts, positionAt } from "./position.js";
import type { Diagnostic } from "./types.js";

/** The JSON shape of one diagnostic; lines and columns are 1-based, the end is exclusive. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly hint?: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly endLine: number | null;
  readonly endColumn: number | null;
}

type Sources = ReadonlyMap<string, string>;

function located(d: Diagnostic, sources: Sources) {
  if (!d.span) return undefined;
  const text = sources.get(d.span.file);
  if (text === undefined)
    return { file: d.span.file, start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, text: undefined };
  const starts = lineStarts(text);
  return {
    file: d.span.file,
    start: positionAt(starts, d.span.start),
    end: positionAt(starts, d.span.end),
    text,
    starts,
  };
}

export function toJson(d: Diagnostic, sources: Sources, cwd = process.cwd()): DiagnosticJson {
  const at = located(d, sources);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
    file: at ? relative(cwd, at.file) || at.file : null,
    line: at?.start.line ?? null,
    column: at?.start.column ?? null,
    endLine: at?.end.line ?? null,
    endColumn: at?.end.column ?? null,
  };
}

export interface RenderOptions {
  readonly color: boolean;
  readonly cwd?: string;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** `file:line:col - error HAM0201: message`, then the line with the span underlined, then the hint. */
export function renderHuman(d: Diagnostic, sources: Sources, options: RenderOptions): string {
  const red = paint(options.color, "31");
  const yellow = paint(options.color, "33");
  const cyan = paint(options.color, "36");
  const dim = paint(options.color, "2");
  const bold = paint(options.color, "1");
  const at = located(d, sources);
  const severity = d.severity === "error" ? red("error") : yellow("warning");
  const where = at
    ? `${cyan(relative(options.cwd ?? process.cwd(), at.file) || at.file)}:${yellow(String(at.start.line))}:${yellow(String(at.start.column))} - `
    : "";
  const lines = [`${where}${severity} ${dim(d.code)}: ${bold(d.message)}`];
  if (at?.text !== undefined && at.starts) {
    const lineIndex = at.start.line - 1;
    const lineText = at.text
      .slice(at.starts[lineIndex], (at.starts[lineIndex + 1] ?? at.text.length + 1) - 1)
      .replace(/\r$/, "");
    const gutter = String(at.start.line);
    const width =
      at.end.line === at.start.line
        ? Math.max(1, at.end.column - at.start.column)
        : Math.max(1, lineText.length - at.start.column + 1);
    const underline = " ".repeat(at.start.column - 1) + (d.severity === "error" ? red : yellow)("~".repeat(width));
    lines.push("", `${dim(gutter)} ${lineText.replace(/\t/g, " ")}`, `${" ".repeat(gutter.length)} ${underline}`);
  }
  if (d.hint) lines.push(`${at ? "\n" : ""}${cyan("hint")}: ${d.hint}`);
  return `${lines.join("\n")}\n`;
}

/** `Found 2 errors and 1 warning.` */
export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `Found ${plural(errors, "error")} and ${plural(warnings, "warning")}.`;
}
