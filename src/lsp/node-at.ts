/** What is at an offset of a document: the innermost name that hover and go-to-definition care about. */
import type * as ast from "../ast/nodes.js";

export type NodeAt =
  /** A name that refers to a declaration: a type, `@references(M)`, `@emits(E)`, `trigger E`. */
  | { readonly kind: "reference"; readonly name: ast.Identifier }
  /** The name of a declaration (or of a worker part such as `input ProcessImage { }`). */
  | { readonly kind: "declaration"; readonly name: ast.Identifier }
  | { readonly kind: "field"; readonly field: ast.Field }
  | { readonly kind: "variant"; readonly variant: ast.Variant }
  | { readonly kind: "annotation"; readonly annotation: ast.Annotation }
  /** The path of an `import "./common.hamlet"`. */
  | { readonly kind: "import"; readonly path: ast.StringValue };

/** Offsets at both ends count: a cursor just after a name is on it. */
function within(span: ast.Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end && span.end > span.start;
}

function first<T>(items: readonly T[] | undefined, find: (item: T) => NodeAt | undefined): NodeAt | undefined {
  for (const item of items ?? []) {
    const found = find(item);
    if (found) return found;
  }
  return undefined;
}

const REFERENCE_ARGUMENTS = new Set(["references", "emits"]);

function annotationAt(a: ast.Annotation, offset: number): NodeAt | undefined {
  if (a.span.start <= offset && offset <= a.name.span.end) return { kind: "annotation", annotation: a };
  if (!REFERENCE_ARGUMENTS.has(a.name.name)) return undefined;
  return first(a.args, (arg) =>
    arg.value.kind === "Name" && within(arg.value.span, offset)
      ? { kind: "reference", name: { kind: "Identifier", name: arg.value.name, span: arg.value.span } }
      : undefined,
  );
}

function typeAt(type: ast.TypeNode | undefined, offset: number): NodeAt | undefined {
  if (!type || !within(type.span, offset)) return undefined;
  switch (type.kind) {
    case "NamedType":
      if (within(type.name.span, offset)) return { kind: "reference", name: type.name };
      return first(type.args, (t) => typeAt(t, offset));
    case "Optional":
      return typeAt(type.inner, offset);
    case "InlineRecord":
      return fieldsAt(type.fields, offset);
    case "MissingType":
      return undefined;
  }
}

function fieldAt(f: ast.Field, offset: number): NodeAt | undefined {
  if (within(f.name.span, offset)) return { kind: "field", field: f };
  return typeAt(f.type, offset) ?? first(f.annotations, (a) => annotationAt(a, offset));
}

function fieldsAt(fields: readonly ast.Field[] | undefined, offset: number): NodeAt | undefined {
  return first(fields, (f) => fieldAt(f, offset));
}

function variantsAt(variants: readonly ast.Variant[], offset: number): NodeAt | undefined {
  return first(variants, (v) => {
    if (within(v.name.span, offset)) return { kind: "variant", variant: v };
    return first(v.annotations, (a) => annotationAt(a, offset)) ?? fieldsAt(v.fields, offset);
  });
}

function sectionAt(s: ast.Section, offset: number): NodeAt | undefined {
  switch (s.kind) {
    case "TypeSection":
      return typeAt(s.type, offset);
    case "VariantsSection":
      return variantsAt(s.variants, offset);
    case "FieldsSection":
      return fieldsAt(s.fields, offset);
    case "PropertiesSection":
      return undefined;
    case "NamedRecordSection":
      if (within(s.name.span, offset)) return { kind: s.fields ? "declaration" : "reference", name: s.name };
      return fieldsAt(s.fields, offset);
    case "TriggerSection":
      return within(s.event.span, offset) ? { kind: "reference", name: s.event } : undefined;
    case "StepSection":
      return typeAt(s.output, offset);
  }
}

function bodyAt(d: ast.Declaration, offset: number): NodeAt | undefined {
  switch (d.kind) {
    case "Alias":
      return typeAt(d.type, offset) ?? first(d.constraints, (a) => annotationAt(a, offset));
    case "Record":
    case "Event":
      return fieldsAt(d.fields, offset);
    case "Model":
      return (
        fieldsAt(d.fields, offset) ?? first(d.indexes, (i) => first(i.annotations, (a) => annotationAt(a, offset)))
      );
    case "Enum":
    case "WebSocket":
      return variantsAt(d.variants, offset);
    case "Sse":
      return typeAt(d.type, offset);
    case "Endpoint":
    case "Service":
    case "Upload":
    case "Worker":
    case "Workflow":
      return first(d.sections, (s) => sectionAt(s, offset));
  }
}

export function nodeAt(document: ast.Document, offset: number): NodeAt | undefined {
  const imported = document.imports.find((i) => within(i.path.span, offset));
  if (imported) return { kind: "import", path: imported.path };
  return first(document.declarations, (d) => {
    if (!within(d.span, offset)) return undefined;
    const annotation = first(d.annotations, (a) => annotationAt(a, offset));
    if (annotation) return annotation;
    if (within(d.name.span, offset)) return { kind: "declaration", name: d.name };
    return bodyAt(d, offset);
  });
}
