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

/** The named types a value of `type` must contain (lists, maps and optionals can be empty). */
function requiredRef(type: TypeExpr, byName: Map<string, TypeDef>): string | undefined {
  return type.kind === "ref" && byName.has(type.name) ? type.name : undefined;
}

/**
 * Least fixpoint by counting, linear in the size of the schema: a record (or alias) is
 * inhabited once all the types it requires are; an enum once all the types of one variant are.
 */
export function checkInhabited(ctx: CheckContext, types: readonly TypeDef[]): void {
  const byName = new Map(types.map((t) => [t.name, t]));
  const inhabited = new Set<string>();
  const queue: string[] = [];
  /** Counters of missing requirements, one per record/alias and one per enum variant. */
  const missing = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const owner = new Map<string, string>();
  const require = (counter: string, needs: readonly (string | undefined)[]): void => {
    const refs = needs.filter((n): n is string => n !== undefined);
    missing.set(counter, refs.length);
    for (const ref of refs) dependents.set(ref, [...(dependents.get(ref) ?? []), counter]);
  };
  const settle = (name: string): void => {
    if (inhabited.has(name)) return;
    inhabited.add(name);
    queue.push(name);
  };
  for (const def of types) {
    const counters =
      def.kind === "enum"
        ? def.variants.map((v, i) => ({
            key: `${def.name}#${i}`,
            needs: v.fields.map((f) => requiredRef(f.type, byName)),
          }))
        : [
            {
              key: `${def.name}#`,
              needs: (def.kind === "alias" ? [def.type] : def.fields.map((f) => f.type)).map((t) =>
                requiredRef(t, byName),
              ),
            },
          ];
    for (const { key, needs } of counters) {
      owner.set(key, def.name);
      require(key, needs);
    }
  }
  for (const [key, count] of missing) if (count === 0) settle(owner.get(key)!);
  while (queue.length > 0) {
    for (const counter of dependents.get(queue.pop()!) ?? []) {
      const left = missing.get(counter)! - 1;
      missing.set(counter, left);
      if (left === 0) settle(owner.get(counter)!);
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
