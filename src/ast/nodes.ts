/**
 * The syntax tree of one `.hamlet` file, as the parser builds it.
 *
 * Every node carries a span. Nodes may be partial after a syntax error: names can be empty
 * (`""`) and types can be `MissingType`; later stages must tolerate both.
 */

/** Half-open byte range `[start, end)` in the text of `file`. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface Identifier {
  readonly kind: "Identifier";
  readonly name: string;
  readonly span: Span;
}

export interface DocComment {
  /** The text after `///`, with one leading space removed. */
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Values (annotation arguments, defaults, file constraints)

export type Value =
  | StringValue
  | IntegerValue
  | FloatValue
  | BooleanValue
  | DurationValue
  | SizeValue
  | DimensionValue
  | NameValue
  | CallValue
  | ListValue;

export interface StringValue {
  readonly kind: "String";
  readonly value: string;
  /** The literal as written, quotes and escapes included. */
  readonly raw: string;
  readonly span: Span;
}
export interface IntegerValue {
  readonly kind: "Integer";
  readonly value: number;
  readonly raw: string;
  readonly span: Span;
}
export interface FloatValue {
  readonly kind: "Float";
  readonly value: number;
  readonly raw: string;
  readonly span: Span;
}
export interface BooleanValue {
  readonly kind: "Boolean";
  readonly value: boolean;
  readonly span: Span;
}
export interface DurationValue {
  readonly kind: "Duration";
  readonly milliseconds: number;
  readonly raw: string;
  readonly span: Span;
}
export interface SizeValue {
  readonly kind: "Size";
  readonly bytes: number;
  readonly raw: string;
  readonly span: Span;
}
export interface DimensionValue {
  readonly kind: "Dimension";
  readonly width: number;
  readonly height: number;
  readonly raw: string;
  readonly span: Span;
}
/** A bare name used as a value: `session`, `uuid`, `now`, `Public`. */
export interface NameValue {
  readonly kind: "Name";
  readonly name: string;
  readonly span: Span;
}
/** `exponential(1s, 10m)` */
export interface CallValue {
  readonly kind: "Call";
  readonly callee: Identifier;
  readonly args: readonly Argument[];
  readonly span: Span;
}
export interface ListValue {
  readonly kind: "List";
  readonly items: readonly Value[];
  readonly span: Span;
}

/** A positional (`1s`) or named (`attempts: 5`) argument. */
export interface Argument {
  readonly kind: "Argument";
  readonly name: Identifier | undefined;
  readonly value: Value;
  readonly span: Span;
}

export interface Annotation {
  readonly kind: "Annotation";
  /** Without the `@`. */
  readonly name: Identifier;
  /** `undefined` when written without parentheses (`@primary`). */
  readonly args: readonly Argument[] | undefined;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Types

export type TypeNode = NamedType | InlineRecordType | OptionalType | MissingType;

/** `String`, `Post`, `List<Post>`, `Map<String, Int>`. */
export interface NamedType {
  readonly kind: "NamedType";
  readonly name: Identifier;
  readonly args: readonly TypeNode[];
  readonly span: Span;
}
/** `{ a: Int, b: String }` where a type is expected. */
export interface InlineRecordType {
  readonly kind: "InlineRecord";
  readonly fields: readonly Field[];
  readonly span: Span;
}
/** `T?`: may be absent or null on the wire. */
export interface OptionalType {
  readonly kind: "Optional";
  readonly inner: TypeNode;
  readonly span: Span;
}
/** Placeholder where the parser expected a type and found none. */
export interface MissingType {
  readonly kind: "MissingType";
  readonly span: Span;
}

export interface Field {
  readonly kind: "Field";
  readonly name: Identifier;
  readonly type: TypeNode;
  readonly annotations: readonly Annotation[];
  readonly defaultValue: Value | undefined;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

export interface Variant {
  readonly kind: "Variant";
  readonly name: Identifier;
  /** `undefined` for a variant with no payload (`Cleared`). */
  readonly fields: readonly Field[] | undefined;
  readonly annotations: readonly Annotation[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

/** `max_size: 10MB` inside an upload's `file { }` block. */
export interface Property {
  readonly kind: "Property";
  readonly name: Identifier;
  readonly value: Value;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

/** `index (author, created_at)` inside a model. */
export interface IndexClause {
  readonly kind: "Index";
  readonly columns: readonly Identifier[];
  readonly annotations: readonly Annotation[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Sections of declaration bodies

export type Section =
  TypeSection | VariantsSection | FieldsSection | PropertiesSection | NamedRecordSection | TriggerSection | StepSection;

/** `request T`, `response T` */
export interface TypeSection {
  readonly kind: "TypeSection";
  readonly keyword: Identifier;
  readonly type: TypeNode;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `errors { A, B { x: Int } }` */
export interface VariantsSection {
  readonly kind: "VariantsSection";
  readonly keyword: Identifier;
  readonly variants: readonly Variant[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `fields { ... }` of an upload */
export interface FieldsSection {
  readonly kind: "FieldsSection";
  readonly keyword: Identifier;
  readonly fields: readonly Field[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `file { max_size: 10MB ... }` of an upload */
export interface PropertiesSection {
  readonly kind: "PropertiesSection";
  readonly keyword: Identifier;
  readonly properties: readonly Property[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `input ProcessImage { ... }` of a worker; without a body it refers to a declared type. */
export interface NamedRecordSection {
  readonly kind: "NamedRecordSection";
  readonly keyword: Identifier;
  readonly name: Identifier;
  readonly fields: readonly Field[] | undefined;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `trigger PhotoUploaded` of a workflow */
export interface TriggerSection {
  readonly kind: "TriggerSection";
  readonly keyword: Identifier;
  readonly event: Identifier;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}
/** `step thumbnail -> { thumb_url: String }` of a workflow */
export interface StepSection {
  readonly kind: "StepSection";
  readonly keyword: Identifier;
  readonly name: Identifier;
  readonly output: TypeNode | undefined;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Declarations

interface DeclarationBase {
  readonly name: Identifier;
  /** Leading annotations (`@auth(session)` before the keyword). */
  readonly annotations: readonly Annotation[];
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

export interface AliasDeclaration extends DeclarationBase {
  readonly kind: "Alias";
  readonly type: TypeNode;
  /** Trailing annotations (`@pattern(...)` after the type); they must start on its line. */
  readonly constraints: readonly Annotation[];
}
export interface RecordDeclaration extends DeclarationBase {
  readonly kind: "Record";
  readonly fields: readonly Field[];
}
export interface EnumDeclaration extends DeclarationBase {
  readonly kind: "Enum";
  readonly variants: readonly Variant[];
}
/** `endpoint`, `service` and `upload`: an HTTP method, a path or URL, and sections. */
export interface HttpDeclaration extends DeclarationBase {
  readonly kind: "Endpoint" | "Service" | "Upload";
  readonly method: Identifier;
  readonly path: StringValue;
  readonly sections: readonly Section[];
}
export interface SseDeclaration extends DeclarationBase {
  readonly kind: "Sse";
  readonly type: TypeNode;
}
export interface WebSocketDeclaration extends DeclarationBase {
  readonly kind: "WebSocket";
  readonly path: StringValue;
  readonly variants: readonly Variant[];
}
export interface WorkerDeclaration extends DeclarationBase {
  readonly kind: "Worker";
  readonly sections: readonly Section[];
}
export interface EventDeclaration extends DeclarationBase {
  readonly kind: "Event";
  readonly fields: readonly Field[];
}
export interface WorkflowDeclaration extends DeclarationBase {
  readonly kind: "Workflow";
  readonly sections: readonly Section[];
}
export interface ModelDeclaration extends DeclarationBase {
  readonly kind: "Model";
  readonly fields: readonly Field[];
  readonly indexes: readonly IndexClause[];
}

export type Declaration =
  | AliasDeclaration
  | RecordDeclaration
  | EnumDeclaration
  | HttpDeclaration
  | SseDeclaration
  | WebSocketDeclaration
  | WorkerDeclaration
  | EventDeclaration
  | WorkflowDeclaration
  | ModelDeclaration;

export type DeclarationKind = Declaration["kind"];

export interface Import {
  readonly kind: "Import";
  readonly path: StringValue;
  readonly docs: readonly DocComment[];
  readonly span: Span;
}

/** A `//` comment, kept so that `hamletc fmt` can put it back. */
export interface Comment {
  readonly text: string;
  readonly span: Span;
}

/** One parsed file. */
export interface Document {
  readonly kind: "Document";
  readonly file: string;
  readonly packageName: Identifier | undefined;
  readonly packageDocs: readonly DocComment[];
  readonly imports: readonly Import[];
  readonly declarations: readonly Declaration[];
  /** Every comment of the file, doc comments included, in source order. */
  readonly comments: readonly Comment[];
  readonly span: Span;
}
