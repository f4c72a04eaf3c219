/**
 * Which way each named type travels between an old and a new deployment. `toOld`: the new side
 * produces it and an old peer decodes it (responses, pushed messages). `fromOld`: an old peer
 * produced it and the new side decodes it (requests, queued events, workflow checkpoints).
 */
import type { Schema, TypeExpr } from "../schema/types.js";

export interface Flow {
  readonly toOld: boolean;
  readonly fromOld: boolean;
}

export const bothWays: Flow = { toOld: true, fromOld: true };

export function typeFlows(schema: Schema): ReadonlyMap<string, Flow> {
  const flows = new Map<string, { toOld: boolean; fromOld: boolean }>();
  const byName = new Map(schema.types.map((t) => [t.name, t]));
  const mark = (name: string | undefined, way: "toOld" | "fromOld"): void => {
    if (name === undefined) return;
    const flow = flows.get(name) ?? { toOld: false, fromOld: false };
    if (flow[way]) return;
    flow[way] = true;
    flows.set(name, flow);
    const def = byName.get(name);
    if (!def) return;
    if (def.kind === "alias") markExpr(def.type, way);
    else if (def.kind === "record") for (const f of def.fields) markExpr(f.type, way);
    else for (const v of def.variants) for (const f of v.fields) markExpr(f.type, way);
  };
  const markExpr = (t: TypeExpr | undefined, way: "toOld" | "fromOld"): void => {
    if (t === undefined) return;
    if (t.kind === "ref") mark(t.name, way);
    else if (t.kind === "list") markExpr(t.element, way);
    else if (t.kind === "map") markExpr(t.value, way);
    else if (t.kind === "optional") markExpr(t.inner, way);
  };
  for (const e of schema.endpoints) {
    mark(e.request, "fromOld");
    markExpr(e.response, "toOld");
    mark(e.errors, "toOld");
  }
  for (const u of schema.uploads) {
    mark(u.fields, "fromOld");
    markExpr(u.response, "toOld");
    mark(u.errors, "toOld");
  }
  for (const s of schema.sse) markExpr(s.type, "toOld");
  for (const w of schema.websockets) {
    mark(w.message, "toOld");
    mark(w.message, "fromOld");
  }
  for (const w of schema.workers) {
    mark(w.input, "fromOld");
    for (const t of [w.progress, w.output, w.error]) mark(t, "toOld");
  }
  for (const e of schema.events) mark(e.name, "fromOld");
  for (const s of schema.services) {
    mark(s.request, "toOld");
    markExpr(s.response, "fromOld");
    mark(s.errors, "fromOld");
  }
  for (const w of schema.workflows) for (const s of w.steps) markExpr(s.output, "fromOld");
  // A type no declaration sends may be used anywhere by hand-written code: assume both ways.
  for (const t of schema.types) if (!flows.has(t.name)) flows.set(t.name, { ...bothWays });
  return flows;
}

/** The flow of a type in either version (a change matters in every direction it travels). */
export function flowOf(
  oldFlows: ReadonlyMap<string, Flow>,
  newFlows: ReadonlyMap<string, Flow>,
  oldName: string,
  newName: string,
): Flow {
  const a = oldFlows.get(oldName) ?? { toOld: false, fromOld: false };
  const b = newFlows.get(newName) ?? { toOld: false, fromOld: false };
  return { toOld: a.toOld || b.toOld, fromOld: a.fromOld || b.fromOld };
}
