/**
 * Every kind of change `hamletc diff` knows, with its verdict per audience. Wire verdicts are
 * given per direction and apply only in the directions the changed type travels (see
 * `flows.ts`); spec/diff.md has an example pair for every kind, checked by a test.
 */
import type { Span } from "../ast/nodes.js";
import { bothWays, type Flow } from "./flows.js";
import type { Change, Verdict, Verdicts } from "./model.js";

interface KindRule {
  /** Verdict for old clients decoding what the new side sends. */
  readonly toOld: Verdict;
  /** Verdict for the new side decoding what old clients send. */
  readonly fromOld: Verdict;
  /** Source verdict; `requestBuilt` breaks only when old clients build the type (Elm record literals). */
  readonly source: Verdict | "requestBuilt";
  readonly database: Verdict;
}

const rule = (
  toOld: Verdict,
  fromOld: Verdict,
  source: Verdict | "requestBuilt",
  database: Verdict = "safe",
): KindRule => ({
  toOld,
  fromOld,
  source,
  database,
});

export const changeKinds = {
  "declaration.added": rule("safe", "safe", "safe"),
  "type.removed": rule("safe", "safe", "breaks"),
  "type.renamed": rule("safe", "safe", "breaks"),
  "type.kind_changed": rule("breaks", "breaks", "breaks"),
  "field.added.optional": rule("safe", "safe", "requestBuilt"),
  "field.added.defaulted": rule("safe", "safe", "requestBuilt"),
  "field.added.required": rule("safe", "breaks", "breaks"),
  "field.removed": rule("breaks", "safe", "breaks"),
  "field.removed.optional": rule("safe", "safe", "breaks"),
  "field.type_changed": rule("breaks", "breaks", "breaks"),
  "field.type_widened": rule("breaks", "safe", "breaks"),
  "field.made_optional": rule("breaks", "safe", "breaks"),
  "field.made_required": rule("safe", "breaks", "breaks"),
  "field.default_added": rule("safe", "safe", "safe"),
  "field.default_removed": rule("safe", "breaks", "breaks"),
  "field.default_changed": rule("safe", "safe", "safe"),
  "constraint.tightened": rule("safe", "breaks", "safe"),
  "constraint.loosened": rule("risky", "safe", "safe"),
  "constraint.pattern_changed": rule("risky", "breaks", "safe"),
  "enum.variant_added": rule("breaks", "safe", "breaks"),
  "enum.variant_removed": rule("safe", "breaks", "breaks"),
  "enum.encoding_changed": rule("breaks", "breaks", "breaks"),
  "alias.target_changed": rule("breaks", "breaks", "breaks"),
  "query.added.optional": rule("safe", "safe", "requestBuilt"),
  "query.added.required": rule("safe", "breaks", "breaks"),
  "query.removed": rule("safe", "safe", "breaks"),
  "endpoint.removed": rule("safe", "breaks", "breaks"),
  "endpoint.renamed": rule("safe", "safe", "breaks"),
  "endpoint.method_changed": rule("safe", "breaks", "safe"),
  "endpoint.path_changed": rule("safe", "breaks", "safe"),
  "endpoint.request_changed": rule("safe", "breaks", "breaks"),
  "endpoint.response_changed": rule("breaks", "safe", "breaks"),
  "error.added": rule("breaks", "safe", "breaks"),
  "error.removed": rule("safe", "safe", "breaks"),
  "error.status_changed": rule("risky", "safe", "safe"),
  "auth.added": rule("safe", "breaks", "safe"),
  "auth.removed": rule("safe", "safe", "safe"),
  "upload.limit_tightened": rule("safe", "breaks", "safe"),
  "upload.limit_loosened": rule("safe", "safe", "safe"),
  "sse.removed": rule("safe", "breaks", "breaks"),
  "sse.type_changed": rule("breaks", "safe", "breaks"),
  "websocket.removed": rule("safe", "breaks", "breaks"),
  "websocket.path_changed": rule("safe", "breaks", "safe"),
  "websocket.message_added": rule("breaks", "safe", "breaks"),
  "websocket.message_removed": rule("safe", "breaks", "breaks"),
  "service.removed": rule("safe", "safe", "breaks"),
  "service.endpoint_changed": rule("safe", "safe", "safe"),
  "worker.removed": rule("safe", "breaks", "breaks"),
  "worker.section_changed": rule("breaks", "breaks", "breaks"),
  // The events a body may emit: nothing on the wire changes, bodies emitting a removed event stop compiling.
  "worker.emits_changed": rule("safe", "safe", "breaks"),
  "event.removed": rule("safe", "breaks", "breaks"),
  "event.retry_changed": rule("safe", "safe", "safe"),
  "event.schedule_changed": rule("safe", "safe", "safe"),
  // Events queued and runs started by the old version are never handled; the tables keep their rows (HAM0839).
  "event_store.turned_off": rule("safe", "breaks", "safe", "risky"),
  "workflow.removed": rule("safe", "breaks", "breaks"),
  "workflow.trigger_changed": rule("safe", "breaks", "breaks"),
  "workflow.step_added": rule("safe", "safe", "breaks"),
  "workflow.step_removed": rule("safe", "breaks", "breaks"),
  "workflow.steps_reordered": rule("safe", "breaks", "safe"),
  "model.removed": rule("safe", "safe", "breaks", "breaks"),
  "model.renamed": rule("safe", "safe", "breaks", "safe"),
  "model.primary_key_changed": rule("safe", "safe", "safe", "breaks"),
  "model.tenancy_changed": rule("safe", "safe", "safe", "breaks"),
  "column.added.optional": rule("safe", "safe", "safe", "safe"),
  "column.added.required": rule("safe", "safe", "breaks", "breaks"),
  "column.removed": rule("safe", "safe", "breaks", "breaks"),
  "column.renamed": rule("safe", "safe", "breaks", "safe"),
  "column.type_changed": rule("safe", "safe", "breaks", "breaks"),
  "column.type_widened": rule("safe", "safe", "safe", "safe"),
  "column.made_required": rule("safe", "safe", "breaks", "breaks"),
  "column.made_optional": rule("safe", "safe", "breaks", "safe"),
  "column.default_changed": rule("safe", "safe", "safe", "safe"),
  "index.added": rule("safe", "safe", "safe", "safe"),
  "index.unique_added": rule("safe", "safe", "safe", "risky"),
  "index.removed": rule("safe", "safe", "safe", "safe"),
  "package.renamed": rule("safe", "safe", "breaks"),
  "import.added": rule("safe", "safe", "safe"),
  "import.removed": rule("safe", "safe", "safe"),
} satisfies Record<string, KindRule>;

export type ChangeKind = keyof typeof changeKinds;
export const changeKindIds = Object.keys(changeKinds) as ChangeKind[];

export interface ChangeInput {
  readonly kind: ChangeKind;
  readonly path: string;
  readonly message: string;
  readonly old?: Span | undefined;
  readonly new?: Span | undefined;
  /** Directions the changed type travels; declarations other than types travel both ways. */
  readonly flow?: Flow;
  /** Verdicts decided elsewhere (the migration planner's, for the database). */
  readonly override?: Partial<Verdicts>;
}

export function makeChange(input: ChangeInput): Change {
  const r: KindRule = changeKinds[input.kind];
  const flow = input.flow ?? bothWays;
  const verdicts: Verdicts = {
    responses: flow.toOld ? r.toOld : "safe",
    requests: flow.fromOld ? r.fromOld : "safe",
    source: r.source === "requestBuilt" ? (flow.fromOld ? "breaks" : "safe") : r.source,
    database: r.database,
    ...input.override,
  };
  return { kind: input.kind, path: input.path, message: input.message, old: input.old, new: input.new, verdicts };
}
