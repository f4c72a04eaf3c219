/** Hover: declarations, type references, fields, variants and annotations. */
import type { Hover } from "vscode-languageserver/node.js";
import type * as ast from "../ast/nodes.js";
import { primitives } from "../schema/types.js";
import { annotationInfo, annotationMarkdown } from "./annotation-docs.js";
import { declarationIndex } from "./declarations.js";
import { nodeAt } from "./node-at.js";
import { OffsetMap } from "./ranges.js";
import { docText, fieldLine, kindText, signatureOf, type Slicer } from "./signature.js";
import { Workspace, type Loaded } from "./workspace.js";

const BUILTIN_DOCS: Record<string, string> = {
  String: "Text (JSON string).",
  Int: "A 53-bit safe integer.",
  Float: "A double-precision number.",
  Bool: "`true` or `false`.",
  Uuid: "A UUID, as text.",
  Timestamp: "A point in time, as RFC 3339 text.",
  Date: "A calendar date, as `YYYY-MM-DD` text.",
  Bytes: "Binary data, as base64 text.",
  Json: "Any JSON value.",
  List: "`List<T>`: an ordered list of `T`.",
  Map: "`Map<String, T>`: an object with String keys and `T` values.",
};

function slicerFor(loaded: Loaded, file: string): Slicer {
  const text = loaded.sources.get(file) ?? "";
  return (span) => text.slice(span.start, span.end);
}

function markdown(code: string, ...paragraphs: string[]): string {
  return ["```hamlet", code, "```", ...paragraphs.filter((p) => p !== "").flatMap((p) => ["", p])].join("\n");
}

function declarationHover(loaded: Loaded, name: string): string | undefined {
  const declared = declarationIndex(loaded.documents).get(name);
  if (!declared) {
    if ((primitives as readonly string[]).includes(name) || name === "List" || name === "Map") {
      return markdown(name, `Built-in type. ${BUILTIN_DOCS[name] ?? ""}`);
    }
    return undefined;
  }
  return markdown(
    signatureOf(declared, slicerFor(loaded, declared.file)),
    `*${kindText(declared)}* \`${name}\``,
    docText(declared.node.docs),
  );
}

function fieldHover(f: ast.Field, slice: Slicer): string {
  const constraints = f.annotations
    .map((a) => annotationInfo(a.name.name))
    .filter((i) => i !== undefined)
    .map((i) => `- \`@${i.name}\`: ${i.description}`);
  return markdown(
    fieldLine(f, slice),
    `*field* \`${f.name.name}\` of type \`${slice(f.type.span)}\``,
    docText(f.docs),
    constraints.join("\n"),
  );
}

export function hover(workspace: Workspace, path: string, text: string, offset: number): Hover | null {
  const loaded = workspace.load(path);
  const document = Workspace.documentOf(loaded, path);
  if (!document) return null;
  const found = nodeAt(document, offset);
  if (!found) return null;
  const slice = slicerFor(loaded, path);
  let value: string | undefined;
  let span: ast.Span;
  switch (found.kind) {
    case "reference":
    case "declaration":
      value = declarationHover(loaded, found.name.name);
      span = found.name.span;
      break;
    case "field":
      value = fieldHover(found.field, slice);
      span = found.field.name.span;
      break;
    case "variant": {
      const v = found.variant;
      value = markdown(
        `${v.name.name}${v.fields ? ` { ${v.fields.map((f) => fieldLine(f, slice)).join(", ")} }` : ""}`,
        `*variant* \`${v.name.name}\``,
        docText(v.docs),
      );
      span = v.name.span;
      break;
    }
    case "annotation": {
      const info = annotationInfo(found.annotation.name.name);
      value = info ? annotationMarkdown(info) : undefined;
      span = found.annotation.span;
      break;
    }
    case "import":
      return null;
  }
  if (value === undefined) return null;
  return { contents: { kind: "markdown", value }, range: new OffsetMap(text).spanRange(span) };
}
