/**
 * The one table of diagnostic codes. Codes are stable: never renumber, only add.
 *
 * HAM00xx lexing and parsing · HAM01xx files and imports · HAM02xx names and types ·
 * HAM03xx annotations and defaults · HAM04xx HTTP, streams and workers · HAM05xx events and
 * workflows · HAM06xx models · HAM07xx configuration · HAM08xx emitters · HAM09xx internal.
 */
import type { Span } from "../ast/nodes.js";
import type { Diagnostic, Severity } from "./types.js";

interface MessageDefinition<P extends Record<string, string | number>> {
  readonly severity: Severity;
  readonly message: (params: P) => string;
  readonly hint?: (params: P) => string | undefined;
}

function define<P extends Record<string, string | number> = Record<never, never>>(
  severity: Severity,
  message: (params: P) => string,
  hint?: (params: P) => string | undefined,
): MessageDefinition<P> {
  return hint ? { severity, message, hint } : { severity, message };
}

const didYouMean = (p: { suggestion?: string | number }): string | undefined =>
  p.suggestion ? `Did you mean \`${p.suggestion}\`?` : undefined;

export const messages = {
  // Lexing and parsing
  HAM0001: define<{ text: string }>(
    "error",
    (p) => `Unexpected character \`${p.text}\`.`,
    () => "Remove it; names use letters, digits and `_`, strings use double quotes.",
  ),
  HAM0002: define(
    "error",
    () => "This string has no closing quote.",
    () => 'Close it with `"` on the same line; strings cannot span lines.',
  ),
  HAM0003: define<{ detail: string }>(
    "error",
    (p) => `Invalid string: ${p.detail}.`,
    () => 'Strings use JSON escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX.',
  ),
  HAM0004: define<{ detail: string }>("error", (p) => `Syntax error: ${p.detail}.`),
  HAM0005: define<{ what: string }>("error", (p) => `Put a comma or a line break between ${p.what}.`),
  HAM0006: define(
    "warning",
    () => "This doc comment is not attached to anything.",
    () =>
      "Doc comments (`///`) go on the lines right above a declaration, field or variant; use `//` for other comments.",
  ),
  HAM0007: define<{ found: string }>(
    "error",
    (p) => `Expected a declaration, found ${p.found}.`,
    () =>
      "Declarations start with alias, record, enum, endpoint, sse, websocket, upload, worker, event, service, workflow or model.",
  ),
  HAM0008: define(
    "error",
    () => "Trailing annotations of an alias must start on the line of its type.",
    () =>
      "Move the annotation up, or if it belongs to the next declaration, leave it where it is and put that declaration right below it.",
  ),
  HAM0009: define<{ text: string }>(
    "error",
    (p) => `The number ${p.text} is out of range.`,
    () => "Integers must lie between -9007199254740991 and 9007199254740991.",
  ),

  // Files, packages and imports
  HAM0101: define<{ path: string }>(
    "error",
    (p) => `Cannot find the imported file \`${p.path}\`.`,
    () => "Import paths are relative to the importing file and include the `.hamlet` extension.",
  ),
  HAM0102: define<{ cycle: string }>(
    "error",
    (p) => `Import cycle: ${p.cycle}.`,
    () => "Move the shared declarations into a file that both import.",
  ),
  HAM0103: define<{ path: string; reason: string }>("error", (p) => `Cannot read \`${p.path}\`: ${p.reason}.`),
  HAM0104: define<{ found: string; expected: string }>(
    "error",
    (p) => `This file is in package \`${p.found}\`, but the schema is package \`${p.expected}\`.`,
    () => "All files of one schema share one package name.",
  ),
  HAM0105: define(
    "warning",
    () => "This file has no `package` line.",
    () => "Start the file with `package name`; the name becomes the namespace of every output.",
  ),
  HAM0106: define<{ path: string }>(
    "error",
    (p) => `\`${p.path}\` is imported twice.`,
    () => "Remove the second import.",
  ),

  // Names and types
  HAM0201: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `Unknown type \`${p.name}\`.`,
    (p) =>
      didYouMean(p) ??
      "Declare it, import the file that declares it, or use a built-in type: String, Int, Float, Bool, Uuid, Timestamp, Date, Bytes, Json, List<T>, Map<String, T>.",
  ),
  HAM0202: define<{ name: string; kind: string }>(
    "error",
    (p) => `\`${p.name}\` is already declared as ${p.kind}.`,
    () => "Names of types and declarations must be unique across the schema; rename one of them.",
  ),
  HAM0203: define<{ name: string; what: string }>(
    "error",
    (p) => `Duplicate ${p.what} \`${p.name}\`.`,
    () => "Rename or remove one of them.",
  ),
  HAM0204: define<{ name: string; expected: number; found: number }>(
    "error",
    (p) =>
      `\`${p.name}\` takes ${p.expected} type argument${p.expected === 1 ? "" : "s"}, but ${p.found} ${p.found === 1 ? "was" : "were"} given.`,
    (p) =>
      p.name === "List"
        ? "Write `List<T>`."
        : p.name === "Map"
          ? "Write `Map<String, T>`."
          : `Write \`${p.name}\` without \`<...>\`.`,
  ),
  HAM0205: define(
    "error",
    () => "Map keys must be `String`.",
    () => "JSON object keys are strings; write `Map<String, T>`.",
  ),
  HAM0206: define<{ cycle: string }>(
    "error",
    (p) => `This type contains itself with no way to stop: ${p.cycle}.`,
    () => "Make one field on the cycle optional (`T?`) or a list (`List<T>`), so that a value can end.",
  ),
  HAM0207: define<{ cycle: string }>(
    "error",
    (p) => `Aliases refer to each other in a circle: ${p.cycle}.`,
    () => "An alias must end in a concrete type.",
  ),
  HAM0208: define<{ name: string; owner: string }>(
    "error",
    (p) => `The name \`${p.name}\` that Hamlet gives to a part of \`${p.owner}\` is already taken.`,
    () => "Rename the declared type, or the declaration whose part is named.",
  ),
  HAM0209: define(
    "error",
    () => "A variant field cannot be called `tag`: the wire format uses `tag` to name the variant.",
    () => "Rename the field.",
  ),
  HAM0210: define<{ name: string }>(
    "error",
    (p) => `\`${p.name}\` is not a type.`,
    () =>
      "Only aliases, records, enums, events and websocket message types can be used as types; models are tables, not types.",
  ),
  HAM0211: define(
    "error",
    () => "An optional type cannot be optional again.",
    () => "Write `T?` once.",
  ),
  HAM0213: define<{ name: string }>(
    "error",
    (p) => `A field cannot be called \`${p.name}\`: JavaScript servers must reject that key on the wire.`,
    () => "Rename the field.",
  ),
  HAM0214: define<{ source: string; name: string; what: string; why: string }>(
    "error",
    (p) => `\`${p.source}\` cannot be used as a name here: ${p.what} would be \`${p.name}\`, which ${p.why}.`,
    () => "Rename it; the generated code would not compile (or would clash with the runtime) otherwise.",
  ),
  HAM0215: define<{ source: string; other: string; name: string; what: string; otherWhat: string }>(
    "error",
    (p) =>
      `\`${p.source}\` and \`${p.other}\` both become \`${p.name}\` in the generated code (${p.what}, and ${p.otherWhat}).`,
    () => "Rename one of them so that the generated names differ.",
  ),
  HAM0212: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `\`${p.name}\` is a reserved name.`,
    () => "Built-in type names cannot be redeclared; pick another name.",
  ),

  // Annotations and defaults
  HAM0301: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `Unknown annotation \`@${p.name}\`.`,
    (p) => didYouMean(p) ?? "See spec/language.md for the list of annotations.",
  ),
  HAM0302: define<{ name: string; target: string; allowed: string }>(
    "error",
    (p) => `\`@${p.name}\` cannot be used on ${p.target}.`,
    (p) => `It belongs on ${p.allowed}.`,
  ),
  HAM0303: define<{ name: string; type: string; allowed: string }>(
    "error",
    (p) => `\`@${p.name}\` does not apply to \`${p.type}\`.`,
    (p) => `It applies to ${p.allowed}.`,
  ),
  HAM0304: define<{ name: string; detail: string }>("error", (p) => `Wrong arguments for \`${p.name}\`: ${p.detail}.`),
  HAM0305: define<{ name: string; min: number | string; max: number | string }>(
    "error",
    (p) => `\`@${p.name}\` has its lower bound ${p.min} above its upper bound ${p.max}.`,
    () => "Swap the bounds.",
  ),
  HAM0306: define<{ detail: string }>(
    "error",
    (p) => `Invalid regular expression: ${p.detail}.`,
    () => "Patterns use the JavaScript/ECMAScript regular expression syntax shared by Elm and TypeScript.",
  ),
  HAM0307: define<{ name: string }>(
    "error",
    (p) => `\`@${p.name}\` is given twice.`,
    () => "Keep one.",
  ),
  HAM0308: define<{ type: string; detail: string }>(
    "error",
    (p) => `This default does not fit \`${p.type}\`: ${p.detail}.`,
  ),
  HAM0309: define<{ detail: string }>("error", (p) => `This default breaks the field's own constraint: ${p.detail}.`),
  HAM0310: define(
    "warning",
    () => "An optional field with a default is never absent; the `?` has no effect.",
    () => "Remove the `?` or the default.",
  ),
  HAM0311: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `\`${p.name}\` is not a known value here.`,
    (p) => didYouMean(p),
  ),

  // HTTP, streams, uploads, workers
  HAM0401: define<{ method: string; allowed: string; suggestion?: string }>(
    "error",
    (p) => `\`${p.method}\` is not an HTTP method here.`,
    (p) => didYouMean(p) ?? `Use ${p.allowed}.`,
  ),
  HAM0402: define<{ name: string }>(
    "error",
    (p) => `The path parameter \`{${p.name}}\` is not a field of the request.`,
    (p) => `Add \`${p.name}\` to the request, or remove it from the path.`,
  ),
  HAM0403: define<{ name: string; type: string }>(
    "error",
    (p) => `The path parameter \`${p.name}\` has type \`${p.type}\`, which cannot appear in a URL path.`,
    () => "Path parameters must be required String, Int, Float, Bool, Uuid, Timestamp, Date or plain-enum fields.",
  ),
  HAM0404: define<{ detail: string }>(
    "error",
    (p) => `Invalid path: ${p.detail}.`,
    () => "Paths start with `/`; parameters are written `{name}` and fill a whole segment.",
  ),
  HAM0405: define<{ route: string; other: string }>(
    "error",
    (p) => `\`${p.route}\` is already served by \`${p.other}\`.`,
    () => "Change the method or the path of one of them.",
  ),
  HAM0406: define<{ field: string; type: string; method: string }>(
    "error",
    (p) =>
      `The ${p.method} request field \`${p.field}\` has type \`${p.type}\`, which cannot be sent as a query parameter.`,
    (p) =>
      `${p.method} requests carry their fields in the URL: use scalars, plain enums, or lists of them; or use POST.`,
  ),
  HAM0407: define<{ section: string; owner: string; allowed: string }>(
    "error",
    (p) => `\`${p.section}\` is not a section of ${p.owner}.`,
    (p) => `Allowed sections: ${p.allowed}.`,
  ),
  HAM0408: define<{ section: string; owner: string }>(
    "error",
    (p) => `${p.owner} needs ${/^[aeiou]/.test(p.section) ? "an" : "a"} \`${p.section}\` section.`,
  ),
  HAM0409: define<{ section: string }>(
    "error",
    (p) => `The section \`${p.section}\` is given twice.`,
    () => "Merge them into one.",
  ),
  HAM0410: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `Unknown file constraint \`${p.name}\`.`,
    (p) => didYouMean(p) ?? "Use max_size, types or max_dimensions.",
  ),
  HAM0411: define<{ name: string; expected: string }>(
    "error",
    (p) => `The file constraint \`${p.name}\` expects ${p.expected}.`,
  ),
  HAM0412: define<{ name: string }>(
    "error",
    (p) => `The upload field \`${p.name}\` must be a scalar: multipart fields are text.`,
    () => "Use String, Int, Float, Bool, Uuid, Timestamp, Date or a plain enum, optionally with `?`.",
  ),
  HAM0413: define<{ url: string }>("error", (p) => `The service URL \`${p.url}\` is not an absolute http(s) URL.`),
  HAM0414: define<{ name: string; status: number }>(
    "error",
    (p) => `\`@status(${p.status})\` on \`${p.name}\` is not an error status.`,
    () => "Declared errors use 4xx or 5xx statuses.",
  ),
  HAM0416: define<{ name: string; role: string }>(
    "error",
    (p) => `The ${p.role} \`${p.name}\` must be a record.`,
    () => "Write the fields inline (`request { ... }`) or name a `record`.",
  ),
  HAM0417: define<{ name: string; type: string }>(
    "error",
    (p) => `The stream \`${p.name}\` cannot carry \`${p.type}\` directly: its messages need a named type.`,
    (p) =>
      `Name the type with an alias (\`alias ${p.name}Message = ${p.type}\`, then \`sse ${p.name}: ${p.name}Message\`), or use a record, an enum or an inline record.`,
  ),
  HAM0418: define<{ name: string; type: string }>(
    "error",
    (p) => `The upload \`${p.name}\` cannot respond with \`${p.type}\` directly: its response needs a named type.`,
    (p) =>
      `Name the type with an alias (\`alias ${p.name}Result = ${p.type}\`, then \`response ${p.name}Result\`), or use a record, an enum or an inline record.`,
  ),
  // Events and workflows
  HAM0501: define(
    "error",
    () => "Workflows need the event store, which is turned off.",
    () =>
      "Set `event_store = true` under `[hamlet.features]` in hamlet.toml (it needs `database = true`), or remove the workflow.",
  ),
  HAM0502: define<{ what: string }>(
    "error",
    (p) => `${p.what} needs the event store, which is turned off.`,
    () => "Set `event_store = true` under `[hamlet.features]` in hamlet.toml, or remove the annotation.",
  ),
  HAM0503: define<{ what: string }>(
    "warning",
    (p) => `Without the event store, ${p.what} runs on in-memory timers and is lost when the server restarts.`,
    () => "Set `event_store = true` under `[hamlet.features]` in hamlet.toml to make it durable.",
  ),
  HAM0504: define<{ name: string; kind: string }>(
    "error",
    (p) => `\`${p.name}\` is ${p.kind}, not an event.`,
    () => "Name an `event` declaration here.",
  ),
  HAM0505: define<{ name: string }>("error", (p) => `The workflow \`${p.name}\` needs exactly one \`trigger\`.`),
  HAM0506: define<{ name: string }>(
    "error",
    (p) => `The workflow \`${p.name}\` has no steps.`,
    () => "Add `step name` lines.",
  ),
  HAM0507: define(
    "warning",
    () =>
      "Without the event store, reliable service calls become fire-and-forget: retries are attempted in memory only.",
    () =>
      "Set `event_store = true` under `[hamlet.features]` in hamlet.toml for persistent retries and a dead-letter queue.",
  ),

  // Models
  HAM0601: define<{ name: string; type: string }>(
    "error",
    (p) => `The column \`${p.name}\` has type \`${p.type}\`, which a database column cannot store.`,
    () => "Use a scalar, an enum without payloads, an alias of one of those, or `Json`.",
  ),
  HAM0602: define<{ name: string }>(
    "error",
    (p) => `The model \`${p.name}\` has no primary key.`,
    () => "Mark a column with `@primary`.",
  ),
  HAM0603: define<{ name: string; model: string; suggestion?: string }>(
    "error",
    (p) => `\`${p.model}\` has no column \`${p.name}\`.`,
    (p) => didYouMean(p),
  ),
  HAM0604: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `\`${p.name}\` is not a model.`,
    (p) => didYouMean(p) ?? "`@references` names a model declaration.",
  ),
  HAM0605: define(
    "error",
    () => "Models need the database, which is turned off.",
    () => "Set `database = true` under `[hamlet.features]` in hamlet.toml, or remove the model.",
  ),
  HAM0606: define<{ name: string }>(
    "error",
    (p) => `A column cannot be called \`${p.name}\`: Hamlet uses that name for tenant isolation.`,
    () => "Rename the column.",
  ),
  HAM0607: define<{ type: string }>(
    "error",
    (p) => `\`@default(uuid)\` and \`@default(now)\` need a Uuid or Timestamp column, not \`${p.type}\`.`,
  ),
  HAM0608: define<{ model: string; target: string }>(
    "error",
    (p) => `\`${p.model}\` refers to \`${p.target}\`, which has a composite primary key.`,
    () => "References need a single-column primary key.",
  ),
  HAM0609: define<{ table: string; other: string }>(
    "error",
    (p) => `The table name \`${p.table}\` is already used by \`${p.other}\`.`,
  ),

  // Configuration
  HAM0701: define<{ key: string; suggestion?: string }>(
    "error",
    (p) => `Unknown setting \`${p.key}\`.`,
    (p) => didYouMean(p) ?? "See `hamletc --help` and README.md for the settings.",
  ),
  HAM0702: define<{ key: string; expected: string }>("error", (p) => `The setting \`${p.key}\` must be ${p.expected}.`),
  HAM0703: define<{ detail: string }>("error", (p) => `hamlet.toml is not valid TOML: ${p.detail}.`),
  HAM0704: define<{ pattern: string }>(
    "error",
    (p) => `No schema file matches \`${p.pattern}\`.`,
    () => "Check the `schema` globs in hamlet.toml or the files on the command line.",
  ),
  HAM0705: define(
    "error",
    () => "The event store needs the database, which is turned off.",
    () => "Set `database = true`, or turn `event_store` off.",
  ),
  HAM0706: define<{ name: string; suggestion?: string }>(
    "error",
    (p) => `Unknown emitter \`${p.name}\`.`,
    (p) => didYouMean(p),
  ),
  HAM0707: define(
    "error",
    () => "No schema files given.",
    () => "Pass .hamlet files, or run inside a project with a hamlet.toml (see `hamletc init`).",
  ),

  // Emitters
  HAM0801: define<{ emitter: string; option: string; suggestion?: string }>(
    "error",
    (p) => `The ${p.emitter} emitter has no option \`${p.option}\`.`,
    (p) => didYouMean(p),
  ),
  HAM0802: define<{ emitter: string; option: string; expected: string }>(
    "error",
    (p) => `The ${p.emitter} emitter option \`${p.option}\` must be ${p.expected}.`,
  ),
  HAM0803: define<{ emitter: string; detail: string }>("error", (p) => `The ${p.emitter} emitter failed: ${p.detail}.`),
  HAM0804: define<{ emitter: string; detail: string }>("warning", (p) => `${p.emitter}: ${p.detail}.`),

  // SQL emitter (migrations)
  HAM0830: define<{ table: string; model: string }>(
    "error",
    (p) => `This migration would drop the table \`${p.table}\` (model ${p.model}) and its data.`,
    () =>
      'If the model was renamed, mark the new one with `@renamed_from("OldName")`; to drop the table, set `allow_destructive = true` under [hamlet.emitters.sql] for this build.',
  ),
  HAM0831: define<{ table: string; column: string }>(
    "error",
    (p) => `This migration would drop the column \`${p.table}.${p.column}\` and its data.`,
    () =>
      'If the column was renamed, mark it with `@renamed_from("old_name")`; to drop it, set `allow_destructive = true` under [hamlet.emitters.sql] for this build.',
  ),
  HAM0832: define<{ table: string; column: string; from: string; to: string }>(
    "error",
    (p) =>
      `Changing the column \`${p.table}.${p.column}\` from ${p.from} to ${p.to} may fail on existing rows or lose data.`,
    () =>
      "Add a new column and copy the data over in application code, or set `allow_destructive = true` under [hamlet.emitters.sql] if every existing value converts.",
  ),
  HAM0833: define<{ table: string; column: string }>(
    "error",
    (p) =>
      `The column \`${p.table}.${p.column}\` would be NOT NULL without a default, but existing rows have no value for it.`,
    () =>
      "Give it a default (`@default(...)` or `= value`), make it optional (`Type?`), or set `allow_destructive = true` under [hamlet.emitters.sql] if the table is empty.",
  ),
  HAM0834: define<{ path: string; detail: string }>(
    "error",
    (p) => `The migration history is unusable: \`${p.path}\` ${p.detail}.`,
    () =>
      "Restore the sql/ output folder from version control: snapshot.json must describe the models as of the last migration.",
  ),
  HAM0835: define<{ model: string; column: string; target: string }>(
    "warning",
    (p) =>
      `The global model \`${p.model}\` refers to the tenant-scoped model \`${p.target}\`: the column \`${p.column}\` gets no foreign key.`,
    () =>
      "A row shared by every tenant cannot point at one tenant's row; make the target `@global` or the referring model tenant-scoped.",
  ),
  HAM0837: define<{ table: string }>(
    "error",
    (p) =>
      `This migration would change the primary key of \`${p.table}\`, which fails when existing rows clash and breaks foreign keys to it.`,
    () => "Keep the primary key, or set `allow_destructive = true` under [hamlet.emitters.sql] for this build.",
  ),
  HAM0838: define<{ table: string }>(
    "error",
    (p) => `The table \`${p.table}\` cannot switch between \`@global\` and tenant-scoped in a migration.`,
    () =>
      "Create a new model with the other tenancy (and a new table name), copy the data over, then remove the old model.",
  ),
  HAM0839: define<{ tables: string }>(
    "warning",
    (p) =>
      `The event store is not used any more (\`event_store\` is off, or no event, workflow or service is declared), but an earlier migration created its tables (${p.tables}): no migration drops them, so they stay with their rows (dead letters, history).`,
    () =>
      "Turn `event_store` back on (with events declared) to use them again. To remove them, first keep what you need of the dead letters (`hamletc events dead-letters`), then run the DROP statements of the migration that created them (its .down.sql) yourself and remove the `hamlet_event_store_...` entry from `extras` in sql/snapshot.json.",
  ),

  // Internal
  HAM0901: define<{ detail: string }>(
    "error",
    (p) => `Internal compiler error: ${p.detail}.`,
    () => "Please report this with the schema that caused it.",
  ),
} as const;

export type MessageCode = keyof typeof messages;
type ParamsOf<C extends MessageCode> = (typeof messages)[C] extends MessageDefinition<infer P> ? P : never;

/**
 * Builds a diagnostic from the table. The message and hint come only from here, so every
 * code means one thing.
 */
export function diagnostic<C extends MessageCode>(
  code: C,
  span: Span | undefined,
  ...params: keyof ParamsOf<C> extends never ? [] : [ParamsOf<C>]
): Diagnostic {
  const definition = messages[code] as MessageDefinition<Record<string, string | number>> | undefined;
  if (!definition) throw new Error(`unknown diagnostic code ${String(code)}`);
  const p = (params[0] ?? {}) as Record<string, string | number>;
  const hint = definition.hint?.(p);
  return { code, severity: definition.severity, message: definition.message(p), hint, span };
}
