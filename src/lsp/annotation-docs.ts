/** What each annotation does, for hover and completion; targets and arguments come from the checker's table. */
import { annotationSpecs } from "../check/annotations.js";

const descriptions: Record<string, string> = {
  length: "Bounds the length of a String in Unicode code points (inclusive).",
  range: "Bounds a number (inclusive).",
  min: "The smallest allowed number (inclusive).",
  max: "The largest allowed number (inclusive).",
  pattern: "The String must match this regular expression.",
  minItems: "The fewest items a List or Map may have.",
  maxItems: "The most items a List or Map may have.",
  format: "A well-known String format, checked everywhere: `email` or `url`.",
  primary: "Makes the column the table's primary key.",
  unique: "No two rows may have the same value (on a column or an `index (...)`).",
  index: "Adds a database index on the column.",
  default: "The column's default when a row is inserted: `uuid`, `now` or a literal.",
  references: "A foreign key to the primary key of another model.",
  renamed_from: "The old name of a renamed column or model, so that migrations rename instead of drop and add.",
  status: "The HTTP status code of an error variant.",
  deprecated: "Marks the declaration, field or variant as deprecated in every output, with an optional reason.",
  auth: "Requires an authenticated caller, e.g. `@auth(session)`.",
  retry: "Retries delivery: `attempts` and a `backoff` of `exponential(initial, max)` or `fixed(delay)`.",
  emits: "Declares the event this declaration emits.",
  schedule: "Emits the event on a schedule, e.g. `@schedule(every: 1h)`.",
  table: "The database table name of the model.",
  global: "The model's rows are shared by all tenants instead of scoped to one.",
};

const targetText: Record<string, string> = {
  field: "fields",
  column: "model columns",
  alias: "aliases",
  variant: "variants",
  "error variant": "`errors` variants",
  index: "`index (...)` clauses",
};

export interface AnnotationInfo {
  readonly name: string;
  /** `@length(min?, max?)` */
  readonly signature: string;
  readonly description: string;
  /** `fields, model columns, aliases` */
  readonly targets: string;
  /** Snippet text after the `@`. */
  readonly snippet: string;
  /** Whether it belongs before a declaration rather than after a value. */
  readonly leading: boolean;
}

export function annotationInfo(name: string): AnnotationInfo | undefined {
  const spec = annotationSpecs[name];
  if (!spec) return undefined;
  const args = spec.args.map((a) => `${a.name}${a.optional ? "?" : ""}`);
  const targets = [
    ...new Set(spec.targets.map((t) => targetText[t] ?? `\`${t === "WebSocket" ? "websocket" : t.toLowerCase()}\``)),
  ];
  const snippetArgs =
    name === "retry"
      ? ["attempts: ${1:3}", "backoff: ${2:exponential(1s, 1m)}"]
      : spec.args.map((a, i) => `\${${i + 1}:${a.name}}`);
  return {
    name,
    signature: `@${name}${args.length > 0 ? `(${args.join(", ")})` : ""}`,
    description: descriptions[name] ?? "",
    targets: targets.join(", "),
    snippet: snippetArgs.length > 0 ? `${name}(${snippetArgs.join(", ")})` : name,
    leading: !spec.targets.some((t) => t === "field" || t === "column" || t === "alias"),
  };
}

export function allAnnotations(): AnnotationInfo[] {
  return Object.keys(annotationSpecs).map((name) => annotationInfo(name)!);
}

export function annotationMarkdown(info: AnnotationInfo): string {
  return ["```hamlet", info.signature, "```", "", info.description, "", `Allowed on: ${info.targets}.`].join("\n");
}
