/**
 * OpenAPI operations for endpoints and uploads, following the HTTP part of `spec/wire-format.md`:
 * path and query parameters, JSON or multipart bodies, success, declared errors by status,
 * 400 `ValidationFailed`, 401 for `@auth(session)`, 500 `InternalError`.
 */
import { findEnum, findRecord } from "../../src/schema/query.js";
import type {
  EndpointDef,
  EnumDef,
  FieldDef,
  FileConstraints,
  RecordDef,
  Schema,
  TypeExpr,
  UploadDef,
  VariantDef,
} from "../../src/schema/types.js";
import {
  describe,
  fieldIsRequired,
  objectSchema,
  ref,
  typeSchema,
  underlying,
  variantComponentName,
  withConstraints,
  type JsonSchema,
} from "./json-schema.js";

/** Components the runtime's own replies use; the dot keeps them apart from declared names. */
export const VALIDATION_FAILED = "Hamlet.ValidationFailed";
export const VALIDATION_ISSUE = "Hamlet.ValidationIssue";
export const UNAUTHORIZED = "Hamlet.Unauthorized";
export const INTERNAL_ERROR = "Hamlet.InternalError";
export const SESSION_SCHEME = "session";

export function runtimeComponents(withAuth: boolean): [string, JsonSchema][] {
  const tagged = (tag: string, description: string): JsonSchema => ({
    type: "object",
    properties: { tag: { const: tag } },
    required: ["tag"],
    description,
  });
  const components: [string, JsonSchema][] = [
    [INTERNAL_ERROR, tagged("InternalError", "The handler failed; no details are given.")],
    [
      VALIDATION_FAILED,
      {
        type: "object",
        properties: { tag: { const: "ValidationFailed" }, issues: { type: "array", items: ref(VALIDATION_ISSUE) } },
        required: ["tag", "issues"],
        description: "The request did not decode: one issue per problem.",
      },
    ],
    [
      VALIDATION_ISSUE,
      {
        type: "object",
        properties: {
          path: {
            type: "string",
            description: "Where: `$` is the body, `$path.<name>` a path parameter, `$query.<name>` a query parameter.",
          },
          message: { type: "string" },
        },
        required: ["path", "message"],
      },
    ],
  ];
  if (withAuth) components.push([UNAUTHORIZED, tagged("Unauthorized", "Missing or invalid session.")]);
  return components;
}

/** A field in text form (path, query, multipart part): the field's schema without `null`, which text cannot carry. */
function textSchema(schema: Schema, field: FieldDef): JsonSchema {
  const inner = field.type.kind === "optional" ? field.type.inner : field.type;
  const out = withConstraints(schema, typeSchema(schema, inner), inner, field.constraints);
  if (field.default !== undefined) out.default = field.default;
  return out;
}

function parameter(schema: Schema, field: FieldDef, location: "path" | "query"): JsonSchema {
  const inner = field.type.kind === "optional" ? field.type.inner : field.type;
  const valueSchema = textSchema(schema, field);
  const out: JsonSchema = { name: field.name, in: location };
  const description = describe(field);
  if (description !== undefined) out.description = description;
  // An empty list cannot be written in a query string (the key is just left out), so a list is
  // required only when it must have items.
  const isList = underlying(schema, inner).kind === "list";
  out.required = location === "path" || (fieldIsRequired(field) && (!isList || (field.constraints.minItems ?? 0) > 0));
  if (field.deprecated !== undefined) out.deprecated = true;
  if (isList) {
    out.style = "form";
    out.explode = true;
  }
  out.schema = valueSchema;
  return out;
}

function jsonContent(schemaValue: JsonSchema): JsonSchema {
  return { "application/json": { schema: schemaValue } };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    200: "Success.",
    204: "Success, no content.",
    400: "Invalid input.",
    401: "Missing or invalid session.",
    500: "The handler failed.",
  };
  return texts[status] ?? "Declared error.";
}

interface ErrorCase {
  readonly component: string;
  readonly tag: string;
  readonly description?: string;
}

/** Responses: success, then every error status in numeric order; several bodies on one status become a `oneOf`. */
function responses(
  schema: Schema,
  response: TypeExpr | undefined,
  errors: string | undefined,
  auth: boolean,
  validates: boolean,
): JsonSchema {
  const out: JsonSchema = {};
  out[response ? "200" : "204"] = response
    ? { description: statusText(200), content: jsonContent(typeSchema(schema, response)) }
    : { description: statusText(204) };
  const byStatus = new Map<number, ErrorCase[]>();
  const add = (status: number, c: ErrorCase) => byStatus.set(status, [...(byStatus.get(status) ?? []), c]);
  if (validates) add(400, { component: VALIDATION_FAILED, tag: "ValidationFailed", description: statusText(400) });
  if (auth) add(401, { component: UNAUTHORIZED, tag: "Unauthorized", description: statusText(401) });
  add(500, { component: INTERNAL_ERROR, tag: "InternalError", description: statusText(500) });
  if (errors !== undefined) {
    const def = findEnum(schema, errors);
    for (const v of def.variants) {
      const status = v.status ?? 422;
      const existing = byStatus.get(status) ?? [];
      // A declared variant with the runtime's own tag and no fields (`Unauthorized`) is the same
      // body as the runtime's: keep one. With fields, both bodies remain possible.
      if (v.fields.length === 0)
        byStatus.set(
          status,
          existing.filter((c) => c.tag !== v.name),
        );
      add(status, { component: variantComponentName(def.name, v.name), tag: v.name, ...variantNote(v) });
    }
  }
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const cases = byStatus.get(status)!;
    const description =
      cases.length === 1
        ? (cases[0]!.description ?? statusText(status))
        : [
            "One of:",
            ...cases.map((c) => `- \`${c.tag}\`${c.description === undefined ? "" : `: ${c.description}`}`),
          ].join("\n");
    const uniqueTags = new Set(cases.map((c) => c.tag)).size === cases.length;
    let body: JsonSchema;
    if (cases.length === 1) body = ref(cases[0]!.component);
    else if (uniqueTags)
      body = {
        oneOf: cases.map((c) => ref(c.component)),
        discriminator: {
          propertyName: "tag",
          mapping: Object.fromEntries(cases.map((c) => [c.tag, ref(c.component).$ref])),
        },
      };
    else body = { anyOf: cases.map((c) => ref(c.component)) }; // same tag, different shapes: no discriminator
    out[String(status)] = { description, content: jsonContent(body) };
  }
  return out;
}

function variantNote(v: VariantDef): { description?: string } {
  const text = describe(v);
  return { description: text === undefined ? `Declared error \`${v.name}\`.` : text.replace(/\n/g, " ") };
}

function operationBase(def: EndpointDef | UploadDef): JsonSchema {
  const out: JsonSchema = { operationId: def.name };
  // The first doc line is the summary; the description repeats it only when there is more to say.
  const description = describe(def);
  if (def.docs.length > 0) out.summary = def.docs[0]!.trim();
  if (description !== undefined && description !== out.summary) out.description = description;
  if (def.deprecated !== undefined) out.deprecated = true;
  return out;
}

function security(def: { auth: "session" | undefined }): JsonSchema {
  return def.auth === "session" ? { security: [{ [SESSION_SCHEME]: [] }] } : {};
}

/** The operation object of an endpoint. */
export function endpointOperation(schema: Schema, def: EndpointDef): JsonSchema {
  const request = findRecord(schema, def.request);
  const pathFields = def.pathParams.map((p) => request.fields.find((f) => f.name === p)!);
  const rest = request.fields.filter((f) => !def.pathParams.includes(f.name));
  const out = operationBase(def);
  const parameters = [
    ...pathFields.map((f) => parameter(schema, f, "path")),
    ...(def.bodyless ? rest.map((f) => parameter(schema, f, "query")) : []),
  ];
  if (parameters.length > 0) out.parameters = parameters;
  if (!def.bodyless) {
    const bodySchema = def.pathParams.length === 0 ? ref(request.name) : bodyComponentRef(request.name);
    out.requestBody = { required: rest.some(fieldIsRequired), content: jsonContent(bodySchema) };
  }
  out.responses = responses(
    schema,
    def.response,
    def.errors,
    def.auth === "session",
    request.fields.length > 0 || !def.bodyless,
  );
  Object.assign(out, security(def));
  return out;
}

/** Component holding a request record minus its path parameters (the JSON body). */
export function bodyComponentName(request: string): string {
  return `${request}.Body`;
}
function bodyComponentRef(request: string): JsonSchema {
  return ref(bodyComponentName(request));
}

/** Body components for endpoints whose JSON body leaves out path parameters. */
export function bodyComponents(schema: Schema): [string, JsonSchema][] {
  return schema.endpoints.flatMap((e) => {
    const body = bodyComponent(schema, e);
    return body === undefined ? [] : [body];
  });
}

/** The body component of an endpoint whose JSON body leaves out path parameters, if it has one. */
export function bodyComponent(schema: Schema, e: EndpointDef): [string, JsonSchema] | undefined {
  if (e.bodyless || e.pathParams.length === 0) return undefined;
  const request = findRecord(schema, e.request);
  const body = objectSchema(
    schema,
    request.fields.filter((f) => !e.pathParams.includes(f.name)),
  );
  body.description = `The JSON body of \`${e.name}\`: \`${request.name}\` without its path parameters (${e.pathParams.map((p) => `\`${p}\``).join(", ")}).`;
  return [bodyComponentName(request.name), body];
}

/** Human-readable file constraints, including the ones JSON Schema cannot say. */
export function fileConstraintText(file: FileConstraints): string {
  const parts: string[] = [];
  if (file.types && file.types.length > 0) parts.push(`type one of ${file.types.map((t) => `\`${t}\``).join(", ")}`);
  if (file.maxSize !== undefined) parts.push(`at most ${formatSize(file.maxSize)} (${file.maxSize} bytes)`);
  if (file.maxDimensions) parts.push(`images at most ${file.maxDimensions.width}×${file.maxDimensions.height} pixels`);
  return parts.length === 0 ? "Any file." : `The file: ${parts.join("; ")}.`;
}

export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "GB"],
    [1024 ** 2, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  return `${bytes}B`;
}

/** The operation object of an upload: multipart with one text part per field and a `file` part. */
export function uploadOperation(schema: Schema, def: UploadDef): JsonSchema {
  const fields = findRecord(schema, def.fields);
  const pathFields = def.pathParams.map((p) => fields.fields.find((f) => f.name === p)!);
  const rest = fields.fields.filter((f) => !def.pathParams.includes(f.name));
  const out = operationBase(def);
  if (pathFields.length > 0) out.parameters = pathFields.map((f) => parameter(schema, f, "path"));
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const f of rest) {
    const s = textSchema(schema, f);
    const description = describe(f);
    if (description !== undefined) s.description = description;
    if (f.deprecated !== undefined) s.deprecated = true;
    properties[f.name] = s;
    if (fieldIsRequired(f)) required.push(f.name);
  }
  const file: JsonSchema = {
    type: "string",
    contentMediaType: def.file.types?.length === 1 ? def.file.types[0] : "application/octet-stream",
  };
  if (def.file.maxSize !== undefined) file.maxLength = def.file.maxSize;
  file.description = fileConstraintText(def.file);
  properties.file = file;
  required.push("file");
  const multipart: JsonSchema = { schema: { type: "object", properties, required } };
  if (def.file.types && def.file.types.length > 0)
    multipart.encoding = { file: { contentType: def.file.types.join(", ") } };
  out.requestBody = {
    required: true,
    description: fileConstraintText(def.file),
    content: { "multipart/form-data": multipart },
  };
  out.responses = responses(schema, def.response, def.errors, def.auth === "session", true);
  Object.assign(out, security(def));
  return out;
}
