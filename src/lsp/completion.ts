/** Completion: types, annotations, HTTP methods, event and model names, keywords. */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from "vscode-languageserver/node.js";
import { primitives } from "../schema/types.js";
import { allAnnotations } from "./annotation-docs.js";
import { completionContext } from "./completion-context.js";
import { declarationIndex, isTypeDeclared, type Declared } from "./declarations.js";
import { docText, kindText } from "./signature.js";
import type { Workspace } from "./workspace.js";

const SECTIONS: Record<string, readonly string[]> = {
  endpoint: ["request", "response", "errors"],
  service: ["request", "response", "errors"],
  upload: ["fields", "file", "response", "errors"],
  worker: ["input", "progress", "output", "error"],
  workflow: ["trigger", "step"],
  model: ["index"],
};

const DECLARATIONS: Record<string, string> = {
  package: "package ${1:name}",
  import: 'import "${1:./common.hamlet}"',
  alias: "alias ${1:Name} = ${2:String}",
  record: "record ${1:Name} {\n\t$0\n}",
  enum: "enum ${1:Name} { ${2:A}, ${3:B} }",
  endpoint: 'endpoint ${1:Name}: ${2:GET} "${3:/api/path}" {\n\trequest { $4 }\n\tresponse ${5:Type}\n}',
  sse: "sse ${1:Name}: ${2:Type}",
  websocket: 'websocket ${1:Name}: "${2:/ws/path}" {\n\t$0\n}',
  upload:
    'upload ${1:Name}: POST "${2:/api/path}" {\n\tfields { $3 }\n\tfile { max_size: ${4:10MB} }\n\tresponse { $5 }\n}',
  worker: "worker ${1:Name} {\n\tinput ${2:Input} { $3 }\n\toutput ${4:Output} { $5 }\n}",
  event: "event ${1:Name} {\n\t$0\n}",
  service: 'service ${1:Name}: ${2:POST} "${3:https://example.com}" {\n\trequest { $4 }\n\tresponse { $5 }\n}',
  workflow: "workflow ${1:Name} {\n\ttrigger ${2:Event}\n\tstep ${3:first}\n}",
  model: "model ${1:Name} {\n\tid: Uuid @primary @default(uuid)\n\t$0\n}",
};

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function itemKind(d: Declared): CompletionItemKind {
  if (d.kind === "part") return CompletionItemKind.Struct;
  switch (d.node.kind) {
    case "Enum":
    case "WebSocket":
      return CompletionItemKind.Enum;
    case "Alias":
      return CompletionItemKind.TypeParameter;
    case "Event":
      return CompletionItemKind.Event;
    case "Model":
      return CompletionItemKind.Class;
    default:
      return CompletionItemKind.Struct;
  }
}

function declaredItems(index: Map<string, Declared>, keep: (d: Declared) => boolean): CompletionItem[] {
  return [...index.entries()]
    .filter(([, d]) => keep(d))
    .map(([name, d]) => ({
      label: name,
      kind: itemKind(d),
      detail: kindText(d),
      documentation: { kind: "markdown", value: docText(d.node.docs) },
    }));
}

function typeItems(index: Map<string, Declared>): CompletionItem[] {
  return [
    ...primitives.map((name): CompletionItem => ({
      label: name,
      kind: CompletionItemKind.Keyword,
      detail: "built-in type",
      sortText: `1${name}`,
    })),
    {
      label: "List",
      kind: CompletionItemKind.Keyword,
      detail: "List<T>",
      insertText: "List<${1:T}>",
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: "1List",
    },
    {
      label: "Map",
      kind: CompletionItemKind.Keyword,
      detail: "Map<String, T>",
      insertText: "Map<String, ${1:T}>",
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: "1Map",
    },
    ...declaredItems(index, isTypeDeclared).map((i) => ({ ...i, sortText: `0${i.label}` })),
  ];
}

function annotationItems(leading: boolean): CompletionItem[] {
  return allAnnotations().map((a) => ({
    label: a.name,
    kind: CompletionItemKind.Property,
    detail: a.signature,
    documentation: { kind: "markdown", value: `${a.description}\n\nAllowed on: ${a.targets}.` },
    insertText: a.snippet,
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: `${a.leading === leading ? 0 : 1}${a.name}`,
  }));
}

function keywordItems(owner: string | undefined): CompletionItem[] {
  if (owner === undefined) {
    return Object.entries(DECLARATIONS).map(([label, snippet]) => ({
      label,
      kind: CompletionItemKind.Keyword,
      insertText: snippet,
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  return (SECTIONS[owner] ?? []).map((label) => ({
    label,
    kind: CompletionItemKind.Keyword,
    detail: `section of ${owner}`,
  }));
}

export function completion(workspace: Workspace, path: string, text: string, offset: number): CompletionItem[] {
  const context = completionContext(text, offset);
  const index = (): Map<string, Declared> => declarationIndex(workspace.load(path).documents);
  switch (context.kind) {
    case "annotation":
      return annotationItems(context.leading);
    case "argument":
      if (context.annotation === "references")
        return declaredItems(index(), (d) => d.kind === "declaration" && d.node.kind === "Model");
      if (context.annotation === "emits")
        return declaredItems(index(), (d) => d.kind === "declaration" && d.node.kind === "Event");
      return [];
    case "type": {
      // Typed right after the colon (a trigger character): keep the canonical `name: Type` spacing.
      const space = text[offset - 1] === ":" ? " " : "";
      return typeItems(index()).map((i) =>
        space ? { ...i, insertText: space + (i.insertText ?? i.label), filterText: i.label } : i,
      );
    }
    case "method":
      return METHODS.map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
    case "event":
      return declaredItems(index(), (d) => d.kind === "declaration" && d.node.kind === "Event");
    case "keyword":
      return keywordItems(context.owner);
    case "none":
      return [];
  }
}
