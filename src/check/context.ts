/** Shared state of one check run: the symbol table, the types being built, diagnostics. */
import type * as ast from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { Features, TypeDef, TypeExpr } from "../schema/types.js";

export type SymbolKind = ast.DeclarationKind | "Part";

export interface SymbolInfo {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly span: ast.Span;
  /** Whether the name can be used as a type. */
  readonly isType: boolean;
  readonly declaration: ast.Declaration | undefined;
}

export interface CheckContext {
  readonly features: Features;
  readonly diagnostics: Diagnostic[];
  readonly symbols: Map<string, SymbolInfo>;
  /** Lowered targets of aliases, filled before anything else is lowered. */
  readonly aliasTargets: Map<string, TypeExpr>;
  /** Constraints of aliases, filled before fields are lowered. */
  readonly aliasDefs: Map<string, TypeDef>;
  /** Every named type, keyed by name, in creation order. */
  readonly types: Map<string, TypeDef>;
  /** Sort key (declaration index) for `types`, so output follows the source. */
  readonly typeOrder: Map<string, number>;
  currentDeclaration: number;
  report(diagnostic: Diagnostic): void;
}

export function createContext(features: Features): CheckContext {
  const diagnostics: Diagnostic[] = [];
  return {
    features,
    diagnostics,
    symbols: new Map(),
    aliasTargets: new Map(),
    aliasDefs: new Map(),
    types: new Map(),
    typeOrder: new Map(),
    currentDeclaration: 0,
    report: (d) => diagnostics.push(d),
  };
}

/** Adds a named type to the output. */
export function defineType(ctx: CheckContext, type: TypeDef): void {
  ctx.types.set(type.name, type);
  ctx.typeOrder.set(type.name, ctx.currentDeclaration);
}

/** `photo_id` → `PhotoId`, `thumbnail` → `Thumbnail`. */
export function pascalCase(name: string): string {
  // Most names have no underscore: skip the split (this runs for every field of every check).
  if (!name.includes("_")) return name === "" ? "" : name[0]!.toUpperCase() + name.slice(1);
  return name
    .split(/_+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/** Follows aliases until a non-alias type; stops on cycles (reported elsewhere). */
export function underlying(ctx: CheckContext, type: TypeExpr): TypeExpr {
  let current = type;
  const seen = new Set<string>();
  while (current.kind === "ref" && ctx.aliasTargets.has(current.name) && !seen.has(current.name)) {
    seen.add(current.name);
    current = ctx.aliasTargets.get(current.name)!;
  }
  return current;
}

/** Strips one level of optionality. */
export function required(type: TypeExpr): TypeExpr {
  return type.kind === "optional" ? type.inner : type;
}

/** How a type reads in messages: `List<Post>`, `String?`. */
export function typeToString(type: TypeExpr): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "list":
      return `List<${typeToString(type.element)}>`;
    case "map":
      return `Map<String, ${typeToString(type.value)}>`;
    case "optional":
      return `${typeToString(type.inner)}?`;
    case "ref":
      return type.name;
  }
}

/** Doc comment lines of a node. */
export function docLines(docs: readonly ast.DocComment[]): string[] {
  return docs.map((d) => d.text);
}

/** `a record`, `an enum`: how a symbol kind reads in messages. */
export function kindPhrase(kind: SymbolKind): string {
  const words: Record<SymbolKind, string> = {
    Alias: "an alias",
    Record: "a record",
    Enum: "an enum",
    Endpoint: "an endpoint",
    Service: "a service",
    Upload: "an upload",
    Sse: "an sse stream",
    WebSocket: "a websocket",
    Worker: "a worker",
    Event: "an event",
    Workflow: "a workflow",
    Model: "a model",
    Part: "a generated type",
  };
  return words[kind];
}
