/**
 * The checker: from parsed documents to a `Schema`, reporting every semantic problem.
 * Declarations are lowered by kind through one table; types first, so that everything else
 * can see them.
 */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { hasErrors, type Diagnostic } from "../diagnostics/types.js";
import type { Features, Schema, TypeDef } from "../schema/types.js";
import type { NamingRules } from "../schema/naming.js";
import { annotationSpecs } from "./annotations.js";
import { createContext, kindPhrase, type CheckContext } from "./context.js";
import { checkGeneratedNames } from "./generated-names.js";
import { lowerEvent, lowerWorkflow } from "./lower-events.js";
import { lowerEndpoint, lowerService, lowerUpload } from "./lower-http.js";
import { lowerModel, resolveReferences, type PendingReference } from "./lower-model.js";
import { lowerSse, lowerWebSocket, lowerWorker } from "./lower-streams.js";
import { ERROR_TYPE, reservedTypeNames } from "./lower-type.js";
import { lowerAlias, lowerAliasTarget, lowerEnum, lowerRecord } from "./lower-types.js";
import { createOutput, type Output } from "./output.js";
import { checkAliasCycles, checkInhabited } from "./recursion.js";
import { routeKey } from "./paths.js";

export interface CheckResult {
  /** `undefined` when any error was found: emitters never see a broken schema. */
  readonly schema: Schema | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reuse of lowered declarations between checks (watch mode, the language server; implemented by
 * src/program/lowering-memo.ts): it makes the context, and runs or replays each lowering step.
 */
export interface LoweringReuse {
  context(features: Features): CheckContext;
  lower(
    ctx: CheckContext,
    step: "target" | "declaration",
    d: ast.Declaration,
    out: Output,
    pending: PendingReference[],
    run: () => void,
  ): void;
  /**
   * The generated-name check of `schema` (`check` runs it); may answer from the previous check
   * when the names cannot have changed.
   */
  generatedNames?(schema: Schema, naming: readonly NamingRules[], check: () => Diagnostic[]): Diagnostic[];
}

type Lowering = (ctx: CheckContext, d: ast.Declaration, out: Output, pending: PendingReference[]) => void;

/** One lowering per declaration kind; `phase` orders them (types before their users). */
const lowerings: Record<ast.DeclarationKind, { phase: number; lower: Lowering }> = {
  Enum: { phase: 0, lower: (ctx, d) => lowerEnum(ctx, d as ast.EnumDeclaration) },
  Alias: { phase: 1, lower: (ctx, d) => lowerAlias(ctx, d as ast.AliasDeclaration) },
  Record: { phase: 1, lower: (ctx, d) => lowerRecord(ctx, d as ast.RecordDeclaration) },
  Event: { phase: 1, lower: (ctx, d, out) => lowerEvent(ctx, d as ast.EventDeclaration, out) },
  WebSocket: { phase: 1, lower: (ctx, d, out) => lowerWebSocket(ctx, d as ast.WebSocketDeclaration, out) },
  Endpoint: { phase: 2, lower: (ctx, d, out) => lowerEndpoint(ctx, d as ast.HttpDeclaration, out) },
  Service: { phase: 2, lower: (ctx, d, out) => lowerService(ctx, d as ast.HttpDeclaration, out) },
  Upload: { phase: 2, lower: (ctx, d, out) => lowerUpload(ctx, d as ast.HttpDeclaration, out) },
  Sse: { phase: 2, lower: (ctx, d, out) => lowerSse(ctx, d as ast.SseDeclaration, out) },
  Worker: { phase: 2, lower: (ctx, d, out) => lowerWorker(ctx, d as ast.WorkerDeclaration, out) },
  Workflow: { phase: 2, lower: (ctx, d, out) => lowerWorkflow(ctx, d as ast.WorkflowDeclaration, out) },
  Model: { phase: 2, lower: (ctx, d, out, pending) => lowerModel(ctx, d as ast.ModelDeclaration, out, pending) },
};

const TYPE_KINDS = new Set<ast.DeclarationKind>(["Alias", "Record", "Enum", "Event", "WebSocket"]);

/** Checks documents (an entry file and everything it imports) into a schema. */
export function checkDocuments(
  documents: readonly ast.Document[],
  features: Features,
  primaryFile?: string,
  naming: readonly NamingRules[] = [],
  reuse?: LoweringReuse,
): CheckResult {
  const ctx = reuse?.context(features) ?? createContext(features);
  const out = createOutput();
  const pending: PendingReference[] = [];
  const packageName = checkPackage(ctx, documents, primaryFile);
  const declarations = documents
    .flatMap((doc) => detachAliasConstraints(ctx, doc.declarations))
    .filter((d) => d.name.name !== "");
  registerSymbols(ctx, declarations);

  const position = new Map(declarations.map((d, i) => [d, i]));
  const aliases = declarations.filter(
    (d): d is ast.AliasDeclaration => d.kind === "Alias" && ctx.symbols.get(d.name.name)?.declaration === d,
  );
  for (const alias of aliases) {
    ctx.currentDeclaration = position.get(alias)!;
    if (reuse) reuse.lower(ctx, "target", alias, out, pending, () => lowerAliasTarget(ctx, alias));
    else lowerAliasTarget(ctx, alias);
  }
  const cyclic = checkAliasCycles(
    ctx,
    aliases.map((a) => ({ name: a.name.name, span: a.name.span })),
  );
  for (const name of cyclic) ctx.aliasTargets.set(name, ERROR_TYPE);

  const unique = declarations.filter((d) => ctx.symbols.get(d.name.name)?.declaration === d);
  for (const phase of [0, 1, 2]) {
    for (const d of unique) {
      const lowering = lowerings[d.kind];
      if (lowering.phase !== phase) continue;
      ctx.currentDeclaration = position.get(d)!;
      if (reuse) reuse.lower(ctx, "declaration", d, out, pending, () => lowering.lower(ctx, d, out, pending));
      else lowering.lower(ctx, d, out, pending);
    }
  }
  resolveReferences(ctx, out, pending);
  checkRoutes(ctx, out);

  const types = sortedTypes(ctx);
  checkInhabited(ctx, types);
  if (hasErrors(ctx.diagnostics)) return { schema: undefined, diagnostics: ctx.diagnostics };
  const { routes: _routes, ...parts } = out;
  const schema: Schema = { package: packageName, features, types, ...parts };
  const checkNames = () => checkGeneratedNames(schema, naming, (name) => ctx.symbols.get(name)?.span);
  const nameProblems = reuse?.generatedNames?.(schema, naming, checkNames) ?? checkNames();
  ctx.diagnostics.push(...nameProblems);
  if (hasErrors(nameProblems)) return { schema: undefined, diagnostics: ctx.diagnostics };
  return { schema, diagnostics: ctx.diagnostics };
}

function checkPackage(ctx: CheckContext, documents: readonly ast.Document[], primaryFile: string | undefined): string {
  const hasName = (d: ast.Document) => !!d.packageName && d.packageName.name !== "";
  const named = documents.find((d) => d.file === primaryFile && hasName(d)) ?? documents.find(hasName);
  const name = named?.packageName?.name ?? fallbackPackage(documents[0]?.file ?? "schema");
  for (const doc of documents) {
    if (!doc.packageName) ctx.report(diagnostic("HAM0105", { file: doc.file, start: 0, end: 0 }));
    else if (doc.packageName.name !== "" && doc.packageName.name !== name) {
      ctx.report(diagnostic("HAM0104", doc.packageName.span, { found: doc.packageName.name, expected: name }));
    }
  }
  return name;
}

function fallbackPackage(file: string): string {
  const base = file.replace(/^.*[\\/]/, "").replace(/\.hamlet$/, "");
  const cleaned = base.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `schema_${cleaned}`;
}

/**
 * A constraint written on the line after an alias parses as a leading annotation of the next
 * declaration. Say so (HAM0008) instead of "cannot be used on a record", and drop it there.
 */
function detachAliasConstraints(ctx: CheckContext, declarations: readonly ast.Declaration[]): ast.Declaration[] {
  return declarations.map((d, i) => {
    const previous = declarations[i - 1];
    if (previous?.kind !== "Alias") return d;
    const misplaced = d.annotations.filter((a) => {
      const spec = annotationSpecs[a.name.name];
      return spec !== undefined && spec.targets.includes("alias") && !spec.targets.includes(d.kind);
    });
    if (misplaced.length === 0) return d;
    for (const a of misplaced) ctx.report(diagnostic("HAM0008", a.span));
    return { ...d, annotations: d.annotations.filter((a) => !misplaced.includes(a)) };
  });
}

function registerSymbols(ctx: CheckContext, declarations: readonly ast.Declaration[]): void {
  for (const d of declarations) {
    const name = d.name.name;
    if (reservedTypeNames.has(name)) {
      ctx.report(diagnostic("HAM0212", d.name.span, { name }));
      continue;
    }
    const existing = ctx.symbols.get(name);
    if (existing) {
      ctx.report(diagnostic("HAM0202", d.name.span, { name, kind: kindPhrase(existing.kind) }));
      continue;
    }
    ctx.symbols.set(name, { name, kind: d.kind, span: d.name.span, isType: TYPE_KINDS.has(d.kind), declaration: d });
  }
}

function checkRoutes(ctx: CheckContext, out: Output): void {
  const seen = new Map<string, string>();
  for (const route of out.routes) {
    const key = routeKey(route.method, route.path);
    const other = seen.get(key);
    if (other) ctx.report(diagnostic("HAM0405", route.span, { route: `${route.method} ${route.path}`, other }));
    else seen.set(key, route.owner);
  }
}

/** Types by the declaration that made them, then by creation order (`sort` is stable). */
function sortedTypes(ctx: CheckContext): TypeDef[] {
  return [...ctx.types.values()].sort((a, b) => ctx.typeOrder.get(a.name)! - ctx.typeOrder.get(b.name)!);
}
