/** Lowering of `event` and `workflow`, with the event-store feature rules. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { WorkflowStepDef } from "../schema/types.js";
import { declarationAnnotations } from "./annotations.js";
import { docLines, kindPhrase, pascalCase, type CheckContext } from "./context.js";
import { lowerType } from "./lower-type.js";
import { deprecation, lowerRecord } from "./lower-types.js";
import type { Output } from "./output.js";
import { sectionsOf } from "./sections.js";

export function lowerEvent(ctx: CheckContext, d: ast.EventDeclaration, out: Output): void {
  lowerRecord(ctx, d);
  const all = declarationAnnotationsQuiet(ctx, d);
  const schedule = d.annotations.find((a) => a.name.name === "schedule");
  if (schedule && !ctx.features.eventStore)
    ctx.report(diagnostic("HAM0502", schedule.span, { what: "A persistent schedule (`@schedule`)" }));
  const retry = d.annotations.find((a) => a.name.name === "retry");
  if (retry && !ctx.features.eventStore)
    ctx.report(diagnostic("HAM0503", retry.span, { what: `delayed delivery of \`${d.name.name}\`` }));
  out.events.push({
    name: d.name.name,
    retry: all.retry,
    ...(all.schedule ? { scheduleMs: all.schedule.milliseconds } : {}),
    durable: ctx.features.eventStore,
    docs: docLines(d.docs),
    ...deprecation(all.deprecated),
    span: d.span,
  });
}

/** The record lowering already reported annotation problems; read the facts without reporting twice. */
function declarationAnnotationsQuiet(
  ctx: CheckContext,
  d: ast.EventDeclaration,
): ReturnType<typeof declarationAnnotations> {
  const quiet: CheckContext = { ...ctx, report: () => undefined };
  return declarationAnnotations(quiet, d);
}

export function lowerWorkflow(ctx: CheckContext, d: ast.WorkflowDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  if (!ctx.features.eventStore) ctx.report(diagnostic("HAM0501", d.name.span));
  const sections = sectionsOf(ctx, d.kind, d.sections, ["trigger", "step"], ["trigger", "step"]);
  const triggers = (sections.get("trigger") ?? []).filter((s): s is ast.TriggerSection => s.kind === "TriggerSection");
  if (triggers.length !== 1) ctx.report(diagnostic("HAM0505", triggers[1]?.span ?? d.name.span, { name }));
  const trigger = triggers[0]?.event;
  if (trigger && trigger.name !== "") {
    const symbol = ctx.symbols.get(trigger.name);
    if (!symbol) {
      const events = [...ctx.symbols.values()].filter((s) => s.kind === "Event").map((s) => s.name);
      ctx.report(diagnostic("HAM0201", trigger.span, withSuggestion({ name: trigger.name }, trigger.name, events)));
    } else if (symbol.kind !== "Event") {
      ctx.report(diagnostic("HAM0504", trigger.span, { name: trigger.name, kind: kindPhrase(symbol.kind) }));
    }
  }
  const steps: WorkflowStepDef[] = [];
  const seen = new Set<string>();
  for (const s of sections.get("step") ?? []) {
    if (s.kind !== "StepSection" || s.name.name === "") continue;
    if (seen.has(s.name.name)) {
      ctx.report(diagnostic("HAM0203", s.name.span, { name: s.name.name, what: "step" }));
      continue;
    }
    seen.add(s.name.name);
    const partName = `${name}${pascalCase(s.name.name)}Output`;
    const output = s.output
      ? lowerType(ctx, s.output, { name: partName, origin: { kind: "part", owner: name, role: `step ${s.name.name}` } })
      : undefined;
    steps.push({ name: s.name.name, output, docs: docLines(s.docs) });
  }
  if (steps.length === 0) ctx.report(diagnostic("HAM0506", d.name.span, { name }));
  out.workflows.push({
    name,
    trigger: trigger?.name ?? "",
    steps,
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
}
