/**
 * The annotation table: where each annotation may appear, what it applies to, and its
 * arguments. Turns annotations into constraints and facts.
 */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { ColumnDefault, Constraints, RetryPolicy, TypeExpr } from "../schema/types.js";
import { numberOf, readArguments, type ArgSpec } from "./arguments.js";
import { required, typeToString, underlying, type CheckContext } from "./context.js";
import { isErrorType } from "./lower-type.js";

export type FieldTarget = "field" | "column" | "alias";
type Target = FieldTarget | "variant" | "error variant" | "index" | ast.DeclarationKind;

type Applies = "string" | "number" | "collection";

interface AnnotationSpec {
  readonly targets: readonly Target[];
  readonly args: readonly ArgSpec[];
  readonly appliesTo?: Applies;
}

const ALL_DECLARATIONS: readonly ast.DeclarationKind[] = [
  "Alias",
  "Record",
  "Enum",
  "Endpoint",
  "Service",
  "Upload",
  "Sse",
  "WebSocket",
  "Worker",
  "Event",
  "Workflow",
  "Model",
];
const VALUE_TARGETS: readonly Target[] = ["field", "column", "alias"];

/** Every annotation of the language. */
export const annotationSpecs: Readonly<Record<string, AnnotationSpec>> = {
  length: {
    targets: VALUE_TARGETS,
    appliesTo: "string",
    args: [
      { name: "min", kind: "integer", optional: true },
      { name: "max", kind: "integer", optional: true },
    ],
  },
  range: {
    targets: VALUE_TARGETS,
    appliesTo: "number",
    args: [
      { name: "min", kind: "number", optional: true },
      { name: "max", kind: "number", optional: true },
    ],
  },
  min: { targets: VALUE_TARGETS, appliesTo: "number", args: [{ name: "value", kind: "number" }] },
  max: { targets: VALUE_TARGETS, appliesTo: "number", args: [{ name: "value", kind: "number" }] },
  pattern: { targets: VALUE_TARGETS, appliesTo: "string", args: [{ name: "regex", kind: "string" }] },
  minItems: { targets: VALUE_TARGETS, appliesTo: "collection", args: [{ name: "count", kind: "integer" }] },
  maxItems: { targets: VALUE_TARGETS, appliesTo: "collection", args: [{ name: "count", kind: "integer" }] },
  format: { targets: VALUE_TARGETS, appliesTo: "string", args: [{ name: "format", kind: "name" }] },
  primary: { targets: ["column"], args: [] },
  unique: { targets: ["column", "index"], args: [] },
  index: { targets: ["column"], args: [] },
  default: { targets: ["column"], args: [{ name: "value", kind: "value" }] },
  references: { targets: ["column"], args: [{ name: "model", kind: "name" }] },
  renamed_from: { targets: ["column", "Model"], args: [{ name: "name", kind: "string" }] },
  status: { targets: ["error variant"], args: [{ name: "code", kind: "integer" }] },
  deprecated: {
    targets: ["field", "column", "variant", "error variant", ...ALL_DECLARATIONS],
    args: [{ name: "reason", kind: "string", optional: true }],
  },
  auth: { targets: ["Endpoint", "Upload", "WebSocket", "Sse"], args: [{ name: "scheme", kind: "name" }] },
  retry: {
    targets: ["Event", "Service"],
    args: [
      { name: "attempts", kind: "integer" },
      { name: "backoff", kind: "call" },
    ],
  },
  emits: { targets: ["Endpoint", "Upload", "WebSocket", "Worker"], args: [{ name: "event", kind: "name" }] },
  schedule: { targets: ["Event"], args: [{ name: "every", kind: "duration" }] },
  table: { targets: ["Model"], args: [{ name: "name", kind: "string" }] },
  global: { targets: ["Model"], args: [] },
};

const targetText: Record<string, string> = {
  Sse: "an sse declaration",
  Alias: "an alias declaration",
  Enum: "an enum declaration",
  Endpoint: "an endpoint declaration",
  Upload: "an upload declaration",
  Event: "an event declaration",
  field: "a field",
  column: "a model column",
  alias: "an alias",
  variant: "a variant",
  "error variant": "a variant of `errors`",
  index: "an `index (...)` clause",
};

function describeTarget(target: Target): string {
  return targetText[target] ?? `${/^[AEIOU]/.test(target) ? "an" : "a"} ${target.toLowerCase()} declaration`;
}

const appliesText: Record<Applies, string> = {
  string: "String (or an alias of String)",
  number: "Int and Float",
  collection: "List and Map",
};

/**
 * Checks the annotations of one target and returns those that are valid there, each once.
 * `spansOk` tells whether the annotation applies to the value's type.
 */
function validAnnotations(
  ctx: CheckContext,
  annotations: readonly ast.Annotation[],
  target: Target,
  type?: TypeExpr,
): Map<string, ast.Annotation> {
  const result = new Map<string, ast.Annotation>();
  for (const annotation of annotations) {
    const name = annotation.name.name;
    if (name === "") continue;
    const spec = annotationSpecs[name];
    if (!spec) {
      ctx.report(
        diagnostic(
          "HAM0301",
          annotation.name.span,
          withSuggestion(
            { name },
            `@${name}`,
            Object.keys(annotationSpecs).map((k) => `@${k}`),
          ),
        ),
      );
      continue;
    }
    if (!spec.targets.includes(target)) {
      const allowed = [...new Set(spec.targets.map(describeTarget))].join(", ");
      ctx.report(diagnostic("HAM0302", annotation.name.span, { name, target: describeTarget(target), allowed }));
      continue;
    }
    // @emits may be repeated, one event each.
    if (result.has(name) && name !== "emits") {
      ctx.report(diagnostic("HAM0307", annotation.name.span, { name }));
      continue;
    }
    if (spec.appliesTo && type && !applies(ctx, spec.appliesTo, type)) {
      ctx.report(
        diagnostic("HAM0303", annotation.name.span, {
          name,
          type: typeToString(type),
          allowed: appliesText[spec.appliesTo],
        }),
      );
      continue;
    }
    result.set(name, annotation);
  }
  return result;
}

function applies(ctx: CheckContext, kind: Applies, type: TypeExpr): boolean {
  const t = underlying(ctx, required(type));
  if (isErrorType(t)) return true; // the unresolved type is the error; say nothing about `Json`
  if (kind === "collection") return t.kind === "list" || t.kind === "map";
  if (t.kind !== "primitive") return false;
  return kind === "string" ? t.name === "String" : t.name === "Int" || t.name === "Float";
}

function args(ctx: CheckContext, annotation: ast.Annotation): Map<string, ast.Value> | undefined {
  return readArguments(
    ctx,
    `@${annotation.name.name}`,
    annotation.args,
    annotationSpecs[annotation.name.name]!.args,
    annotation.span,
  );
}

/** Checks a pair of bounds, reporting HAM0305 when reversed. */
function bounds(
  ctx: CheckContext,
  annotation: ast.Annotation,
  min: number | undefined,
  max: number | undefined,
  nonNegative: boolean,
): boolean {
  if (nonNegative && ((min ?? 0) < 0 || (max ?? 0) < 0)) {
    ctx.report(
      diagnostic("HAM0304", annotation.span, { name: `@${annotation.name.name}`, detail: "bounds cannot be negative" }),
    );
    return false;
  }
  if (min !== undefined && max !== undefined && min > max) {
    ctx.report(diagnostic("HAM0305", annotation.span, { name: annotation.name.name, min, max }));
    return false;
  }
  if (min === undefined && max === undefined) {
    ctx.report(
      diagnostic("HAM0304", annotation.span, {
        name: `@${annotation.name.name}`,
        detail: "give at least one of `min` and `max`",
      }),
    );
    return false;
  }
  return true;
}

export interface FieldFacts {
  readonly constraints: Constraints;
  readonly deprecated: string | undefined;
  readonly primary: boolean;
  readonly unique: boolean;
  readonly indexed: boolean;
  readonly columnDefault: ColumnDefault | { readonly kind: "value"; readonly value: ast.Value } | undefined;
  readonly references: { readonly model: string; readonly span: ast.Span } | undefined;
  readonly renamedFrom: string | undefined;
}

/** The facts of a field without annotations (each gets its own `constraints` object). */
const NO_FACTS: Omit<FieldFacts, "constraints"> = {
  deprecated: undefined,
  primary: false,
  unique: false,
  indexed: false,
  columnDefault: undefined,
  references: undefined,
  renamedFrom: undefined,
};

/** Checks the trailing annotations of a field, column or alias of type `type`. */
export function fieldAnnotations(
  ctx: CheckContext,
  annotations: readonly ast.Annotation[],
  type: TypeExpr,
  target: FieldTarget,
): FieldFacts {
  // Most fields have no annotation: nothing to check, and nothing to allocate but the constraints.
  if (annotations.length === 0) return { constraints: {}, ...NO_FACTS };
  const valid = validAnnotations(ctx, annotations, target, type);
  const c: { -readonly [K in keyof Constraints]: Constraints[K] } = {};
  const base = underlying(ctx, required(type));
  const isInt = base.kind === "primitive" && base.name === "Int";
  const numberArg = (a: ast.Annotation, v: ast.Value | undefined): number | undefined => {
    const n = numberOf(v);
    if (n !== undefined && isInt && !Number.isInteger(n)) {
      ctx.report(
        diagnostic("HAM0304", v!.span, { name: `@${a.name.name}`, detail: "bounds of an Int must be integers" }),
      );
      return undefined;
    }
    return n;
  };
  let deprecated: string | undefined;
  let columnDefault: FieldFacts["columnDefault"];
  let references: FieldFacts["references"];
  let renamedFrom: string | undefined;
  for (const [name, annotation] of valid) {
    const a = args(ctx, annotation);
    if (!a) continue;
    switch (name) {
      case "length": {
        const min = numberOf(a.get("min"));
        const max = numberOf(a.get("max"));
        if (bounds(ctx, annotation, min, max, true))
          Object.assign(c, min !== undefined ? { minLength: min } : {}, max !== undefined ? { maxLength: max } : {});
        break;
      }
      case "range": {
        const min = numberArg(annotation, a.get("min"));
        const max = numberArg(annotation, a.get("max"));
        if (bounds(ctx, annotation, min, max, false))
          Object.assign(c, min !== undefined ? { min } : {}, max !== undefined ? { max } : {});
        break;
      }
      case "min":
      case "max": {
        const n = numberArg(annotation, a.get("value"));
        if (n !== undefined) c[name] = n;
        break;
      }
      case "minItems":
      case "maxItems": {
        const n = numberOf(a.get("count"))!;
        if (n < 0)
          ctx.report(
            diagnostic("HAM0304", annotation.span, { name: `@${name}`, detail: "the count cannot be negative" }),
          );
        else c[name] = n;
        break;
      }
      case "pattern": {
        const regex = (a.get("regex") as ast.StringValue).value;
        try {
          new RegExp(regex);
          c.pattern = regex;
        } catch (error) {
          ctx.report(
            diagnostic("HAM0306", a.get("regex")!.span, {
              detail: (error as Error).message.replace(/^Invalid regular expression: /, ""),
            }),
          );
        }
        break;
      }
      case "format": {
        const format = (a.get("format") as ast.NameValue).name;
        if (format === "email" || format === "url") c.format = format;
        else
          ctx.report(
            diagnostic("HAM0311", a.get("format")!.span, withSuggestion({ name: format }, format, ["email", "url"])),
          );
        break;
      }
      case "deprecated":
        deprecated = (a.get("reason") as ast.StringValue | undefined)?.value ?? "";
        break;
      case "default": {
        const value = a.get("value")!;
        if (value.kind === "Name" && (value.name === "uuid" || value.name === "now"))
          columnDefault = { kind: value.name };
        else columnDefault = { kind: "value", value };
        break;
      }
      case "references":
        references = { model: (a.get("model") as ast.NameValue).name, span: a.get("model")!.span };
        break;
      case "renamed_from":
        renamedFrom = (a.get("name") as ast.StringValue).value;
        break;
    }
  }
  if (c.minItems !== undefined && c.maxItems !== undefined && c.minItems > c.maxItems) {
    ctx.report(
      diagnostic("HAM0305", valid.get("maxItems")!.span, {
        name: "minItems/@maxItems",
        min: c.minItems,
        max: c.maxItems,
      }),
    );
  }
  if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
    ctx.report(
      diagnostic("HAM0305", valid.get("max")?.span ?? valid.get("min")!.span, {
        name: "min/@max",
        min: c.min,
        max: c.max,
      }),
    );
  }
  return {
    constraints: c,
    deprecated,
    primary: valid.has("primary"),
    unique: valid.has("unique"),
    indexed: valid.has("index"),
    columnDefault,
    references,
    renamedFrom,
  };
}

export interface DeclarationFacts {
  readonly auth: "session" | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly emits: readonly ast.NameValue[];
  readonly schedule: ast.DurationValue | undefined;
  readonly table: string | undefined;
  readonly global: boolean;
  readonly deprecated: string | undefined;
  readonly renamedFrom: string | undefined;
}

/** The facts of a declaration without annotations (each gets its own `emits` list). */
const NO_DECLARATION_FACTS: DeclarationFacts = {
  auth: undefined,
  retry: undefined,
  emits: [],
  schedule: undefined,
  table: undefined,
  global: false,
  deprecated: undefined,
  renamedFrom: undefined,
};

/** Checks the leading annotations of a declaration. */
export function declarationAnnotations(ctx: CheckContext, declaration: ast.Declaration): DeclarationFacts {
  if (declaration.annotations.length === 0) return { ...NO_DECLARATION_FACTS, emits: [] };
  const valid = validAnnotations(ctx, declaration.annotations, declaration.kind);
  const emits: ast.NameValue[] = [];
  let auth: DeclarationFacts["auth"];
  let retry: RetryPolicy | undefined;
  let schedule: ast.DurationValue | undefined;
  let table: string | undefined;
  let deprecated: string | undefined;
  let renamedFrom: string | undefined;
  for (const annotation of declaration.annotations) {
    const name = annotation.name.name;
    if (valid.get(name) !== annotation && name !== "emits") continue;
    if (name === "emits") {
      // @emits may be repeated, one event each.
      if (!annotationSpecs["emits"]!.targets.includes(declaration.kind)) continue;
      const a = args(ctx, annotation);
      if (a) emits.push(a.get("event") as ast.NameValue);
      continue;
    }
    const a = args(ctx, annotation);
    if (!a) continue;
    switch (name) {
      case "auth": {
        const scheme = a.get("scheme") as ast.NameValue;
        if (scheme.name === "session") auth = "session";
        else
          ctx.report(
            diagnostic("HAM0311", scheme.span, withSuggestion({ name: scheme.name }, scheme.name, ["session"])),
          );
        break;
      }
      case "retry":
        retry = retryPolicy(ctx, annotation, a);
        break;
      case "schedule":
        schedule = a.get("every") as ast.DurationValue;
        break;
      case "table":
        table = (a.get("name") as ast.StringValue).value;
        break;
      case "deprecated":
        deprecated = (a.get("reason") as ast.StringValue | undefined)?.value ?? "";
        break;
      case "renamed_from":
        renamedFrom = (a.get("name") as ast.StringValue).value;
        break;
    }
  }
  return { auth, retry, emits, schedule, table, global: valid.has("global"), deprecated, renamedFrom };
}

function retryPolicy(
  ctx: CheckContext,
  annotation: ast.Annotation,
  a: Map<string, ast.Value>,
): RetryPolicy | undefined {
  const attempts = numberOf(a.get("attempts"))!;
  if (attempts < 1) {
    ctx.report(
      diagnostic("HAM0304", a.get("attempts")!.span, { name: "@retry", detail: "`attempts` must be at least 1" }),
    );
    return undefined;
  }
  const backoff = a.get("backoff") as ast.CallValue;
  const kind = backoff.callee.name;
  if (kind === "exponential") {
    const b = readArguments(
      ctx,
      "exponential",
      backoff.args,
      [
        { name: "initial", kind: "duration" },
        { name: "max", kind: "duration" },
      ],
      backoff.span,
    );
    if (!b) return undefined;
    const initialMs = (b.get("initial") as ast.DurationValue).milliseconds;
    const maxMs = (b.get("max") as ast.DurationValue).milliseconds;
    if (initialMs > maxMs) {
      ctx.report(
        diagnostic("HAM0305", backoff.span, {
          name: "retry",
          min: (b.get("initial") as ast.DurationValue).raw,
          max: (b.get("max") as ast.DurationValue).raw,
        }),
      );
      return undefined;
    }
    return { attempts, backoff: { kind: "exponential", initialMs, maxMs } };
  }
  if (kind === "fixed") {
    const b = readArguments(ctx, "fixed", backoff.args, [{ name: "delay", kind: "duration" }], backoff.span);
    if (!b) return undefined;
    return { attempts, backoff: { kind: "fixed", delayMs: (b.get("delay") as ast.DurationValue).milliseconds } };
  }
  ctx.report(
    diagnostic("HAM0311", backoff.callee.span, withSuggestion({ name: kind }, kind, ["exponential", "fixed"])),
  );
  void annotation;
  return undefined;
}

/** Checks the annotations of a variant; `status` only in `errors`. */
export function variantAnnotations(
  ctx: CheckContext,
  variant: ast.Variant,
  inErrors: boolean,
): { status: number | undefined; deprecated: string | undefined } {
  const valid = validAnnotations(ctx, variant.annotations, inErrors ? "error variant" : "variant");
  let status: number | undefined;
  let deprecated: string | undefined;
  for (const [name, annotation] of valid) {
    const a = args(ctx, annotation);
    if (!a) continue;
    if (name === "status") {
      const code = numberOf(a.get("code"))!;
      if (code < 400 || code > 599)
        ctx.report(diagnostic("HAM0414", annotation.span, { name: variant.name.name, status: code }));
      else status = code;
    }
    if (name === "deprecated") deprecated = (a.get("reason") as ast.StringValue | undefined)?.value ?? "";
  }
  return { status, deprecated };
}

/** Checks the annotations of an `index (...)` clause. */
export function indexAnnotations(ctx: CheckContext, clause: ast.IndexClause): { unique: boolean } {
  const valid = validAnnotations(ctx, clause.annotations, "index");
  for (const annotation of valid.values()) args(ctx, annotation);
  return { unique: valid.has("unique") };
}
