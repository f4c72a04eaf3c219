/** Endpoints and uploads: matching (by name, then by method and path) and comparing each pair. */
import type { Span } from "../ast/nodes.js";
import type { EndpointDef, FileConstraints, HttpMethod, Schema, TypeExpr, UploadDef } from "../schema/types.js";
import type { DiffContext } from "./context.js";
import { compareExpr, exprText } from "./type-expr.js";

/** What endpoints and uploads have in common. */
interface Route {
  readonly name: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly request: string;
  readonly response: TypeExpr | undefined;
  readonly errors: string | undefined;
  readonly auth: "session" | undefined;
  readonly span: Span;
  readonly file?: FileConstraints;
}

function routes(schema: Schema): Route[] {
  const uploads = schema.uploads.map((u: UploadDef): Route => ({ ...u, request: u.fields }));
  return [...schema.endpoints.map((e: EndpointDef): Route => e), ...uploads];
}

/** The path with parameter names left out: `/posts/{id}` and `/posts/{post_id}` are one URL. */
const shape = (path: string): string => path.replace(/\{[^}]*\}/g, "{}");

/** Records renames of endpoints and uploads in `ctx.declarationMap` (before types are matched). */
export function matchRoutes(ctx: DiffContext): void {
  const before = routes(ctx.old);
  const after = routes(ctx.new);
  const unmatched = after.filter((n) => !before.some((o) => o.name === n.name));
  for (const o of before) {
    if (after.some((n) => n.name === o.name)) continue;
    const n = unmatched.find((r) => r.method === o.method && shape(r.path) === shape(o.path) && !!r.file === !!o.file);
    if (n) {
      ctx.declarationMap.set(o.name, n.name);
      unmatched.splice(unmatched.indexOf(n), 1);
    }
  }
}

export function diffRoutes(ctx: DiffContext): void {
  const before = routes(ctx.old);
  const after = routes(ctx.new);
  const matched = new Set<string>();
  for (const o of before) {
    const newName = ctx.declarationMap.get(o.name) ?? o.name;
    const n = after.find((r) => r.name === newName);
    const what = o.file ? "Upload" : "Endpoint";
    if (!n) {
      ctx.add({
        kind: "endpoint.removed",
        path: o.name,
        message: `${what} \`${o.name}\` (${o.method} ${o.path}) was removed.`,
        old: o.span,
      });
      continue;
    }
    matched.add(n.name);
    diffRoute(ctx, o, n, what);
  }
  for (const n of after)
    if (!matched.has(n.name))
      ctx.add({
        kind: "declaration.added",
        path: n.name,
        message: `${n.file ? "Upload" : "Endpoint"} \`${n.name}\` (${n.method} ${n.path}) was added.`,
        new: n.span,
      });
}

function diffRoute(ctx: DiffContext, o: Route, n: Route, what: string): void {
  const at = { path: n.name, old: o.span, new: n.span };
  if (o.name !== n.name)
    ctx.add({ kind: "endpoint.renamed", message: `${what} \`${o.name}\` was renamed to \`${n.name}\`.`, ...at });
  if (o.method !== n.method)
    ctx.add({
      kind: "endpoint.method_changed",
      message: `${what} \`${n.name}\` changed method: ${o.method} → ${n.method}.`,
      ...at,
    });
  if (shape(o.path) !== shape(n.path))
    ctx.add({
      kind: "endpoint.path_changed",
      message: `${what} \`${n.name}\` changed path: ${o.path} → ${n.path}.`,
      ...at,
    });
  if ((ctx.typeMap.get(o.request) ?? o.request) !== n.request)
    ctx.add({
      kind: "endpoint.request_changed",
      message: `${what} \`${n.name}\` takes \`${n.request}\` (was \`${o.request}\`).`,
      ...at,
    });
  const response =
    o.response === undefined || n.response === undefined
      ? o.response === n.response
        ? "same"
        : "changed"
      : compareExpr(o.response, n.response, ctx.typeMap);
  if (response !== "same")
    ctx.add({
      kind: "endpoint.response_changed",
      message: `${what} \`${n.name}\` responds with ${exprText(n.response)} (was ${exprText(o.response)}).`,
      ...at,
    });
  diffErrorSections(ctx, o, n);
  if (o.auth !== n.auth)
    ctx.add({
      kind: n.auth ? "auth.added" : "auth.removed",
      message: `${what} \`${n.name}\` ${n.auth ? "now requires a session" : "no longer requires a session"}.`,
      ...at,
    });
  if (o.file && n.file) diffFileConstraints(ctx, o.file, n.file, at);
}

/** Errors sections that appear or disappear (changes inside one are the enum's own changes). */
function diffErrorSections(ctx: DiffContext, o: Route, n: Route): void {
  const variants = (schema: Schema, name: string | undefined) => {
    const def = schema.types.find((t) => t.name === name);
    return def?.kind === "enum" ? def.variants : [];
  };
  if (o.errors === undefined && n.errors !== undefined)
    for (const v of variants(ctx.new, n.errors))
      ctx.add({
        kind: "error.added",
        path: `${n.errors}.${v.name}`,
        message: `Error \`${n.errors}.${v.name}\` was added.`,
        old: o.span,
        new: v.span,
      });
  if (o.errors !== undefined && n.errors === undefined)
    for (const v of variants(ctx.old, o.errors))
      ctx.add({
        kind: "error.removed",
        path: `${o.errors}.${v.name}`,
        message: `Error \`${o.errors}.${v.name}\` was removed.`,
        old: v.span,
        new: n.span,
      });
}

function diffFileConstraints(
  ctx: DiffContext,
  a: FileConstraints,
  b: FileConstraints,
  at: { path: string; old: Span; new: Span },
): void {
  const tightened: string[] = [];
  const loosened: string[] = [];
  const limit = (key: string, before: number | undefined, after: number | undefined): void => {
    if (before === after) return;
    const text = `${key} ${before ?? "none"} → ${after ?? "none"}`;
    (after !== undefined && (before === undefined || after < before) ? tightened : loosened).push(text);
  };
  limit("max_size", a.maxSize, b.maxSize);
  limit("max_dimensions width", a.maxDimensions?.width, b.maxDimensions?.width);
  limit("max_dimensions height", a.maxDimensions?.height, b.maxDimensions?.height);
  const removedTypes =
    a.types === undefined ? (b.types ?? []) : a.types.filter((t) => b.types !== undefined && !b.types.includes(t));
  const addedTypes =
    b.types === undefined ? ["any type"] : b.types.filter((t) => a.types !== undefined && !a.types.includes(t));
  if (a.types === undefined && b.types !== undefined) tightened.push(`types limited to ${b.types.join(", ")}`);
  else if (removedTypes.length > 0) tightened.push(`types no longer accepted: ${removedTypes.join(", ")}`);
  if (a.types !== undefined && addedTypes.length > 0) loosened.push(`types now accepted: ${addedTypes.join(", ")}`);
  if (tightened.length > 0)
    ctx.add({
      kind: "upload.limit_tightened",
      message: `Upload \`${at.path}\` accepts fewer files: ${tightened.join("; ")}.`,
      ...at,
    });
  if (loosened.length > 0)
    ctx.add({
      kind: "upload.limit_loosened",
      message: `Upload \`${at.path}\` accepts more files: ${loosened.join("; ")}.`,
      ...at,
    });
}
