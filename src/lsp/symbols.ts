/** The outline: declarations with their fields, variants, sections and indexes. */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node.js";
import type * as ast from "../ast/nodes.js";
import type { OffsetMap } from "./ranges.js";

const declarationKinds: Record<ast.DeclarationKind, SymbolKind> = {
  Alias: SymbolKind.TypeParameter,
  Record: SymbolKind.Struct,
  Enum: SymbolKind.Enum,
  Endpoint: SymbolKind.Function,
  Service: SymbolKind.Interface,
  Upload: SymbolKind.Function,
  Sse: SymbolKind.Event,
  WebSocket: SymbolKind.Interface,
  Worker: SymbolKind.Class,
  Event: SymbolKind.Event,
  Workflow: SymbolKind.Module,
  Model: SymbolKind.Class,
};

function symbol(
  offsets: OffsetMap,
  name: string,
  kind: SymbolKind,
  span: ast.Span,
  selection: ast.Span,
  children: DocumentSymbol[] = [],
  detail?: string,
): DocumentSymbol | undefined {
  if (name === "") return undefined;
  // The selection must lie inside the range, even in a partial tree.
  const start = Math.min(span.start, selection.start);
  const end = Math.max(span.end, selection.end);
  return {
    name,
    kind,
    detail,
    range: offsets.range(start, end),
    selectionRange: offsets.spanRange(selection),
    children,
  };
}

function defined<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((i): i is T => i !== undefined);
}

function fields(
  offsets: OffsetMap,
  text: string,
  list: readonly ast.Field[] | undefined,
  kind = SymbolKind.Field,
): DocumentSymbol[] {
  return defined(
    (list ?? []).map((f) =>
      symbol(
        offsets,
        f.name.name,
        kind,
        f.span,
        f.name.span,
        inline(offsets, text, f.type),
        text.slice(f.type.span.start, f.type.span.end),
      ),
    ),
  );
}

function inline(offsets: OffsetMap, text: string, type: ast.TypeNode | undefined): DocumentSymbol[] {
  if (!type) return [];
  if (type.kind === "InlineRecord") return fields(offsets, text, type.fields);
  if (type.kind === "Optional") return inline(offsets, text, type.inner);
  return [];
}

function variants(offsets: OffsetMap, text: string, list: readonly ast.Variant[]): DocumentSymbol[] {
  return defined(
    list.map((v) =>
      symbol(offsets, v.name.name, SymbolKind.EnumMember, v.span, v.name.span, fields(offsets, text, v.fields)),
    ),
  );
}

function section(offsets: OffsetMap, text: string, s: ast.Section): DocumentSymbol | undefined {
  const k = s.keyword;
  switch (s.kind) {
    case "TypeSection":
      return symbol(
        offsets,
        k.name,
        SymbolKind.Property,
        s.span,
        k.span,
        inline(offsets, text, s.type),
        s.type.kind === "NamedType" ? text.slice(s.type.span.start, s.type.span.end) : undefined,
      );
    case "VariantsSection":
      return symbol(offsets, k.name, SymbolKind.Property, s.span, k.span, variants(offsets, text, s.variants));
    case "FieldsSection":
      return symbol(offsets, k.name, SymbolKind.Property, s.span, k.span, fields(offsets, text, s.fields));
    case "PropertiesSection":
      return symbol(
        offsets,
        k.name,
        SymbolKind.Property,
        s.span,
        k.span,
        defined(s.properties.map((p) => symbol(offsets, p.name.name, SymbolKind.Property, p.span, p.name.span))),
      );
    case "NamedRecordSection":
      return symbol(
        offsets,
        s.name.name || k.name,
        s.fields ? SymbolKind.Struct : SymbolKind.Property,
        s.span,
        s.name.name ? s.name.span : k.span,
        fields(offsets, text, s.fields),
        k.name,
      );
    case "TriggerSection":
      return symbol(offsets, k.name, SymbolKind.Event, s.span, k.span, [], s.event.name);
    case "StepSection":
      return symbol(
        offsets,
        s.name.name || k.name,
        SymbolKind.Method,
        s.span,
        s.name.name ? s.name.span : k.span,
        inline(offsets, text, s.output),
        k.name,
      );
  }
}

function children(offsets: OffsetMap, text: string, d: ast.Declaration): DocumentSymbol[] {
  switch (d.kind) {
    case "Alias":
    case "Sse":
      return [];
    case "Record":
    case "Event":
      return fields(offsets, text, d.fields);
    case "Model":
      return [
        ...fields(offsets, text, d.fields, SymbolKind.Field),
        ...defined(
          d.indexes.map((i) =>
            symbol(offsets, `index (${i.columns.map((c) => c.name).join(", ")})`, SymbolKind.Key, i.span, i.span),
          ),
        ),
      ];
    case "Enum":
    case "WebSocket":
      return variants(offsets, text, d.variants);
    default:
      return defined(d.sections.map((s) => section(offsets, text, s)));
  }
}

export function documentSymbols(document: ast.Document, text: string, offsets: OffsetMap): DocumentSymbol[] {
  return defined(
    document.declarations.map((d) =>
      symbol(
        offsets,
        d.name.name,
        declarationKinds[d.kind],
        d.span,
        d.name.span,
        children(offsets, text, d),
        d.kind === "WebSocket" ? "websocket" : d.kind.toLowerCase(),
      ),
    ),
  );
}
