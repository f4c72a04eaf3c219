/** Lowering of `sse`, `websocket` and `worker`. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { declarationAnnotations } from "./annotations.js";
import { defineType, docLines, typeToString, type CheckContext } from "./context.js";
import { emitted } from "./lower-http.js";
import { lowerRecordFields } from "./lower-fields.js";
import { claimPartName, isErrorType, lowerType } from "./lower-type.js";
import { defineEnum, deprecation } from "./lower-types.js";
import type { Output } from "./output.js";
import { parsePathTemplate } from "./paths.js";
import { sectionsOf } from "./sections.js";

export function lowerSse(ctx: CheckContext, d: ast.SseDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const type = lowerType(ctx, d.type, { name: `${name}Event`, origin: { kind: "part", owner: name, role: "event" } });
  // The Elm subscription and the TypeScript publisher decode with the codecs of a named type.
  if (type.kind !== "ref" && !isErrorType(type))
    ctx.report(diagnostic("HAM0417", d.type.span, { name, type: typeToString(type) }));
  out.sse.push({
    name,
    type,
    auth: facts.auth,
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
}

export function lowerWebSocket(ctx: CheckContext, d: ast.WebSocketDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const parsed = parsePathTemplate(d.path.value);
  if (parsed.error) ctx.report(diagnostic("HAM0404", d.path.span, { detail: parsed.error }));
  else if (parsed.params.length > 0)
    ctx.report(diagnostic("HAM0404", d.path.span, { detail: "websocket paths take no parameters" }));
  // The message enum takes the websocket's own name.
  defineEnum(ctx, name, d.variants, { kind: "part", owner: name, role: "messages" }, d.docs, d.span, false);
  out.websockets.push({
    name,
    path: d.path.value,
    message: name,
    auth: facts.auth,
    emits: emitted(ctx, facts),
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
  out.routes.push({ method: "GET", path: d.path.value, owner: name, span: d.path.span });
}

const WORKER_SECTIONS = ["input", "progress", "output", "error"] as const;

export function lowerWorker(ctx: CheckContext, d: ast.WorkerDeclaration, out: Output): void {
  const name = d.name.name;
  const facts = declarationAnnotations(ctx, d);
  const sections = sectionsOf(ctx, d.kind, d.sections, WORKER_SECTIONS);
  const typeOf = (keyword: (typeof WORKER_SECTIONS)[number]): string | undefined => {
    const section = sections.get(keyword)?.[0];
    if (!section || section.kind !== "NamedRecordSection" || section.name.name === "") return undefined;
    const typeName = section.name.name;
    if (!section.fields) {
      // A reference to a declared type.
      const type = lowerType(
        ctx,
        { kind: "NamedType", name: section.name, args: [], span: section.name.span },
        { name: typeName, origin: { kind: "declared" } },
      );
      if (type.kind === "ref" && ctx.types.get(type.name)?.kind === "record") return type.name;
      const builtin = type.kind === "primitive" && type.name === typeName;
      if (builtin || (type.kind === "ref" && ctx.types.has(type.name)))
        ctx.report(diagnostic("HAM0416", section.name.span, { name: typeName, role: `worker ${keyword}` }));
      return undefined;
    }
    if (!claimPartName(ctx, typeName, name, section.name.span)) return undefined;
    const fields = lowerRecordFields(ctx, section.fields, typeName, "field");
    defineType(ctx, {
      kind: "record",
      name: typeName,
      fields,
      origin: { kind: "part", owner: name, role: keyword },
      docs: docLines(section.docs),
      span: section.span,
    });
    return typeName;
  };
  if (!sections.has("input"))
    ctx.report(diagnostic("HAM0408", d.name.span, { section: "input", owner: `The worker \`${name}\`` }));
  out.workers.push({
    name,
    input: typeOf("input"),
    progress: typeOf("progress"),
    output: typeOf("output"),
    error: typeOf("error"),
    emits: emitted(ctx, facts),
    docs: docLines(d.docs),
    ...deprecation(facts.deprecated),
    span: d.span,
  });
}
