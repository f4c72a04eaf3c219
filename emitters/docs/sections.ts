/** Docs sections for types, streams, workers, events, services, workflows and models. */
import type {
  EventDef,
  ModelDef,
  RetryPolicy,
  Schema,
  ServiceDef,
  SseDef,
  TypeDef,
  WebSocketDef,
  WorkerDef,
  WorkflowDef,
} from "../../src/schema/types.js";
import { exampleOfFields, exampleOfType } from "../../src/schema/examples.js";
import { findEnum, findRecord, isTagged } from "../../src/schema/query.js";
import {
  anchor,
  codeBlock,
  constraintText,
  docBlock,
  docCell,
  escapeCell,
  fieldsTable,
  jsonBlock,
  table,
  typeCell,
  typeText,
} from "./markdown.js";

function typeLink(name: string): string {
  return `[\`${name}\`](#${anchor("type", name)})`;
}

function originText(def: TypeDef): string[] {
  if (def.origin.kind === "declared") return [];
  return [`_Part of \`${def.origin.owner}\` (${def.origin.role})._`, ""];
}

export function typeSection(schema: Schema, def: TypeDef): string[] {
  const kind = def.kind === "enum" ? (isTagged(def) ? "tagged enum" : "enum") : def.kind;
  const out = [
    `<a id="${anchor("type", def.name)}"></a>`,
    "",
    `### \`${def.name}\` (${kind})`,
    "",
    ...originText(def),
    ...docBlock(def),
  ];
  switch (def.kind) {
    case "alias": {
      const c = constraintText(def.constraints);
      out.push(
        `**Type**: ${typeCell(def.type)}${c.length > 0 ? `; **constraints**: ${c.join(", ")}` : ""}. The constraints apply wherever \`${def.name}\` is used.`,
        "",
      );
      break;
    }
    case "record":
      out.push(
        "**Wire form**: a JSON object; unknown keys are ignored; the keys `__proto__`, `constructor` and `prototype` are rejected.",
        "",
      );
      out.push(...(def.fields.length > 0 ? fieldsTable(def.fields) : ["_No fields: the empty object `{}`._", ""]));
      break;
    case "enum":
      if (!isTagged(def)) {
        out.push("**Wire form**: a JSON string holding the variant's name.", "");
        out.push(
          ...table(
            ["Value", "Description"],
            def.variants.map((v) => [`\`"${v.name}"\``, docCell(v)]),
          ),
        );
      } else {
        out.push(
          '**Wire form**: a JSON object whose `"tag"` names the variant, with the variant\'s fields beside it.',
          "",
        );
        for (const v of def.variants) {
          out.push(
            `- \`${v.name}\`${v.status !== undefined ? ` (HTTP ${v.status})` : ""}${v.fields.length === 0 ? ": no fields" : ""}${docCell(v) !== "" ? ` — ${docCell(v)}` : ""}`,
          );
        }
        out.push("");
        for (const v of def.variants.filter((v) => v.fields.length > 0))
          out.push(`Fields of \`${v.name}\`:`, "", ...fieldsTable(v.fields));
      }
      break;
  }
  out.push("**Example**", "", ...jsonBlock(exampleOfType(schema, { kind: "ref", name: def.name })));
  return out;
}

function authLine(auth: "session" | undefined): string {
  return `- **Auth**: ${auth === "session" ? "session cookie (`@auth(session)`)" : "none"}`;
}

export function sseSection(schema: Schema, def: SseDef): string[] {
  const example = exampleOfType(schema, def.type);
  return [
    `<a id="${anchor("sse", def.name)}"></a>`,
    "",
    `### \`${def.name}\` (server-sent events)`,
    "",
    ...docBlock(def),
    `- **Event type**: ${typeCell(def.type)}`,
    `- **Route**: \`GET /hamlet/sse/${def.name}\` (\`text/event-stream\`; a reconnecting client sends \`Last-Event-ID\`)`,
    authLine(def.auth),
    "- **Delivery**: to one session, chosen sessions or every session of the tenant; each event has an `id:` " +
      "(increasing per tenant) and one `data:` line with the JSON value.",
    "",
    "**Example event**",
    "",
    ...codeBlock("text", `id: 42\ndata: ${JSON.stringify(example ?? null)}`),
  ];
}

export function websocketSection(schema: Schema, def: WebSocketDef): string[] {
  const messages = findEnum(schema, def.message);
  const out = [
    `<a id="${anchor("websocket", def.name)}"></a>`,
    "",
    `### \`${def.name}\`: \`${def.path}\` (WebSocket)`,
    "",
    ...docBlock(def),
    `- **Messages**: ${typeLink(def.message)}; each text frame is one message as a tagged object (always tagged). The server decides who receives each message.`,
    authLine(def.auth),
    ...(def.emits.length > 0
      ? [`- **Emits**: ${def.emits.map((e) => `[\`${e}\`](#${anchor("event", e)})`).join(", ")}`]
      : []),
    "",
  ];
  for (const v of messages.variants) {
    out.push(
      `**\`${v.name}\`**${docCell(v) !== "" ? `: ${docCell(v)}` : ""}`,
      "",
      ...(v.fields.length > 0 ? fieldsTable(v.fields) : []),
      ...jsonBlock(exampleOfFields(schema, v.fields, v.name)),
    );
  }
  return out;
}

export function workerSection(schema: Schema, def: WorkerDef): string[] {
  const out = [`<a id="${anchor("worker", def.name)}"></a>`, "", `### \`${def.name}\` (worker)`, "", ...docBlock(def)];
  const roles: [string, string | undefined][] = [
    ["Input", def.input],
    ["Progress", def.progress],
    ["Output", def.output],
    ["Error", def.error],
  ];
  out.push(
    ...table(
      ["Message", "Type", "Example"],
      roles
        .filter(([, t]) => t !== undefined)
        .map(([role, t]) => [
          role,
          typeLink(t!),
          `\`${escapeCell(JSON.stringify(exampleOfType(schema, { kind: "ref", name: t! }) ?? null))}\``,
        ]),
    ),
  );
  if (def.emits.length > 0)
    out.push(
      `- **Emits** (stored by the server when the run returns its output): ${def.emits.map((e) => `[\`${e}\`](#${anchor("event", e)})`).join(", ")}`,
      "",
    );
  return out;
}

export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function retryText(retry: RetryPolicy | undefined): string {
  if (!retry) return "none";
  const b = retry.backoff;
  const backoff =
    b.kind === "fixed"
      ? `fixed ${formatDuration(b.delayMs)}`
      : `exponential from ${formatDuration(b.initialMs)} up to ${formatDuration(b.maxMs)}`;
  return `${retry.attempts} attempts, ${backoff}`;
}

export function eventSection(schema: Schema, def: EventDef): string[] {
  const record = findRecord(schema, def.name);
  return [
    `<a id="${anchor("event", def.name)}"></a>`,
    "",
    `### \`${def.name}\` (event)`,
    "",
    ...docBlock(def),
    `- **Storage**: ${def.durable ? "durable (kept in the event store)" : "volatile (in memory; lost on restart)"}`,
    `- **Retry**: ${retryText(def.retry)}`,
    `- **Payload**: ${typeLink(def.name)}`,
    "",
    ...fieldsTable(record.fields),
    "**Example**",
    "",
    ...jsonBlock(exampleOfFields(schema, record.fields)),
  ];
}

export function serviceSection(schema: Schema, def: ServiceDef): string[] {
  const request = findRecord(schema, def.request);
  const out = [
    `<a id="${anchor("service", def.name)}"></a>`,
    "",
    `### \`${def.name}\`: \`${def.method} ${def.url}\` (outside service)`,
    "",
    ...docBlock(def),
    `- **Request**: ${typeLink(def.request)}`,
    `- **Response**: ${def.response ? typeCell(def.response) : "none (no content)"}`,
    `- **Errors**: ${def.errors ? typeLink(def.errors) : "none declared"}`,
    `- **Retry**: ${retryText(def.retry)}`,
    `- **Delivery**: ${def.durable ? "reliable (through the event store)" : "fire-and-forget"}`,
    "",
    ...fieldsTable(request.fields),
    "**Example request**",
    "",
    ...jsonBlock(exampleOfFields(schema, request.fields)),
  ];
  if (def.response) out.push("**Example response**", "", ...jsonBlock(exampleOfType(schema, def.response)));
  return out;
}

export function workflowSection(schema: Schema, def: WorkflowDef): string[] {
  const out = [
    `<a id="${anchor("workflow", def.name)}"></a>`,
    "",
    `### \`${def.name}\` (workflow)`,
    "",
    ...docBlock(def),
    `- **Trigger**: [\`${def.trigger}\`](#${anchor("event", def.trigger)})`,
    "",
  ];
  out.push(
    ...table(
      ["#", "Step", "Output", "Example output", "Description"],
      def.steps.map((s, i) => [
        String(i + 1),
        `\`${s.name}\``,
        s.output ? escapeCell(typeCell(s.output)) : "none",
        s.output ? `\`${escapeCell(JSON.stringify(exampleOfType(schema, s.output) ?? null))}\`` : "",
        docCell(s),
      ]),
    ),
  );
  return out;
}

export function modelSection(def: ModelDef): string[] {
  const out = [
    `<a id="${anchor("model", def.name)}"></a>`,
    "",
    `### \`${def.name}\` (model, table \`${def.table}\`)`,
    "",
    ...docBlock(def),
    `- **Scope**: ${def.global ? "global (shared by every tenant)" : "tenant-scoped (a leading `tenant_id` column; rows are visible to their tenant only)"}`,
    `- **Primary key**: ${def.primaryKey.map((c) => `\`${c}\``).join(", ") || "none"}`,
  ];
  if (def.renamedFrom) out.push(`- **Renamed from**: \`${def.renamedFrom}\``);
  out.push("");
  const defaultText = (c: ModelDef["columns"][number]): string => {
    if (c.columnDefault)
      return c.columnDefault.kind === "literal"
        ? `\`${JSON.stringify(c.columnDefault.value)}\``
        : `\`${c.columnDefault.kind}\``;
    return c.default !== undefined ? `\`${JSON.stringify(c.default)}\`` : "";
  };
  out.push(
    ...table(
      ["Column", "Type", "Null", "Key", "Default", "References", "Constraints", "Description"],
      def.columns.map((c) => [
        `\`${c.column}\``,
        `\`${typeText(c.type)}\``,
        c.nullable ? "yes" : "no",
        [c.primary ? "primary" : "", c.unique ? "unique" : "", c.indexed ? "indexed" : ""]
          .filter((x) => x !== "")
          .join(", "),
        defaultText(c),
        c.references ? `\`${c.references.model}.${c.references.column}\`` : "",
        escapeCell(constraintText(c.constraints).join(", ")),
        docCell(c),
      ]),
    ),
  );
  if (def.indexes.length > 0) {
    out.push(
      "**Indexes**",
      "",
      ...def.indexes.map((i) => `- ${i.unique ? "unique " : ""}(${i.columns.map((c) => `\`${c}\``).join(", ")})`),
      "",
    );
  }
  return out;
}
