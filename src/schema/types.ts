/**
 * The checked schema: what every emitter consumes. Produced by the checker only when the
 * sources have no errors. Names are resolved, inline records are named, annotations are turned
 * into typed constraints and column facts. Plain data: it serializes to JSON as is.
 */
import type { Span } from "../ast/nodes.js";

export type Primitive = "String" | "Int" | "Float" | "Bool" | "Uuid" | "Timestamp" | "Date" | "Bytes" | "Json";

export const primitives: readonly Primitive[] = [
  "String",
  "Int",
  "Float",
  "Bool",
  "Uuid",
  "Timestamp",
  "Date",
  "Bytes",
  "Json",
];

export type TypeExpr =
  | { readonly kind: "primitive"; readonly name: Primitive }
  | { readonly kind: "list"; readonly element: TypeExpr }
  | { readonly kind: "map"; readonly value: TypeExpr }
  | { readonly kind: "optional"; readonly inner: TypeExpr }
  /** A named alias, record or enum of `Schema.types`. */
  | { readonly kind: "ref"; readonly name: string };

/** A JSON value as written in the schema (defaults, literals). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Constraints from `@length @range @min @max @pattern @minItems @maxItems @format`. */
export interface Constraints {
  /** Inclusive bounds on the number of Unicode code points of a String. */
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Inclusive bounds on an Int or Float. */
  readonly min?: number;
  readonly max?: number;
  /** ECMAScript regular expression the whole String must match (anchor it yourself). */
  readonly pattern?: string;
  /** Inclusive bounds on the number of items of a List or entries of a Map. */
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly format?: "email" | "url";
}

export interface Documented {
  /** Doc comment lines, without `///`. */
  readonly docs: readonly string[];
  /** Reason from `@deprecated("...")`; `""` when deprecated without a reason. */
  readonly deprecated?: string;
}

export interface FieldDef extends Documented {
  readonly name: string;
  /** `optional` at the top means the field may be absent or null on the wire. */
  readonly type: TypeExpr;
  readonly constraints: Constraints;
  /** Default from `= literal`, as its wire (JSON) value. */
  readonly default?: JsonValue;
  readonly span: Span;
}

export interface VariantDef extends Documented {
  readonly name: string;
  /** Empty for a variant without payload. */
  readonly fields: readonly FieldDef[];
  readonly hasPayload: boolean;
  /** HTTP status when the enum is an endpoint's `errors`. */
  readonly status?: number;
  readonly span: Span;
}

/** Where a type came from, so emitters can group or name things. */
export type TypeOrigin =
  { readonly kind: "declared" } | { readonly kind: "part"; readonly owner: string; readonly role: string };

export interface AliasDef extends Documented {
  readonly kind: "alias";
  readonly name: string;
  readonly type: TypeExpr;
  readonly constraints: Constraints;
  readonly origin: TypeOrigin;
  readonly span: Span;
}
export interface RecordDef extends Documented {
  readonly kind: "record";
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly origin: TypeOrigin;
  readonly span: Span;
}
export interface EnumDef extends Documented {
  readonly kind: "enum";
  readonly name: string;
  readonly variants: readonly VariantDef[];
  /** True when no variant has a payload: such an enum is a JSON string on the wire. */
  readonly plain: boolean;
  readonly origin: TypeOrigin;
  readonly span: Span;
}
export type TypeDef = AliasDef | RecordDef | EnumDef;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RetryPolicy {
  readonly attempts: number;
  readonly backoff:
    | { readonly kind: "exponential"; readonly initialMs: number; readonly maxMs: number }
    | { readonly kind: "fixed"; readonly delayMs: number };
}

export interface EndpointDef extends Documented {
  readonly name: string;
  readonly method: HttpMethod;
  /** Path template as written: `/api/posts/{id}`. */
  readonly path: string;
  /** Request fields that fill path segments, in path order. */
  readonly pathParams: readonly string[];
  /** Where the other request fields travel: the query string (GET, DELETE) or a JSON body. */
  readonly bodyless: boolean;
  /** Name of the request record; always a record (an empty one when no request is given). */
  readonly request: string;
  /** Response type; `undefined` means no content (204). */
  readonly response: TypeExpr | undefined;
  /** Name of the enum of declared errors, if any. */
  readonly errors: string | undefined;
  readonly auth: "session" | undefined;
  readonly emits: readonly string[];
  readonly span: Span;
}

export interface SseDef extends Documented {
  readonly name: string;
  readonly type: TypeExpr;
  readonly auth: "session" | undefined;
  readonly span: Span;
}

export interface WebSocketDef extends Documented {
  readonly name: string;
  readonly path: string;
  /** Name of the enum of messages (the websocket's own name). */
  readonly message: string;
  readonly auth: "session" | undefined;
  /** Events its handlers may emit (`@emits`), in the connection's tenant transaction. */
  readonly emits: readonly string[];
  readonly span: Span;
}

export interface FileConstraints {
  readonly maxSize?: number;
  readonly types?: readonly string[];
  readonly maxDimensions?: { readonly width: number; readonly height: number };
}

export interface UploadDef extends Documented {
  readonly name: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly pathParams: readonly string[];
  /** Name of the record of text fields sent with the file. */
  readonly fields: string;
  readonly file: FileConstraints;
  readonly response: TypeExpr | undefined;
  readonly errors: string | undefined;
  readonly auth: "session" | undefined;
  readonly emits: readonly string[];
  readonly span: Span;
}

export interface WorkerDef extends Documented {
  readonly name: string;
  readonly input: string | undefined;
  readonly progress: string | undefined;
  readonly output: string | undefined;
  readonly error: string | undefined;
  /** Events named by the worker's `@emits`, in order: its body may emit them (through the parent). */
  readonly emits: readonly string[];
  readonly span: Span;
}

export interface EventDef extends Documented {
  /** Also the name of the event's record type. */
  readonly name: string;
  readonly retry: RetryPolicy | undefined;
  /** Interval of `@schedule(every)` in milliseconds, when the event recurs. */
  readonly scheduleMs?: number;
  /** True when the event store keeps it; false for volatile in-memory delivery. */
  readonly durable: boolean;
  readonly span: Span;
}

export interface ServiceDef extends Documented {
  readonly name: string;
  readonly method: HttpMethod;
  readonly url: string;
  readonly request: string;
  readonly response: TypeExpr | undefined;
  readonly errors: string | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly durable: boolean;
  readonly span: Span;
}

export interface WorkflowStepDef extends Documented {
  readonly name: string;
  readonly output: TypeExpr | undefined;
}
export interface WorkflowDef extends Documented {
  readonly name: string;
  readonly trigger: string;
  readonly steps: readonly WorkflowStepDef[];
  readonly span: Span;
}

export type ColumnDefault =
  { readonly kind: "uuid" } | { readonly kind: "now" } | { readonly kind: "literal"; readonly value: JsonValue };

export interface ColumnDef extends FieldDef {
  /** Snake-case column name in the database (the field name as written). */
  readonly column: string;
  readonly nullable: boolean;
  readonly primary: boolean;
  readonly unique: boolean;
  readonly indexed: boolean;
  readonly columnDefault: ColumnDefault | undefined;
  readonly references: { readonly model: string; readonly column: string } | undefined;
  readonly renamedFrom: string | undefined;
}

export interface IndexDef {
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface ModelDef extends Documented {
  readonly name: string;
  readonly table: string;
  /** `@global` models are shared by every tenant; the others get a leading `tenant_id`. */
  readonly global: boolean;
  readonly columns: readonly ColumnDef[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexDef[];
  readonly renamedFrom: string | undefined;
  readonly span: Span;
}

export interface Features {
  readonly database: boolean;
  readonly eventStore: boolean;
}

/** A whole checked schema, possibly spread over several files. */
export interface Schema {
  readonly package: string;
  readonly features: Features;
  /** Every named type in declaration order; parts of a declaration follow it. */
  readonly types: readonly TypeDef[];
  readonly endpoints: readonly EndpointDef[];
  readonly sse: readonly SseDef[];
  readonly websockets: readonly WebSocketDef[];
  readonly uploads: readonly UploadDef[];
  readonly workers: readonly WorkerDef[];
  readonly events: readonly EventDef[];
  readonly services: readonly ServiceDef[];
  readonly workflows: readonly WorkflowDef[];
  readonly models: readonly ModelDef[];
}
