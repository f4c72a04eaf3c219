/**
 * Types that contain themselves with no way to stop (`record A { a: A }`) have no finite
 * values, so no codec can terminate. A type is inhabited when a finite value exists; we find
 * the inhabited ones by fixpoint and report the rest.
 */
import { diagnostic } from "../diagnostics/messages.js";
import type { TypeDef, TypeExpr } from "../schema/types.js";
import type { Span } from "../ast/nodes.js";
import type { CheckContext } from "./context.js";

/** Aliases a type expression mentions, looking inside lists, maps and optionals. */
function aliasRefs(ctx: CheckContext, type: TypeExpr, into: string[] = []): string[] {
  switch (type.kind) {
    case "ref":
      if (ctx.aliasTargets.has(type.name)) into.push(type.name);
      return into;
    case "list":
      return aliasRefs(ctx, type.element, into);
    case "map":
      return aliasRefs(ctx, type.value, into);
    case "optional":
      return aliasRefs(ctx, type.inner, into);
    case "primitive":
      return into;
  }
}

/**
 * An alias may not mention itself, even inside `List` or `?`: an alias is another name for a
 * type, not a new type, so `alias B = List<B>` has no end (Elm rejects recursive aliases too).
 * Recursion goes through records and enums instead.
 */
export function checkAliasCycles(ctx: CheckContext, aliases: readonly { name: string; span: Span }[]): Set<string> {
  const cyclic = new Set<string>();
  const pathTo = (from: string, target: string, seen: Set<string>): string[] | undefined => {
    for (const next of aliasRefs(ctx, ctx.aliasTargets.get(from)!)) {
      if (next === target) return [next];
      if (seen.has(next)) continue;
      seen.add(next);
      const rest = pathTo(next, target, seen);
      if (rest) return [next, ...rest];
    }
    return undefined;
  };
  for (const alias of aliases) {
    const path = pathTo(alias.name, alias.name, new Set());
    if (!path) continue;
    cyclic.add(alias.name);
    ctx.report(diagnostic("HAM0207", alias.span, { cycle: [alias.name, ...path].join(" → ") }));
  }
  return cyclic;
}

export function checkInhabited(ctx: CheckContext, types: readonly TypeDef[]): void {
  const byName = new Map(types.map((t) => [t.name, t]));
  const inhabited = new Set<string>();
  const expr = (t: TypeExpr): boolean => {
    switch (t.kind) {
      case "primitive":
      case "list":
      case "map":
      case "optional":
        return true;
      case "ref":
        return inhabited.has(t.name) || !byName.has(t.name);
    }
  };
  const holds = (def: TypeDef): boolean => {
    switch (def.kind) {
      case "alias":
        return expr(def.type);
      case "record":
        return def.fields.every((f) => expr(f.type));
      case "enum":
        return def.variants.some((v) => v.fields.every((f) => expr(f.type)));
    }
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const def of types) {
      if (!inhabited.has(def.name) && holds(def)) {
        inhabited.add(def.name);
        changed = true;
      }
    }
  }
  for (const def of types) {
    if (inhabited.has(def.name) || def.kind === "alias") continue;
    ctx.report(
      diagnostic("HAM0206", ctx.symbols.get(def.name)?.declaration?.name.span ?? def.span, {
        cycle: describeCycle(def, byName, inhabited),
      }),
    );
  }
}

function describeCycle(start: TypeDef, byName: Map<string, TypeDef>, inhabited: Set<string>): string {
  const steps: string[] = [];
  const visited = new Set<string>();
  let current: TypeDef | undefined = start;
  while (current && !visited.has(current.name)) {
    visited.add(current.name);
    const fields =
      current.kind === "record"
        ? current.fields
        : current.kind === "enum"
          ? current.variants.flatMap((v) => v.fields)
          : [];
    const next = fields.find((f) => f.type.kind === "ref" && !inhabited.has(f.type.name));
    if (!next || next.type.kind !== "ref") break;
    steps.push(`${current.name}.${next.name}`);
    current = byName.get(next.type.name);
  }
  return `${steps.join(" → ")} → ${current?.name ?? start.name}`;
}
