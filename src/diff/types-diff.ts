/** Matching named types across versions (by name, owner or shape) and comparing each pair. */
import type { EnumDef, TypeDef } from "../schema/types.js";
import { renamed, type DiffContext } from "./context.js";
import { diffConstraints, diffFields } from "./fields.js";
import { compareExpr, exprText } from "./type-expr.js";

/** Fills `ctx.typeMap`: same name, then a generated part of a renamed owner, then the same shape. */
export function matchTypes(ctx: DiffContext): void {
  const newNames = new Set(ctx.new.types.map((t) => t.name));
  const taken = new Set<string>();
  for (const o of ctx.old.types)
    if (newNames.has(o.name)) {
      ctx.typeMap.set(o.name, o.name);
      taken.add(o.name);
    }
  for (const o of ctx.old.types) {
    if (ctx.typeMap.has(o.name) || o.origin.kind !== "part") continue;
    const owner = renamed(ctx, o.origin.owner);
    const role = o.origin.role;
    const n = ctx.new.types.find(
      (t) => !taken.has(t.name) && t.origin.kind === "part" && t.origin.owner === owner && t.origin.role === role,
    );
    if (n) {
      ctx.typeMap.set(o.name, n.name);
      taken.add(n.name);
    }
  }
  for (const o of ctx.old.types) {
    if (ctx.typeMap.has(o.name) || o.origin.kind !== "declared") continue;
    const n = ctx.new.types.find((t) => !taken.has(t.name) && t.origin.kind === "declared" && sameShape(o, t));
    if (n) {
      ctx.typeMap.set(o.name, n.name);
      taken.add(n.name);
    }
  }
}

/** Equal but for names, spans and docs. */
function sameShape(a: TypeDef, b: TypeDef): boolean {
  const strip = (t: TypeDef): string =>
    JSON.stringify(t, (key, value: unknown) =>
      (key === "name" && typeof value === "string" && value === t.name) ||
      key === "span" ||
      key === "docs" ||
      key === "origin"
        ? undefined
        : value,
    );
  return strip(a) === strip(b);
}

export function diffTypes(ctx: DiffContext): void {
  const mapped = new Set(ctx.typeMap.values());
  // An event's record shares its name; the event itself is reported as added or removed.
  const oldEvents = new Set(ctx.old.events.map((e) => e.name));
  const newEvents = new Set(ctx.new.events.map((e) => e.name));
  for (const n of ctx.new.types)
    if (!mapped.has(n.name) && n.origin.kind === "declared" && !newEvents.has(n.name))
      ctx.add({ kind: "declaration.added", path: n.name, message: `Type \`${n.name}\` was added.`, new: n.span });
  for (const o of ctx.old.types) {
    const newName = ctx.typeMap.get(o.name);
    const n = newName === undefined ? undefined : ctx.new.types.find((t) => t.name === newName);
    if (!n) {
      if (o.origin.kind === "declared" && !oldEvents.has(o.name))
        ctx.add({ kind: "type.removed", path: o.name, message: `Type \`${o.name}\` was removed.`, old: o.span });
      continue;
    }
    const flow = ctx.flow(o.name, n.name);
    // A generated part follows its owner's name; only its own rename (a worker section) is news.
    const ownerRenamed = o.origin.kind === "part" && renamed(ctx, o.origin.owner) !== o.origin.owner;
    if (o.name !== n.name && !ownerRenamed)
      ctx.add({
        kind: "type.renamed",
        path: n.name,
        message: `Type \`${o.name}\` was renamed to \`${n.name}\`.`,
        old: o.span,
        new: n.span,
        flow,
      });
    if (o.kind !== n.kind) {
      ctx.add({
        kind: "type.kind_changed",
        path: n.name,
        message: `Type \`${n.name}\` changed from ${o.kind} to ${n.kind}.`,
        old: o.span,
        new: n.span,
        flow,
      });
      continue;
    }
    if (o.kind === "record" && n.kind === "record") {
      const query = isQueryRecord(ctx, n.name);
      diffFields(ctx, o.fields, n.fields, { path: n.name, flow, query, oldOwner: o.span, newOwner: n.span });
    } else if (o.kind === "alias" && n.kind === "alias") {
      const where = { old: o.span, new: n.span, flow, path: n.name };
      if (compareExpr(o.type, n.type, ctx.typeMap) !== "same")
        ctx.add({
          kind: "alias.target_changed",
          message: `Alias \`${n.name}\` now stands for ${exprText(n.type)} (was ${exprText(o.type)}).`,
          ...where,
        });
      diffConstraints(ctx, o.constraints, n.constraints, `Alias \`${n.name}\``, where);
    } else if (o.kind === "enum" && n.kind === "enum") diffEnum(ctx, o, n);
  }
}

/** The request record of an endpoint whose fields travel in the query string. */
function isQueryRecord(ctx: DiffContext, name: string): boolean {
  return ctx.new.endpoints.some((e) => e.bodyless && e.request === name);
}

function variantKinds(e: EnumDef) {
  const role = e.origin.kind === "part" ? e.origin.role : "";
  if (role === "errors") return { added: "error.added", removed: "error.removed", what: "Error" } as const;
  if (role === "messages")
    return { added: "websocket.message_added", removed: "websocket.message_removed", what: "Message" } as const;
  return { added: "enum.variant_added", removed: "enum.variant_removed", what: "Variant" } as const;
}

function diffEnum(ctx: DiffContext, o: EnumDef, n: EnumDef): void {
  const flow = ctx.flow(o.name, n.name);
  const kinds = variantKinds(n);
  if (o.plain !== n.plain)
    ctx.add({
      kind: "enum.encoding_changed",
      path: n.name,
      message: `Enum \`${n.name}\` is now ${n.plain ? "a JSON string" : "a tagged object"} on the wire (was ${o.plain ? "a string" : "a tagged object"}).`,
      old: o.span,
      new: n.span,
      flow,
    });
  for (const v of n.variants)
    if (!o.variants.some((x) => x.name === v.name))
      ctx.add({
        kind: kinds.added,
        path: `${n.name}.${v.name}`,
        message: `${kinds.what} \`${n.name}.${v.name}\` was added.`,
        old: o.span,
        new: v.span,
        flow,
      });
  for (const v of o.variants) {
    const w = n.variants.find((x) => x.name === v.name);
    const path = `${n.name}.${v.name}`;
    if (!w) {
      ctx.add({
        kind: kinds.removed,
        path,
        message: `${kinds.what} \`${path}\` was removed.`,
        old: v.span,
        new: n.span,
        flow,
      });
      continue;
    }
    if (v.status !== w.status)
      ctx.add({
        kind: "error.status_changed",
        path,
        message: `Error \`${path}\` now has HTTP status ${w.status ?? "default"} (was ${v.status ?? "default"}).`,
        old: v.span,
        new: w.span,
        flow,
      });
    diffFields(ctx, v.fields, w.fields, { path, flow, query: false, oldOwner: v.span, newOwner: w.span });
  }
}
