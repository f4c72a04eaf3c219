/** Short source-like summaries of declarations and fields, for hover. */
import type * as ast from "../ast/nodes.js";
import { keywordOf, type Declared } from "./declarations.js";

/** Reads the source text of spans of one file. */
export type Slicer = (span: ast.Span) => string;

const MAX_LINES = 12;

export function fieldLine(f: ast.Field, slice: Slicer): string {
  const annotations = f.annotations.map((a) => ` ${slice(a.span)}`).join("");
  const value = f.defaultValue ? ` = ${slice(f.defaultValue.span)}` : "";
  return `${f.name.name}: ${slice(f.type.span)}${annotations}${value}`;
}

function variantLine(v: ast.Variant, slice: Slicer): string {
  const annotations = v.annotations.map((a) => ` ${slice(a.span)}`).join("");
  const fields = v.fields ? ` { ${v.fields.map((f) => fieldLine(f, slice)).join(", ")} }` : "";
  return `${v.name.name}${fields}${annotations}`;
}

function block(head: string, lines: readonly string[]): string {
  if (lines.length === 0) return `${head} {}`;
  const shown =
    lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `// … ${lines.length - MAX_LINES} more`] : lines;
  return `${head} {\n${shown.map((l) => `  ${l}`).join("\n")}\n}`;
}

function sectionLine(s: ast.Section, slice: Slicer): string {
  switch (s.kind) {
    case "TypeSection":
      return s.type.kind === "InlineRecord"
        ? `${s.keyword.name} { ${s.type.fields.map((f) => fieldLine(f, slice)).join(", ")} }`
        : `${s.keyword.name} ${slice(s.type.span)}`;
    case "VariantsSection":
      return `${s.keyword.name} { ${s.variants.map((v) => variantLine(v, slice)).join(", ")} }`;
    case "FieldsSection":
      return `${s.keyword.name} { ${s.fields.map((f) => fieldLine(f, slice)).join(", ")} }`;
    case "PropertiesSection":
      return `${s.keyword.name} { ${s.properties.map((p) => `${p.name.name}: ${slice(p.value.span)}`).join(", ")} }`;
    case "NamedRecordSection":
      return `${s.keyword.name} ${s.name.name}${s.fields ? ` { ${s.fields.map((f) => fieldLine(f, slice)).join(", ")} }` : ""}`;
    case "TriggerSection":
      return `${s.keyword.name} ${s.event.name}`;
    case "StepSection":
      return `${s.keyword.name} ${s.name.name}${s.output ? ` -> ${slice(s.output.span)}` : ""}`;
  }
}

function declarationSignature(d: ast.Declaration, slice: Slicer): string {
  const leading = d.annotations.map((a) => `${slice(a.span)}\n`).join("");
  const head = `${keywordOf(d.kind)} ${d.name.name}`;
  switch (d.kind) {
    case "Alias":
      return `${leading}${head} = ${slice(d.type.span)}${d.constraints.map((a) => ` ${slice(a.span)}`).join("")}`;
    case "Record":
    case "Event":
      return (
        leading +
        block(
          head,
          d.fields.map((f) => fieldLine(f, slice)),
        )
      );
    case "Model":
      return (
        leading + block(head, [...d.fields.map((f) => fieldLine(f, slice)), ...d.indexes.map((i) => slice(i.span))])
      );
    case "Enum":
      return (
        leading +
        block(
          head,
          d.variants.map((v) => variantLine(v, slice)),
        )
      );
    case "WebSocket":
      return (
        leading +
        block(
          `${head}: ${d.path.raw}`,
          d.variants.map((v) => variantLine(v, slice)),
        )
      );
    case "Sse":
      return `${leading}${head}: ${slice(d.type.span)}`;
    case "Endpoint":
    case "Service":
    case "Upload":
      return (
        leading +
        block(
          `${head}: ${d.method.name} ${d.path.raw}`,
          d.sections.map((s) => sectionLine(s, slice)),
        )
      );
    case "Worker":
    case "Workflow":
      return (
        leading +
        block(
          head,
          d.sections.map((s) => sectionLine(s, slice)),
        )
      );
  }
}

export function signatureOf(d: Declared, slice: Slicer): string {
  if (d.kind === "declaration") return declarationSignature(d.node, slice);
  return block(
    `${d.node.keyword.name} ${d.node.name.name}`,
    (d.node.fields ?? []).map((f) => fieldLine(f, slice)),
  );
}

export function kindText(d: Declared): string {
  if (d.kind === "part") return `${d.node.keyword.name} message of worker ${d.owner.name.name}`;
  return keywordOf(d.node.kind);
}

export function docText(docs: readonly ast.DocComment[]): string {
  return docs.map((d) => d.text).join("\n");
}
