/**
 * `events.ts`: the typed face of the event system (runtime-node `events/`) for one schema.
 *
 * - `EventPayloads`, `EmitFn` and `EmitOptions`: a typed `emit(name, payload, { delayMs | dueAt })`
 *   that encodes the payload with the generated encoder;
 * - `EventHandlers`: one method per event (optional for a workflow's trigger);
 * - per workflow, `<Workflow>Steps` (each step receives the trigger and the earlier outputs) and
 *   `<Workflow>Outputs`; `WorkflowHandlers` gathers them;
 * - `Services`: one typed client method per `service`; `ServiceResponses`: the app's reactions;
 * - `SchedulePayloads`: the payload of each `@schedule` event for a period;
 * - `EmitsContext` / `emitting`: what `server.ts` gives handlers of `@emits` endpoints;
 * - `registerEvents(app, options)`: builds the durable or in-memory event system from the
 *   generated definitions (names, validators, `@retry`, `@schedule`) and the app's handlers.
 *
 * The text is printed in its final layout (Prettier, printWidth 100, leaves it unchanged).
 */
import type { EventDef, RetryPolicy, Schema, ServiceDef, TypeExpr, WorkflowDef } from "../../src/schema/types.js";
import { camel, tsDoc, tsType, type TypeTable } from "./model.js";
import { inputName } from "./types-file.js";

const WIDTH = 100;

/** True when the schema has anything for the event system to run. */
export function hasEvents(schema: Schema): boolean {
  return schema.events.length > 0 || schema.workflows.length > 0 || schema.services.length > 0;
}

/** Indents every non-empty line of `text` by `by` spaces. */
function indent(text: string, by: number): string {
  const pad = " ".repeat(by);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join("\n");
}

/** A doc comment indented by `by` spaces ("" without docs). */
function doc(lines: readonly string[], by: number, deprecated?: string): string {
  const text = tsDoc(lines, deprecated);
  return text === "" ? "" : indent(text, by);
}

/** `head(params): ret;` on one line when it fits, else one parameter per line (Prettier's layout). */
function signature(by: number, head: string, params: readonly string[], ret: string): string {
  const pad = " ".repeat(by);
  const flat = `${pad}${head}(${params.join(", ")})${ret}`;
  if (flat.length <= WIDTH) return flat;
  return `${pad}${head}(\n${params.map((p) => `${pad}  ${p},`).join("\n")}\n${pad})${ret}`;
}

/** An import statement, one line when it fits. */
function importStatement(names: readonly string[], from: string, typeOnly = false): string {
  const keyword = typeOnly ? "import type" : "import";
  const flat = `${keyword} { ${names.join(", ")} } from ${JSON.stringify(from)};`;
  if (flat.length <= WIDTH) return flat;
  return `${keyword} {\n${names.map((n) => `  ${n},`).join("\n")}\n} from ${JSON.stringify(from)};`;
}

function sortNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => a.replace(/^type /, "").localeCompare(b.replace(/^type /, "")));
}

/** A property `key: value,` at `by` spaces, broken after the colon when too long. */
function property(by: number, key: string, value: string): string {
  const pad = " ".repeat(by);
  const flat = `${pad}${key}: ${value},`;
  if (flat.length <= WIDTH || value.includes("\n")) return flat;
  return `${pad}${key}:\n${pad}  ${value},`;
}

interface StepView {
  readonly name: string;
  readonly docs: readonly string[];
  /** TypeScript type of the output, or undefined for a step without output. */
  readonly type: string | undefined;
  /** Named type with a decoder/encoder (a ref), or undefined (then the wire value is used as is). */
  readonly named: string | undefined;
}

/** The pieces of the file, computed once; the print functions below only print. */
class EventsView {
  readonly types = new Set<string>();
  readonly values = new Set<string>();
  readonly runtime = new Set<string>([
    "attachEventSystem",
    "createEventSystem",
    "createMemoryEventSystem",
    "type DurableEventOptions",
    "type Emit",
    "type EmittedEvent",
    "type EmittingContext",
    "type EmittingParts",
    "type EventContext",
    "type EventSystem",
    "type HamletServer",
  ]);
  readonly triggers = new Map<string, string>();
  constructor(readonly table: TypeTable) {
    for (const w of table.schema.workflows) this.triggers.set(w.trigger, w.name);
  }
  get schema(): Schema {
    return this.table.schema;
  }
  payload(event: EventDef): string {
    const name = inputName(this.table, event.name);
    this.types.add(name);
    return name;
  }
  decoder(name: string): string {
    this.values.add(`decode${name}`);
    return `decode${name}`;
  }
  encoder(name: string): string {
    this.values.add(`encode${name}`);
    return `encode${name}`;
  }
  type(name: string): string {
    this.types.add(name);
    return name;
  }
  steps(w: WorkflowDef): StepView[] {
    return w.steps.map((s) => {
      if (s.output === undefined) return { name: s.name, docs: s.docs, type: undefined, named: undefined };
      if (s.output.kind === "ref")
        return { name: s.name, docs: s.docs, type: this.type(s.output.name), named: s.output.name };
      return { name: s.name, docs: s.docs, type: this.wireType(s.output), named: undefined };
    });
  }
  /** TypeScript type of an unnamed output stored as its wire value. */
  wireType(type: TypeExpr): string {
    if (this.table.passThrough(type)) return tsType(type);
    this.types.add("JsonValue");
    return "JsonValue";
  }
  serviceResponse(s: ServiceDef): { type: string; named: string | undefined } {
    if (s.response === undefined) return { type: "void", named: undefined };
    if (s.response.kind === "ref") return { type: this.type(s.response.name), named: s.response.name };
    return { type: this.wireType(s.response), named: undefined };
  }
}

function payloadsBlock(view: EventsView): string {
  const lines = view.schema.events.map((e) => `  ${e.name}: ${view.payload(e)};`);
  return `/** The payload of every event, by event name. */
export interface EventPayloads {
${lines.join("\n")}
}`;
}

const EMIT_TYPES = `/** When an emitted event is delivered, and how a repeated emit is recognised. */
export interface EmitOptions {
  /** Deliver no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
  /** Deliver no earlier than this time (a Date or epoch milliseconds); wins over \`delayMs\`. */
  readonly dueAt?: Date | number;
  /** Emitting again with the same key (per tenant and event) stores the event once. */
  readonly idempotencyKey?: string;
}

/**
 * Emits one of the events \`N\` in the caller's transaction (nothing is stored if it rolls back).
 * The tenant, session and correlation id are stamped automatically.
 */
export type EmitFn<N extends keyof EventPayloads = keyof EventPayloads> = <K extends N>(
  name: K,
  payload: EventPayloads[K],
  options?: EmitOptions,
) => Promise<EmittedEvent>;`;

function encodersBlock(view: EventsView): string {
  const lines = view.schema.events.map((e) => `  ${e.name}: ${view.encoder(e.name)},`);
  return `const encoders: { readonly [K in keyof EventPayloads]: (payload: EventPayloads[K]) => unknown } = {
${lines.join("\n")}
};

function typedEmit(emit: Emit): EmitFn {
  return (name, payload, options) => emit({ ...options, name, payload: encoders[name](payload) });
}`;
}

function contextBlock(view: EventsView): string {
  const services = view.schema.services.length > 0;
  return `/** What every event handler, workflow step and service reaction receives. */
export interface EventHandlerContext extends Omit<EventContext, "emit"> {
  /** Emits follow-up events in this event's transaction (same correlation id). */
  readonly emit: EmitFn;${
    services
      ? `
  /** Calls services in this event's transaction. */
  readonly services: Services;`
      : ""
  }
}`;
}

function handlersBlock(view: EventsView): string {
  const methods = view.schema.events.map((e) => {
    const workflow = view.triggers.get(e.name);
    const extra = workflow === undefined ? [] : [`Optional: the event also starts the workflow \`${workflow}\`.`];
    const docs = doc([...e.docs, ...extra], 2, e.deprecated);
    const head = `${camel(e.name)}${workflow === undefined ? "" : "?"}`;
    const payload = view.payload(e);
    return docs + signature(2, head, [`payload: ${payload}`, "context: EventHandlerContext"], ": Promise<void>;");
  });
  return `/**
 * One method per event, called at least once per emitted event (exactly once for writes made
 * through \`context.tx\`, which commit together with the event's completion). Throwing means
 * "retry later" with the event's \`@retry\`; after the last attempt the event is a dead letter.
 */
export interface EventHandlers {
${methods.join("\n")}
}`;
}

function workflowBlocks(view: EventsView): string[] {
  if (view.schema.workflows.length === 0) return [];
  const awaits = view.schema.services.length > 0;
  const blocks: string[] = [
    `/** What a workflow step receives: the trigger's payload and the outputs of the earlier steps. */
export interface WorkflowStepInput<T, O> {
  readonly trigger: T;
  readonly outputs: O;
  readonly runId: string;
  readonly context: EventHandlerContext;
  /** Reports how far the step got (JSON-encodable, e.g. a worker's progress) on \`/hamlet/runs\` at once. */
  progress(value: unknown): void;${
    awaits
      ? `
  /** Calls a service and waits for its outcome (the step shows as waiting meanwhile). */
  readonly awaitService: AwaitServices;`
      : ""
  }
}`,
  ];
  const members: string[] = [];
  for (const w of view.schema.workflows) {
    const trigger = view.type(w.trigger);
    const steps = view.steps(w);
    const withOutput = steps.filter((s) => s.type !== undefined);
    const outputs = `${w.name}Outputs`;
    blocks.push(`/** Outputs of the finished steps of \`${w.name}\`, by step name. */
export interface ${outputs} {
${withOutput.map((s) => `  readonly ${s.name}: ${s.type};`).join("\n")}
}`);
    const methods = steps.map((s, i) => {
      const earlier = withOutput.filter((o) => steps.indexOf(o) < i).map((o) => JSON.stringify(o.name));
      const picked = `Pick<${outputs}, ${earlier.length === 0 ? "never" : earlier.join(" | ")}>`;
      const input = `input: WorkflowStepInput<${trigger}, ${picked}>`;
      return doc(s.docs, 2) + signature(2, s.name, [input], `: Promise<${s.type ?? "void"}>;`);
    });
    blocks.push(`${tsDoc([...w.docs, `Triggered by \`${w.trigger}\`; the steps run in this order, each once.`])}export interface ${w.name}Steps {
${methods.join("\n")}
}`);
    members.push(`  ${camel(w.name)}: ${w.name}Steps;`);
  }
  blocks.push(`/** The steps of every workflow. */
export interface WorkflowHandlers {
${members.join("\n")}
}`);
  return blocks;
}

function serviceBlocks(view: EventsView): string[] {
  if (view.schema.services.length === 0) return [];
  const clients = view.schema.services.map((s) => {
    const request = view.type(inputName(view.table, s.request));
    const docs = doc([...s.docs, `\`${s.method} ${s.url}\``], 2, s.deprecated);
    return docs + signature(2, camel(s.name), [`request: ${request}`], ": Promise<EmittedEvent>;");
  });
  const reactions = view.schema.services.map((s) => {
    const { type } = view.serviceResponse(s);
    const params =
      type === "void" ? ["context: EventHandlerContext"] : [`response: ${type}`, "context: EventHandlerContext"];
    return signature(2, `${camel(s.name)}?`, params, ": Promise<void>;");
  });
  const names = view.schema.services.map((s) => JSON.stringify(camel(s.name)));
  return [
    ...awaitServicesBlock(view),
    `/**
 * One method per service. On the event store a call is a durable job, sent after the caller's
 * transaction commits and retried with the service's \`@retry\` (then a dead letter); without it,
 * fire-and-forget with retries in memory only.
 */
export interface Services {
${clients.join("\n")}
}`,
    `/** What the app does with each service's decoded response (in the job's transaction). */
export interface ServiceResponses {
${reactions.join("\n")}
}`,
    `/** The URL of each service, when it differs from the schema's (from config or the environment). */
export type ServiceUrls = { readonly [name in ${names.join(" | ")}]?: string };`,
  ];
}

/** `AwaitServices`: the services a workflow step can wait for, typed request and typed answer. */
function awaitServicesBlock(view: EventsView): string[] {
  if (view.schema.workflows.length === 0) return [];
  view.runtime.add("type ServiceOutcome");
  const methods = view.schema.services.map((s) => {
    const request = view.type(inputName(view.table, s.request));
    const answer = view.serviceResponse(s).type;
    const docs = doc([...s.docs, `\`${s.method} ${s.url}\``], 2, s.deprecated);
    return docs + signature(2, camel(s.name), [`request: ${request}`], `: Promise<ServiceOutcome<${answer}>>;`);
  });
  return [
    `/**
 * One method per service for workflow steps (\`input.awaitService\`): the call is a durable job with
 * the service's \`@retry\`, and the step waits for its outcome (shown as waiting). When the call
 * ends (answered, refused, or dead-lettered after its attempts) the step runs again from its start
 * and this call returns the outcome; code before it runs twice, so keep it to reads.
 */
export interface AwaitServices {
${methods.join("\n")}
}`,
  ];
}

function scheduleBlock(view: EventsView): string[] {
  const scheduled = view.schema.events.filter((e) => e.scheduleMs !== undefined);
  if (scheduled.length === 0) return [];
  const methods = scheduled.map((e) => signature(2, camel(e.name), ["periodStart: Date"], `: ${view.payload(e)};`));
  return [
    `/** The payload of each \`@schedule\` event for the period that starts at \`periodStart\`. */
export interface SchedulePayloads {
${methods.join("\n")}
}`,
  ];
}

const EMITS_CONTEXT = `/** What a handler of an endpoint with \`@emits(...)\` gets besides the usual context. */
export interface EmitsContext<N extends keyof EventPayloads> {
  /** The request's tenant transaction: write here to commit together with the events. */
  readonly tx: EmittingContext["tx"];
  /** Emits the declared events in that transaction (none if the handler throws or fails). */
  readonly emit: EmitFn<N>;SERVICES
}`;

function emitsBlock(view: EventsView): string {
  const services = view.schema.services.length > 0;
  const members = EMITS_CONTEXT.replace(
    "SERVICES",
    services
      ? `
  /** Calls services in that transaction. */
  readonly services: Services;`
      : "",
  );
  const extra = services
    ? `
    services: servicesFor(system, context.tx, context.scope),`
    : "";
  return `${members}

/** Adds the typed \`emit\` to an emitting context (generated \`server.ts\` and \`websocket.ts\` call this). */
export function emitting<C extends EmittingParts & { readonly app: HamletServer }>(
  context: C,
): C & EmitsContext<keyof EventPayloads> {${
    services
      ? `
  const system = eventSystemOf(context.app);
  if (system === undefined) throw new Error("call registerEvents(app, ...) before serving");`
      : ""
  }
  return {
    ...context,
    emit: typedEmit(context.emitEvent),${extra}
  };
}`;
}

function optionsBlock(view: EventsView): string {
  const { schema } = view;
  const members: string[] = ["  readonly handlers: EventHandlers;"];
  if (schema.workflows.length > 0) members.push("  readonly workflows: WorkflowHandlers;");
  if (schema.services.length > 0) {
    members.push("  readonly services?: ServiceResponses;");
    members.push("  readonly serviceUrls?: ServiceUrls;");
  }
  if (schema.events.some((e) => e.scheduleMs !== undefined)) members.push("  readonly schedules: SchedulePayloads;");
  return `/** The app's side of the event system. */
export interface EventsOptions {
${members.join("\n")}
  /**
   * Run on the event store (default \`EVENT_STORE\`). False runs in memory: delayed events wait on
   * timers and are lost on restart, services are fire-and-forget, workflows do not run.
   */
  readonly eventStore?: boolean;
  /** Dispatcher settings (LISTEN url, poll interval, concurrency, clock, fetch...). */
  readonly runtime?: Omit<DurableEventOptions, "db" | "registry">;
}`;
}

function registerBlock(view: EventsView): string {
  const { schema } = view;
  const services = schema.services.length > 0;
  return `/**
 * Builds the event system of \`app\` (durable on its database, or in memory), lets its \`@emits\`
 * endpoints emit into it, starts it when the app is ready and stops it when the app closes.
 */
export function registerEvents(app: HamletServer, options: EventsOptions): EventSystem {
  const durable = options.eventStore ?? EVENT_STORE;
  const registry = {
    events: eventDefinitions(${schema.events.some((e) => e.scheduleMs !== undefined) ? "options.schedules" : ""}),
    handlers: eventHandlers(options.handlers, handlerContext),${
      schema.workflows.length > 0
        ? `
    workflows: durable ? workflowDefinitions(options.workflows, handlerContext) : [],`
        : ""
    }${
      services
        ? `
    services: serviceDefinitions(options.services ?? {}, options.serviceUrls ?? {}, handlerContext),`
        : ""
    }
  };
  const settings = { ...app.hamlet.config.events, ...options.runtime, db: app.hamlet.db, registry };
  const system = durable ? createEventSystem(settings) : createMemoryEventSystem(settings);
  function handlerContext(context: EventContext): EventHandlerContext {
    return {
      ...context,
      emit: typedEmit(context.emit),${
        services
          ? `
      services: servicesFor(system, context.tx, causedBy(context)),`
          : ""
      }
    };
  }
  attachEventSystem(app, system);
  app.addHook("onReady", () => system.start());
  app.addHook("onClose", () => system.stop());
  return system;
}`;
}

function definitionsBlocks(view: EventsView): string[] {
  const { schema } = view;
  const scheduled = schema.events.some((e) => e.scheduleMs !== undefined);
  const events = schema.events.map((e) => {
    const props = [property(6, "name", JSON.stringify(e.name)), property(6, "validate", view.decoder(e.name))];
    if (e.retry !== undefined) props.push(retryProperty(6, e.retry));
    if (e.scheduleMs !== undefined) {
      const build = `${view.encoder(e.name)}(schedules.${camel(e.name)}(new Date(start)))`;
      const payload = `        payload: (start: number) => ${build},`;
      const fitted = payload.length <= WIDTH ? payload : `        payload: (start: number) =>\n          ${build},`;
      props.push(`      schedule: {\n        everyMs: ${e.scheduleMs},\n${fitted}\n      },`);
    }
    return `    {\n${props.join("\n")}\n    },`;
  });
  const blocks: string[] = [
    `function eventDefinitions(${scheduled ? "schedules: SchedulePayloads" : ""}): EventDefinition[] {
  return [
${events.join("\n")}
  ];
}`,
  ];
  view.runtime.add("type EventDefinition");
  const required: string[] = [];
  const optional: string[] = [];
  for (const e of schema.events) {
    const method = camel(e.name);
    const payload = view.payload(e);
    if (view.triggers.has(e.name)) {
      optional.push(`  const ${method} = handlers.${method}?.bind(handlers);
  if (${method} !== undefined)
    table[${JSON.stringify(e.name)}] = (payload: ${payload}, context: EventContext) =>
      ${method}(payload, wrap(context));`);
    } else {
      required.push(`    ${e.name}: (payload: ${payload}, context: EventContext) =>
      handlers.${method}(payload, wrap(context)),`);
    }
  }
  view.runtime.add("type EventHandler");
  blocks.push(`function eventHandlers(
  handlers: EventHandlers,
  wrap: (context: EventContext) => EventHandlerContext,
): Record<string, EventHandler<never>> {
  const table: Record<string, EventHandler<never>> = {
${required.join("\n")}
  };${optional.length > 0 ? `\n${optional.join("\n")}` : ""}
  return table;
}`);
  if (schema.workflows.length > 0) blocks.push(...workflowDefinitions(view));
  if (schema.services.length > 0) blocks.push(...serviceDefinitions(view));
  return blocks;
}

/** `const name = callee(args);`, with the arguments one per line when it does not fit. */
function constCall(by: number, name: string, callee: string, args: readonly string[]): string {
  const pad = " ".repeat(by);
  const flat = `${pad}const ${name} = ${callee}(${args.join(", ")});`;
  if (flat.length <= WIDTH) return flat;
  return `${pad}const ${name} = ${callee}(\n${args.map((a) => `${pad}  ${a},`).join("\n")}\n${pad});`;
}

/** An object-literal property, flat when it fits, else one entry per line. */
function objectProperty(by: number, key: string, entries: readonly string[]): string {
  const pad = " ".repeat(by);
  const flat = `${pad}${key}: { ${entries.join(", ")} },`;
  if (flat.length <= WIDTH) return flat;
  return `${pad}${key}: {\n${entries.map((e) => `${pad}  ${e},`).join("\n")}\n${pad}},`;
}

function retryProperty(by: number, retry: RetryPolicy): string {
  const backoff =
    retry.backoff.kind === "exponential"
      ? `{ kind: "exponential", initialMs: ${retry.backoff.initialMs}, maxMs: ${retry.backoff.maxMs} }`
      : `{ kind: "fixed", delayMs: ${retry.backoff.delayMs} }`;
  return objectProperty(by, "retry", [`attempts: ${retry.attempts}`, `backoff: ${backoff}`]);
}

function workflowDefinitions(view: EventsView): string[] {
  view.runtime.add("type WorkflowDefinition");
  view.runtime.add("type StepInput");
  view.runtime.add("type PayloadValidator");
  view.runtime.add("PermanentEventError");
  const setup: string[] = [];
  const entries = view.schema.workflows.map((w) => {
    const name = camel(w.name);
    const steps = view.steps(w);
    const decoders = steps
      .filter((s) => s.type !== undefined)
      .map((s) => `    ${s.name}: ${s.named ? view.decoder(s.named) : "asIs"},`);
    setup.push(`  const ${name} = handlers.${name};`);
    setup.push(
      decoders.length === 0
        ? `  const ${name}Outputs: Record<string, PayloadValidator<unknown>> = {};`
        : `  const ${name}Outputs: Record<string, PayloadValidator<unknown>> = {\n${decoders.join("\n")}\n  };`,
    );
    setup.push(constCall(2, `${name}Input`, "stepInputs", [view.decoder(w.trigger), `${name}Outputs`, "wrap"]));
    const stepEntries = steps.map((s) => {
      const run = constCall(12, "output", `await ${name}.${s.name}`, [`${name}Input(input)`]).replace(
        "const output = ",
        s.type === undefined ? "" : "const output = ",
      );
      const props = [`          name: ${JSON.stringify(s.name)},`];
      if (s.type === undefined) {
        props.push(`          run: async (input) => {\n${run}\n            return null;\n          },`);
      } else if (s.named !== undefined) {
        const encode = `            return ${view.encoder(s.named)}(output);`;
        props.push(`          run: async (input) => {\n${run}\n${encode}\n          },`);
        props.push(`          validateOutput: checkWire(${view.decoder(s.named)}),`);
      } else {
        props.push(`          run: async (input) => {\n${run}\n            return output;\n          },`);
      }
      return `        {\n${props.join("\n")}\n        },`;
    });
    return `    {
      name: ${JSON.stringify(w.name)},
      trigger: ${JSON.stringify(w.trigger)},
      steps: [
${stepEntries.join("\n")}
      ],
    },`;
  });
  const awaits = view.schema.services.length > 0;
  const needsAsIs =
    view.schema.workflows.some((w) => view.steps(w).some((s) => s.type !== undefined && !s.named)) ||
    (awaits && view.schema.services.some((s) => s.response !== undefined && s.response.kind !== "ref"));
  return [
    `function workflowDefinitions(
  handlers: WorkflowHandlers,
  wrap: (context: EventContext) => EventHandlerContext,
): WorkflowDefinition[] {
${setup.join("\n")}
  return [
${entries.join("\n")}
  ];
}`,
    `/**
 * Decodes the stored trigger and the outputs of the finished steps for a step (the runtime passes
 * exactly the earlier steps' outputs); stored data that no longer decodes is not retried.
 */
function stepInputs<T>(
  trigger: PayloadValidator<T>,
  outputs: Record<string, PayloadValidator<unknown>>,
  wrap: (context: EventContext) => EventHandlerContext,
): <O>(input: StepInput<unknown>) => WorkflowStepInput<T, O> {
  function decodeInput<O>(input: StepInput<unknown>): WorkflowStepInput<T, O> {
    const decoded: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(input.outputs)) {
      const decode = outputs[name];
      if (decode !== undefined) decoded[name] = stored(decode, value, \`the output of step \${name}\`);
    }
    return {
      trigger: stored(trigger, input.trigger, "the trigger"),
      outputs: decoded as O,
      runId: input.runId,
      context: wrap(input.context),
      progress: input.progress,AWAIT_SERVICE
    };
  }
  return decodeInput;
}

function stored<T>(decode: PayloadValidator<T>, value: unknown, what: string): T {
  const result = decode(value);
  if (result.ok) return result.value;
  const issues = result.errors.map((issue) => \`\${issue.path}: \${issue.message}\`).join("; ");
  throw new PermanentEventError(\`\${what} does not decode: \${issues}\`);
}`.replace(
      "AWAIT_SERVICE",
      awaits
        ? `
      awaitService: awaitServicesFor(input.awaitService),`
        : "",
    ),
    ...(awaits ? awaitServicesFor(view) : []),
    `/** Checks an encoded value with its decoder and keeps the wire value for storage. */
function checkWire<T>(decode: PayloadValidator<T>): PayloadValidator<unknown> {
  return (value) => {
    const result = decode(value);
    return result.ok ? { ok: true, value } : result;
  };
}`,
    ...(needsAsIs
      ? [
          `function asIs(value: unknown): { readonly ok: true; readonly value: unknown } {
  return { ok: true, value };
}`,
        ]
      : []),
  ];
}

/** `awaitServicesFor`: encodes each request, decodes each answer of a service a step waits for. */
function awaitServicesFor(view: EventsView): string[] {
  view.runtime.add("type AwaitService");
  const methods = view.schema.services.map((s) => {
    const { type, named } = view.serviceResponse(s);
    const call = `await awaitService(${JSON.stringify(s.name)}, ${view.encoder(s.request)}(request))`;
    // An unnamed answer has no decoder: it is kept as received (the service route checked nothing more).
    const decode =
      type === "void" ? "asNothing" : named !== undefined ? view.decoder(named) : `asIs as PayloadValidator<${type}>`;
    const args = [call, decode, JSON.stringify(s.name)];
    const head = `    ${camel(s.name)}: async (request) =>`;
    const flat = `answered(${args.join(", ")}),`;
    if (`${head} ${flat}`.length <= WIDTH) return `${head} ${flat}`;
    if (`      ${flat}`.length <= WIDTH) return `${head}\n      ${flat}`;
    return `${head}\n      answered(\n${args.map((arg) => `        ${arg},`).join("\n")}\n      ),`;
  });
  const voids = view.schema.services.some((s) => s.response === undefined);
  return [
    `function awaitServicesFor(awaitService: AwaitService): AwaitServices {
  return {
${methods.join("\n")}
  };
}`,
    `/** Decodes a recorded answer; one that no longer decodes fails the run (retrying cannot help). */
function answered<R>(
  outcome: ServiceOutcome<unknown>,
  decode: PayloadValidator<R>,
  service: string,
): ServiceOutcome<R> {
  if (!outcome.ok) return outcome;
  return { ok: true, answer: stored(decode, outcome.answer, \`the answer of \${service}\`) };
}`,
    ...(voids
      ? [
          `function asNothing(): { readonly ok: true; readonly value: void } {
  return { ok: true, value: undefined };
}`,
        ]
      : []),
  ];
}

function serviceDefinitions(view: EventsView): string[] {
  // Only services need these (servicesFor, causedBy, the event system check of `emitting`).
  view.runtime.add("eventSystemOf");
  view.runtime.add("type EventScope");
  view.runtime.add("type ServiceDefinition");
  view.runtime.add("callService");
  view.runtime.add("type Database");
  if (view.schema.workflows.length === 0) {
    view.runtime.add("type PayloadValidator");
  }
  const definitions = view.schema.services.map((s) => {
    const method = camel(s.name);
    const { type, named } = view.serviceResponse(s);
    const props = [
      property(6, "name", JSON.stringify(s.name)),
      property(6, "method", JSON.stringify(s.method)),
      property(6, "url", `urls.${method} ?? ${JSON.stringify(s.url)}`),
      property(6, "validateRequest", `checkWire(${view.decoder(s.request)})`),
    ];
    if (named !== undefined) props.push(property(6, "validateResponse", view.decoder(named)));
    if (s.retry !== undefined) props.push(retryProperty(6, s.retry));
    const args = type === "void" ? "wrap(context)" : "response, wrap(context)";
    const param = type === "void" ? "_response: unknown" : `response: ${type}`;
    return `    {
${props.join("\n")}
      onResponse: async (${param}, context: EventContext) => {
        await responses.${method}?.(${args});
      },
    },`;
  });
  const clients = view.schema.services.map((s) => {
    const method = camel(s.name);
    const encode = view.encoder(s.request);
    const call = `callService(system, tx, scope, ${JSON.stringify(s.name)}, ${encode}(request))`;
    const flat = `    ${method}: (request) => ${call},`;
    return flat.length <= WIDTH ? flat : `    ${method}: (request) =>\n      ${call},`;
  });
  return [
    `function serviceDefinitions(
  responses: ServiceResponses,
  urls: ServiceUrls,
  wrap: (context: EventContext) => EventHandlerContext,
): ServiceDefinition[] {
  return [
${definitions.join("\n")}
  ];
}`,
    ...(view.schema.workflows.length === 0
      ? [
          `/** Checks an encoded value with its decoder and keeps the wire value for storage. */
function checkWire<T>(decode: PayloadValidator<T>): PayloadValidator<unknown> {
  return (value) => {
    const result = decode(value);
    return result.ok ? { ok: true, value } : result;
  };
}`,
        ]
      : []),
    `function servicesFor(system: EventSystem, tx: Database | null, scope: EventScope): Services {
  return {
${clients.join("\n")}
  };
}`,
    `function causedBy(context: EventContext): EventScope {
  return {
    tenantId: context.tenantId,
    sessionId: context.sessionId,
    correlationId: context.correlationId,
    causationId: context.eventId,
  };
}`,
  ];
}

/** Names events.ts declares itself (besides `<Workflow>Steps` / `<Workflow>Outputs`). */
const DECLARED_NAMES = [
  "EVENT_STORE",
  "EventPayloads",
  "EmitOptions",
  "EmitFn",
  "EventHandlerContext",
  "EventHandlers",
  "WorkflowStepInput",
  "WorkflowHandlers",
  "Services",
  "AwaitServices",
  "ServiceResponses",
  "ServiceUrls",
  "SchedulePayloads",
  "EmitsContext",
  "EventsOptions",
];

/** Throws when a schema type that events.ts imports would collide with a name it declares or imports. */
function checkEventNames(view: EventsView): void {
  const taken = new Set([...DECLARED_NAMES, ...[...view.runtime].map((n) => n.replace(/^type /, ""))]);
  for (const w of view.schema.workflows) taken.add(`${w.name}Steps`).add(`${w.name}Outputs`);
  for (const name of view.types)
    if (taken.has(name)) throw new Error(`the type name ${name} collides with a name of events.ts; rename the type`);
}

export function eventsFile(table: TypeTable, header: string, runtimeImport: string): string {
  const view = new EventsView(table);
  const { schema } = view;
  const body: string[] = [
    `/** Whether \`[hamlet.features] event_store\` was on when this file was generated. */
export const EVENT_STORE = ${schema.features.eventStore ? "true" : "false"};`,
    payloadsBlock(view),
    EMIT_TYPES,
    contextBlock(view),
    handlersBlock(view),
    ...workflowBlocks(view),
    ...serviceBlocks(view),
    ...scheduleBlock(view),
    emitsBlock(view),
    optionsBlock(view),
    registerBlock(view),
    ...definitionsBlocks(view),
    encodersBlock(view),
  ];
  checkEventNames(view);
  const imports = [
    importStatement(sortNames(view.runtime), runtimeImport),
    view.types.size > 0 ? importStatement(sortNames(view.types), "./types.js", true) : "",
    view.values.size > 0 ? importStatement(sortNames(view.values), "./validators.js") : "",
  ].filter(Boolean);
  return `${header}${imports.join("\n")}\n\n${body.join("\n\n")}\n`;
}
