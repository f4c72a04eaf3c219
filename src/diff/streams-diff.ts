/** Server-sent events, websockets, workers, events and workflows, matched by name. */
import type { Span } from "../ast/nodes.js";
import type { RetryPolicy } from "../schema/types.js";
import type { DiffContext } from "./context.js";
import type { ChangeKind } from "./kinds.js";
import { compareExpr, exprText } from "./type-expr.js";

interface Named {
  readonly name: string;
  readonly span: Span;
}

/** Pairs by name; reports additions, and removals with the given kind. */
function pairs<T extends Named>(
  ctx: DiffContext,
  before: readonly T[],
  after: readonly T[],
  what: string,
  removed: ChangeKind,
): [T, T][] {
  const out: [T, T][] = [];
  for (const n of after)
    if (!before.some((o) => o.name === n.name))
      ctx.add({ kind: "declaration.added", path: n.name, message: `${what} \`${n.name}\` was added.`, new: n.span });
  for (const o of before) {
    const n = after.find((x) => x.name === o.name);
    if (n) out.push([o, n]);
    else ctx.add({ kind: removed, path: o.name, message: `${what} \`${o.name}\` was removed.`, old: o.span });
  }
  return out;
}

const authChange = (
  ctx: DiffContext,
  what: string,
  o: { auth: "session" | undefined } & Named,
  n: { auth: "session" | undefined } & Named,
): void => {
  if (o.auth !== n.auth)
    ctx.add({
      kind: n.auth ? "auth.added" : "auth.removed",
      path: n.name,
      message: `${what} \`${n.name}\` ${n.auth ? "now requires a session" : "no longer requires a session"}.`,
      old: o.span,
      new: n.span,
    });
};

export function diffStreams(ctx: DiffContext): void {
  for (const [o, n] of pairs(ctx, ctx.old.sse, ctx.new.sse, "Event stream", "sse.removed")) {
    if (compareExpr(o.type, n.type, ctx.typeMap) !== "same")
      ctx.add({
        kind: "sse.type_changed",
        path: n.name,
        message: `Event stream \`${n.name}\` sends ${exprText(n.type)} (was ${exprText(o.type)}).`,
        old: o.span,
        new: n.span,
      });
    authChange(ctx, "Event stream", o, n);
  }
  for (const [o, n] of pairs(ctx, ctx.old.websockets, ctx.new.websockets, "Websocket", "websocket.removed")) {
    if (o.path !== n.path)
      ctx.add({
        kind: "websocket.path_changed",
        path: n.name,
        message: `Websocket \`${n.name}\` moved: ${o.path} → ${n.path}.`,
        old: o.span,
        new: n.span,
      });
    authChange(ctx, "Websocket", o, n);
  }
  for (const [o, n] of pairs(ctx, ctx.old.services, ctx.new.services, "Service", "service.removed"))
    if (o.method !== n.method || o.url !== n.url)
      ctx.add({
        kind: "service.endpoint_changed",
        path: n.name,
        message: `Service \`${n.name}\` is called at ${n.method} ${n.url} (was ${o.method} ${o.url}).`,
        old: o.span,
        new: n.span,
      });
  for (const [o, n] of pairs(ctx, ctx.old.workers, ctx.new.workers, "Worker", "worker.removed")) {
    const before = [...o.emits].sort().join(", ");
    const after = [...n.emits].sort().join(", ");
    if (before !== after)
      ctx.add({
        kind: "worker.emits_changed",
        path: n.name,
        message: `Worker \`${n.name}\` emits ${after || "nothing"} (was ${before || "nothing"}).`,
        old: o.span,
        new: n.span,
      });
    for (const section of ["input", "progress", "output", "error"] as const) {
      const a = o[section];
      const b = n[section];
      if ((a === undefined ? undefined : (ctx.typeMap.get(a) ?? a)) !== b)
        ctx.add({
          kind: "worker.section_changed",
          path: `${n.name}.${section}`,
          message: `Worker \`${n.name}\` ${section} is ${b ?? "nothing"} (was ${a ?? "nothing"}).`,
          old: o.span,
          new: n.span,
        });
    }
  }
  for (const [o, n] of pairs(ctx, ctx.old.events, ctx.new.events, "Event", "event.removed")) {
    if (retryText(o.retry) !== retryText(n.retry))
      ctx.add({
        kind: "event.retry_changed",
        path: n.name,
        message: `Event \`${n.name}\` retries ${retryText(n.retry)} (was ${retryText(o.retry)}).`,
        old: o.span,
        new: n.span,
      });
    if (o.scheduleMs !== n.scheduleMs)
      ctx.add({
        kind: "event.schedule_changed",
        path: n.name,
        message: `Event \`${n.name}\` recurs ${everyText(n.scheduleMs)} (was ${everyText(o.scheduleMs)}).`,
        old: o.span,
        new: n.span,
      });
  }
  for (const [o, n] of pairs(ctx, ctx.old.workflows, ctx.new.workflows, "Workflow", "workflow.removed")) {
    const at = { old: o.span, new: n.span };
    if ((ctx.typeMap.get(o.trigger) ?? o.trigger) !== n.trigger)
      ctx.add({
        kind: "workflow.trigger_changed",
        path: n.name,
        message: `Workflow \`${n.name}\` is triggered by \`${n.trigger}\` (was \`${o.trigger}\`).`,
        ...at,
      });
    const oldSteps = o.steps.map((s) => s.name);
    const newSteps = n.steps.map((s) => s.name);
    for (const s of newSteps)
      if (!oldSteps.includes(s))
        ctx.add({
          kind: "workflow.step_added",
          path: `${n.name}.${s}`,
          message: `Workflow \`${n.name}\` has a new step \`${s}\`.`,
          ...at,
        });
    for (const s of oldSteps)
      if (!newSteps.includes(s))
        ctx.add({
          kind: "workflow.step_removed",
          path: `${n.name}.${s}`,
          message: `Workflow \`${n.name}\` lost its step \`${s}\`.`,
          ...at,
        });
    const kept = (steps: string[], other: string[]) => steps.filter((s) => other.includes(s)).join(",");
    if (kept(oldSteps, newSteps) !== kept(newSteps, oldSteps))
      ctx.add({
        kind: "workflow.steps_reordered",
        path: n.name,
        message: `Workflow \`${n.name}\` runs its steps in a new order: ${newSteps.join(", ")} (was ${oldSteps.join(", ")}).`,
        ...at,
      });
  }
}

function retryText(r: RetryPolicy | undefined): string {
  if (!r) return "never";
  const b = r.backoff;
  return `${r.attempts} times, ${b.kind === "fixed" ? `every ${b.delayMs}ms` : `backing off ${b.initialMs}ms..${b.maxMs}ms`}`;
}

const everyText = (ms: number | undefined): string => (ms === undefined ? "never" : `every ${ms}ms`);
