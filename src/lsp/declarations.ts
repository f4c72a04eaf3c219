/** Every named declaration visible from a file: its own and those of everything it imports. */
import type * as ast from "../ast/nodes.js";

export type Declared =
  | { readonly kind: "declaration"; readonly node: ast.Declaration; readonly file: string }
  /** A worker section with a body (`input ProcessImage { ... }`) declares a record type. */
  | {
      readonly kind: "part";
      readonly node: ast.NamedRecordSection;
      readonly owner: ast.WorkerDeclaration;
      readonly file: string;
    };

/** Declaration kinds whose names can be used as types. */
const TYPE_KINDS = new Set<ast.DeclarationKind>(["Alias", "Record", "Enum", "Event", "WebSocket"]);

export function isTypeDeclared(d: Declared): boolean {
  return d.kind === "part" || TYPE_KINDS.has(d.node.kind);
}

export function nameOf(d: Declared): ast.Identifier {
  return d.node.name;
}

export function docsOf(d: Declared): readonly ast.DocComment[] {
  return d.node.docs;
}

/** By name; the first declaration wins, as in the checker. */
export function declarationIndex(documents: readonly ast.Document[]): Map<string, Declared> {
  const index = new Map<string, Declared>();
  const add = (name: string, entry: Declared): void => {
    if (name !== "" && !index.has(name)) index.set(name, entry);
  };
  for (const doc of documents) {
    for (const d of doc.declarations) {
      add(d.name.name, { kind: "declaration", node: d, file: doc.file });
      if (d.kind !== "Worker") continue;
      for (const s of d.sections) {
        if (s.kind === "NamedRecordSection" && s.fields)
          add(s.name.name, { kind: "part", node: s, owner: d, file: doc.file });
      }
    }
  }
  return index;
}

/** `record`, `endpoint`, `sse`... as written in the source. */
export function keywordOf(kind: ast.DeclarationKind): string {
  return kind === "WebSocket" ? "websocket" : kind.toLowerCase();
}
