/** Lowering of `endpoint`, `service` and `upload`: methods, paths, parameters, sections. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { FieldDef, FileConstraints, HttpMethod, TypeExpr } from "../schema/types.js";
import { declarationAnnotations, type DeclarationFacts } from "./annotations.js";
import { defineType, docLines, kindPhrase, required, typeToString, underlying, type CheckContext } from "./context.js";
import { lowerRecordFields } from "./lower-fields.js";
import { claimPartName, isErrorType, lowerType } from "./lower-type.js";
import { defineEnum, deprecation } from "./lower-types.js";
import { parsePathTemplate } from "./paths.js";
import { firstSection, sectionsOf } from "./sections.js";
import type { Output } from "./output.js";

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function method(ctx: CheckContext, id: ast.Identifier, allowed: readonly HttpMethod[] = METHODS): HttpMethod {
  const name = id.name;
  if ((allowed as readonly string[]).includes(name)) return name as HttpMethod;
  if (name !== "") {
    const upper = name.toUpperCase();
    const text = `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
    const suggestion = (allowed as readonly string[]).includes(upper)
      ? { method: name, allowed: text, suggestion: upper }
      : withSuggestion({ method: name, allowed: text }, name, allowed);
    ctx.report(diagnostic("HAM0401", id.span, suggestion));
  }
  return allowed[0]!;
}

/** Kinds of value that can be written as text in a path segment or query parameter. */
export function isTextual(ctx: CheckContext, type: TypeExpr): boolean {
  const t = underlying(ctx, type);
  if (isErrorType(t)) return true; // already reported as an unknown type
  if (t.kind === "primitive") return t.name !== "Json" && t.name !== "Bytes";
  if (t.kind === "ref") {
    const def = ctx.types.get(t.name);
    return def?.kind === "enum" && def.plain;
  }
  return false;
}

/** Request record: inline, a named record, or an empty one. */
function requestRecord(ctx: CheckContext, owner: string, section: ast.TypeSection | undefined, span: ast.Span): string {
  const name = `${owner}Request`;
  if (section && section.type.kind !== "InlineRecord") {
    const type = lowerType(ctx, section.type, { name, origin: { kind: "part", owner, role: "request" } });
    if (type.kind === "ref" && ctx.types.get(type.name)?.kind === "record") return type.name;
    ctx.report(diagnostic("HAM0416", section.type.span, { name: typeToString(type), role: "request" }));
  }
  claimPartName(ctx, name, owner, section?.span ?? span);
  const fields =
    section?.type.kind === "InlineRecord" ? lowerRecordFields(ctx, section.type.fields, name, "field") : [];
  defineType(ctx, {
    kind: "record",
    name,
    fields,
    origin: { kind: "part", owner, role: "request" },
    docs: docLines(section?.docs ?? []),
    span: section?.span ?? span,
  });
  return name;
}

function requestFields(ctx: CheckContext, name: string): readonly FieldDef[] {
  const def = ctx.types.get(name);
  return def?.kind === "record" ? def.fields : [];
}

function response(ctx: CheckContext, owner: string, section: ast.TypeSection | undefined): TypeExpr | undefined {
  if (!section) return undefined;
  return lowerType(ctx, section.type, { name: `${owner}Response`, origin: { kind: "part", owner, role: "response" } });
}

function errors(ctx: CheckContext, owner: string, section: ast.VariantsSection | undefined): string | undefined {
  if (!section) return undefined;
  const name = `${owner}Error`;
  claimPartName(ctx, name, owner, section.keyword.span);
  defineEnum(ctx, name, section.variants, { kind: "part", owner, role: "errors" }, section.docs, section.span, true);
  return name;
}

/**
 * The span of `{param}` inside a path string, or the whole string when escapes make source and
 * value offsets differ.
 */
function paramSpan(template: ast.StringValue, param: string): ast.Span {
  const { span, value } = template;
  const at = value.indexOf(`{${param}}`);
  if (at < 0 || span.end - span.start !== value.length + 2) return span;
  const start = span.start + 1 + at;
  return { ...span, start, end: start + param.length + 2 };
}

/** Checks that path parameters are textual, required request fields. */
function pathParameters(
  ctx: CheckContext,
  template: ast.StringValue,
  fields: readonly FieldDef[],
  check: boolean,
): string[] {
  const parsed = parsePathTemplate(template.value);
  if (parsed.error && check) ctx.report(diagnostic("HAM0404", template.span, { detail: parsed.error }));
  for (const param of parsed.params) {
    const field = fields.find((f) => f.name === param);
    if (!field) ctx.report(diagnostic("HAM0402", paramSpan(template, param), { name: param }));
    else if (field.type.kind === "optional" || !isTextual(ctx, field.type))
      ctx.report(diagnostic("HAM0403", field.span, { name: param, type: typeToString(field.type) }));
  }
  return [...parsed.params];
}

function queryable(ctx: CheckContext, type: TypeExpr): boolean {
  const t = required(type);
  const inner = underlying(ctx, t);
  return isTextual(ctx, t) || (inner.kind === "list" && isTextual(ctx, inner.element));
}

/** The events named by `@emits` (endpoints, uploads, websockets, workers); unknown names HAM0201, other kinds HAM0504. */
export function emitted(ctx: CheckContext, facts: DeclarationFacts): string[] {
  const events: string[] = [];
  for (const e of facts.emits) {
    const symbol = ctx.symbols.get(e.name);
    if (!symbol) {
      const candidates = [...ctx.symbols.values()].filter((s) => s.kind === "Event").map((s) => s.name);
      ctx.report(diagnostic("HAM0201", e.span, withSuggestion({ name: e.name }, e.name, candidates)));
    } else if (symbol.kind !== "Event")
      ctx.report(diagnostic("HAM0504", e.span, { name: e.name, kind: kindPhrase(symbol.kind) }));
    else events.push(e.name);
  }
  return events;
}

/** What endpoints and uploads share: response, declared errors, auth, emitted events, docs. */
function served(
  ctx: CheckContext,
  d: ast.HttpDeclaration,
  facts: DeclarationFacts,
  sections: Map<string, ast.Section[]>,
) {
  const name = d.name.name;
  return {
    response: response(ctx, name, firstSection(sections, "response", "TypeSection")),
    errors: errors(ctx, name, firstSection(sections, "errors", "VariantsSection")),
    auth: facts.auth,
    emits: emitted(ctx, facts),
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  };
}

export function lowerEndpoint(ctx: CheckContext, d: ast.HttpDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const m = method(ctx, d.method);
  const sections = sectionsOf(ctx, d.kind, d.sections, ["request", "response", "errors"]);
  const request = requestRecord(ctx, name, firstSection(sections, "request", "TypeSection"), d.name.span);
  const fields = requestFields(ctx, request);
  const pathParams = pathParameters(ctx, d.path, fields, true);
  const bodyless = m === "GET" || m === "DELETE";
  if (bodyless) {
    for (const f of fields) {
      if (!pathParams.includes(f.name) && !queryable(ctx, f.type))
        ctx.report(diagnostic("HAM0406", f.span, { field: f.name, type: typeToString(f.type), method: m }));
    }
  }
  out.endpoints.push({
    name,
    method: m,
    path: d.path.value,
    pathParams,
    bodyless,
    request,
    ...served(ctx, d, facts, sections),
  });
  out.routes.push({ method: m, path: d.path.value, owner: name, span: d.path.span });
}

export function lowerService(ctx: CheckContext, d: ast.HttpDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const m = method(ctx, d.method);
  const sections = sectionsOf(ctx, d.kind, d.sections, ["request", "response", "errors"]);
  const request = requestRecord(ctx, name, firstSection(sections, "request", "TypeSection"), d.name.span);
  let url: URL | undefined;
  try {
    url = new URL(d.path.value.replace(/\{/g, "%7B").replace(/\}/g, "%7D"));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    ctx.report(diagnostic("HAM0413", d.path.span, { url: d.path.value }));
  else pathParameters(ctx, { ...d.path, value: decodeURIComponent(url.pathname) }, requestFields(ctx, request), false);
  if (facts.retry && !ctx.features.eventStore)
    ctx.report(diagnostic("HAM0507", d.annotations.find((a) => a.name.name === "retry")!.span));
  out.services.push({
    name,
    method: m,
    url: d.path.value,
    request,
    response: response(ctx, name, firstSection(sections, "response", "TypeSection")),
    errors: errors(ctx, name, firstSection(sections, "errors", "VariantsSection")),
    retry: facts.retry,
    durable: ctx.features.eventStore,
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
}

export function lowerUpload(ctx: CheckContext, d: ast.HttpDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const m = method(ctx, d.method, ["POST", "PUT"]);
  const sections = sectionsOf(ctx, d.kind, d.sections, ["fields", "file", "response", "errors"]);
  const fieldsSection = firstSection(sections, "fields", "FieldsSection");
  const fieldsName = `${name}Fields`;
  claimPartName(ctx, fieldsName, name, fieldsSection?.span ?? d.name.span);
  const fields = lowerRecordFields(ctx, fieldsSection?.fields ?? [], fieldsName, "field");
  for (const f of fields)
    if (!isTextual(ctx, required(f.type))) ctx.report(diagnostic("HAM0412", f.span, { name: f.name }));
  defineType(ctx, {
    kind: "record",
    name: fieldsName,
    fields,
    origin: { kind: "part", owner: name, role: "fields" },
    docs: docLines(fieldsSection?.docs ?? []),
    span: fieldsSection?.span ?? d.span,
  });
  const fileSection = firstSection(sections, "file", "PropertiesSection");
  if (!fileSection)
    ctx.report(diagnostic("HAM0408", d.name.span, { section: "file", owner: `The upload \`${name}\`` }));
  const pathParams = pathParameters(ctx, d.path, fields, true);
  const file = fileConstraints(ctx, fileSection?.properties ?? []);
  const shared = served(ctx, d, facts, sections);
  // The Elm and TypeScript upload clients decode the response with the codecs of a named type.
  const responseSection = firstSection(sections, "response", "TypeSection");
  if (responseSection && shared.response && shared.response.kind !== "ref" && !isErrorType(shared.response))
    ctx.report(diagnostic("HAM0418", responseSection.type.span, { name, type: typeToString(shared.response) }));
  out.uploads.push({ name, method: m, path: d.path.value, pathParams, fields: fieldsName, file, ...shared });
  out.routes.push({ method: m, path: d.path.value, owner: name, span: d.path.span });
}

function fileConstraints(ctx: CheckContext, properties: readonly ast.Property[]): FileConstraints {
  const result: { maxSize?: number; types?: string[]; maxDimensions?: { width: number; height: number } } = {};
  const seen = new Set<string>();
  for (const p of properties) {
    const key = p.name.name;
    if (seen.has(key)) {
      ctx.report(diagnostic("HAM0203", p.name.span, { name: key, what: "file constraint" }));
      continue;
    }
    seen.add(key);
    const v = p.value;
    if (key === "max_size") {
      if (v.kind === "Size") result.maxSize = v.bytes;
      else ctx.report(diagnostic("HAM0411", v.span, { name: key, expected: "a size such as 10MB" }));
    } else if (key === "types") {
      if (v.kind === "List" && v.items.every((i) => i.kind === "String" && /^[\w.+-]+\/[\w.+*-]+$/.test(i.value))) {
        result.types = v.items.map((i) => (i as ast.StringValue).value);
      } else
        ctx.report(
          diagnostic("HAM0411", v.span, { name: key, expected: 'a list of media types such as ["image/png"]' }),
        );
    } else if (key === "max_dimensions") {
      if (v.kind === "Dimension") result.maxDimensions = { width: v.width, height: v.height };
      else ctx.report(diagnostic("HAM0411", v.span, { name: key, expected: "a dimension such as 4096x4096" }));
    } else {
      ctx.report(
        diagnostic("HAM0410", p.name.span, withSuggestion({ name: key }, key, ["max_size", "types", "max_dimensions"])),
      );
    }
  }
  return result;
}
