/** Compares two checked versions of a schema: every change with its verdict per audience. */
import { relative } from "node:path";
import { usesEventStore } from "../schema/query.js";
import { createContext, type DiffContext } from "./context.js";
import { diffRoutes, matchRoutes } from "./http-diff.js";
import type { Change, Version } from "./model.js";
import { diffModels, matchModels } from "./models-diff.js";
import { diffStreams } from "./streams-diff.js";
import { diffTypes, matchTypes } from "./types-diff.js";

export function diffVersions(before: Version, after: Version): Change[] {
  const ctx = createContext(before.schema, after.schema);
  // Renamed owners first, so that their generated parts (`<Name>Request`) pair up too.
  matchRoutes(ctx);
  matchModels(ctx);
  matchTypes(ctx);
  if (before.schema.package !== after.schema.package)
    ctx.add({
      kind: "package.renamed",
      path: after.schema.package,
      message: `The package was renamed: ${before.schema.package} → ${after.schema.package} (generated module names change).`,
      old: before.documents.find((d) => d.packageName)?.packageName?.span,
      new: after.documents.find((d) => d.packageName)?.packageName?.span,
    });
  diffImports(before, after, ctx.add);
  diffTypes(ctx);
  diffRoutes(ctx);
  diffStreams(ctx);
  diffModels(ctx);
  diffEventStore(ctx);
  return ctx.changes;
}

/** The event store in use before and not after: `event_store` turned off, or the last event, workflow or service removed. */
function diffEventStore(ctx: DiffContext): void {
  if (!usesEventStore(ctx.old) || usesEventStore(ctx.new)) return;
  const first = ctx.old.events[0] ?? ctx.old.workflows[0] ?? ctx.old.services[0];
  ctx.add({
    kind: "event_store.turned_off",
    path: "event_store",
    message:
      "The event store is not used any more (`event_store` is off, or no event, workflow or service is declared): events the old version queued and workflow runs it started are never handled, and the event-store tables stay with their rows (dead letters, history; HAM0839).",
    old: first?.span,
  });
}

function diffImports(before: Version, after: Version, add: ReturnType<typeof createContext>["add"]): void {
  const list = (v: Version) =>
    v.documents.flatMap((d) =>
      d.imports.map((i) => ({ key: `${relative(v.root, d.file)} → ${i.path.value}`, span: i.span })),
    );
  const a = list(before);
  const b = list(after);
  for (const i of b)
    if (!a.some((x) => x.key === i.key))
      add({ kind: "import.added", path: i.key, message: `Import added: ${i.key}.`, new: i.span });
  for (const i of a)
    if (!b.some((x) => x.key === i.key))
      add({ kind: "import.removed", path: i.key, message: `Import removed: ${i.key}.`, old: i.span });
}
