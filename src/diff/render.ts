/** Printing a comparison for people (grouped by audience, with source lines) and as JSON. */
import { relative } from "node:path";
import type { Span } from "../ast/nodes.js";
import { lineStarts, positionAt } from "../diagnostics/position.js";
import { audiences, audienceVerdict, type Audience, type Change, type Verdict, type Version } from "./model.js";
import { isAccepted, type DiffPolicy } from "./policy.js";

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Line starts per source text, computed once: a diff may locate thousands of changes in one file. */
const lineStartCache = new Map<string, number[]>();
function startsOf(source: string): number[] {
  let starts = lineStartCache.get(source);
  if (!starts) lineStartCache.set(source, (starts = lineStarts(source)));
  return starts;
}

function locate(
  span: Span | undefined,
  version: Version,
  cwd: string,
): (Location & { text: string | undefined }) | undefined {
  if (!span) return undefined;
  const source = version.sources.get(span.file);
  const file = relative(cwd, span.file) || span.file;
  if (source === undefined) return { file, line: 1, column: 1, text: undefined };
  const starts = startsOf(source);
  const at = positionAt(starts, span.start);
  const end = starts[at.line] ?? source.length;
  return { file, line: at.line, column: at.column, text: source.slice(starts[at.line - 1], end).replace(/\r?\n$/, "") };
}

export interface ChangeJson {
  readonly kind: string;
  readonly path: string;
  readonly message: string;
  readonly accepted: boolean;
  readonly verdicts: {
    readonly wire: { readonly responses: Verdict; readonly requests: Verdict };
    readonly source: Verdict;
    readonly database: Verdict;
  };
  readonly old: Location | null;
  readonly new: Location | null;
}

export interface DiffJson {
  readonly old: string;
  readonly new: string;
  readonly failOn: readonly Audience[];
  /** True when the command exits 1. */
  readonly failed: boolean;
  readonly changes: readonly ChangeJson[];
}

export function toJson(
  changes: readonly Change[],
  before: Version,
  after: Version,
  policy: DiffPolicy,
  failed: boolean,
  cwd = process.cwd(),
): DiffJson {
  const loc = (span: Span | undefined, v: Version): Location | null => {
    const at = locate(span, v, cwd);
    return at ? { file: at.file, line: at.line, column: at.column } : null;
  };
  return {
    old: before.label,
    new: after.label,
    failOn: policy.failOn,
    failed,
    changes: changes.map((c) => ({
      kind: c.kind,
      path: c.path,
      message: c.message,
      accepted: isAccepted(c, policy),
      verdicts: {
        wire: { responses: c.verdicts.responses, requests: c.verdicts.requests },
        source: c.verdicts.source,
        database: c.verdicts.database,
      },
      old: loc(c.old, before),
      new: loc(c.new, after),
    })),
  };
}

const audienceTitle: Record<Audience, string> = {
  wire: "Wire (deployed clients)",
  source: "Source (code using the generated modules)",
  database: "Database (existing rows)",
};

export function renderHuman(
  changes: readonly Change[],
  before: Version,
  after: Version,
  policy: DiffPolicy,
  options: { color: boolean; cwd?: string },
): string {
  const cwd = options.cwd ?? process.cwd();
  const paint = (code: string) => (s: string) => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = paint("31");
  const yellow = paint("33");
  const dim = paint("2");
  const bold = paint("1");
  const out: string[] = [
    `Comparing ${before.label} → ${after.label}: ${changes.length} change${changes.length === 1 ? "" : "s"}.`,
  ];
  const frame = (label: string, span: Span | undefined, v: Version): void => {
    const at = locate(span, v, cwd);
    if (!at) return;
    out.push(dim(`    ${label} ${v.label.startsWith("git:") ? `${v.label} ` : ""}${at.file}:${at.line}:${at.column}`));
    if (at.text !== undefined) out.push(`    ${String(at.line).padStart(5)} | ${at.text}`);
  };
  const detail = (c: Change, audience: Audience): void => {
    const accepted = isAccepted(c, policy) ? dim(" (accepted in hamlet.toml)") : "";
    out.push(`  ${bold(c.kind)} ${c.path}${accepted}`);
    out.push(`    ${c.message}`);
    if (audience === "wire")
      out.push(
        `    old client ← new server (responses): ${c.verdicts.responses}; new server ← old client (requests): ${c.verdicts.requests}`,
      );
    frame("old", c.old, before);
    frame("new", c.new, after);
  };
  for (const severity of ["breaks", "risky"] as const)
    for (const audience of audiences) {
      const group = changes.filter((c) => audienceVerdict(c.verdicts, audience) === severity);
      if (group.length === 0) continue;
      const selected = policy.failOn.includes(audience) ? "" : dim(" (not in --fail-on)");
      const title =
        severity === "breaks"
          ? red(`${audienceTitle[audience]}: breaks`)
          : yellow(`${audienceTitle[audience]}: may break`);
      out.push("", `${title} (${group.length})${selected}`);
      for (const c of group) detail(c, audience);
    }
  const safe = changes.filter((c) => audiences.every((a) => audienceVerdict(c.verdicts, a) === "safe"));
  if (safe.length > 0) {
    out.push("", `Safe for every audience (${safe.length})`);
    for (const c of safe) out.push(`  ${c.kind} ${c.path}: ${c.message}`);
  }
  return out.join("\n");
}
