/** Docs sections for the HTTP declarations: endpoints and uploads. */
import type {
  EndpointDef,
  EnumDef,
  FieldDef,
  JsonValue,
  RecordDef,
  Schema,
  UploadDef,
} from "../../src/schema/types.js";
import { exampleOfFields, exampleOfType } from "../../src/schema/examples.js";
import { findEnum, findRecord, resolveAliases } from "../../src/schema/query.js";
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
} from "./markdown.js";

/** A value in the text form of path segments and query parameters. */
function textForm(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The request line of an example: path filled in, query string for the other fields of a GET/DELETE. */
function exampleTarget(
  path: string,
  example: { [key: string]: JsonValue },
  pathParams: readonly string[],
  queryFields: readonly FieldDef[],
): string {
  let target = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(textForm(example[name] ?? "")));
  const query: string[] = [];
  for (const f of queryFields) {
    if (pathParams.includes(f.name)) continue;
    const value = example[f.name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value])
      query.push(`${encodeURIComponent(f.name)}=${encodeURIComponent(textForm(item))}`);
  }
  if (query.length > 0) target += `?${query.join("&")}`;
  return target;
}

/** Whether a text-form parameter must be sent (text has no null; an empty list is an absent key). */
function paramRequired(schema: Schema, f: FieldDef, inPath: boolean): string {
  if (inPath) return "yes";
  if (f.default !== undefined) return `no (default \`${JSON.stringify(f.default)}\`)`;
  if (f.type.kind === "optional") return "no";
  if (resolveAliases(schema, f.type).kind === "list" && (f.constraints.minItems ?? 0) === 0)
    return "no (absent means empty)";
  return "yes";
}

function paramRows(schema: Schema, fields: readonly FieldDef[], inPath = false): string[][] {
  return fields.map((f) => [
    `\`${f.name}\``,
    escapeCell(typeCell(f.type)),
    paramRequired(schema, f, inPath),
    escapeCell(constraintText(f.constraints).join(", ")),
    docCell(f),
  ]);
}

/** The error table shared by endpoints and uploads: declared errors plus the runtime's replies. */
function errorsTable(schema: Schema, errors: string | undefined, auth: boolean, validates: boolean): string[] {
  const rows: string[][] = [];
  if (validates)
    rows.push(["400", "`ValidationFailed`", "`issues`: list of `{path, message}`", "The request did not decode."]);
  if (auth) rows.push(["401", "`Unauthorized`", "", "Missing or invalid session."]);
  if (errors !== undefined) {
    for (const v of findEnum(schema, errors).variants) {
      const fields = v.fields.map((f) => `\`${f.name}\`: \`${escapeCell(typeCellPlain(f))}\``).join(", ");
      rows.push([String(v.status ?? 422), `\`${v.name}\``, fields, docCell(v)]);
    }
  }
  rows.push(["500", "`InternalError`", "", "The handler failed; no details."]);
  rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  return table(["Status", "Tag", "Fields", "Description"], rows);
}

function typeCellPlain(f: FieldDef): string {
  return typeCell(f.type)
    .replace(/ \(.*\)$/, "")
    .replace(/`/g, "");
}

function errorExamples(schema: Schema, errors: string | undefined): string[] {
  if (errors === undefined) return [];
  const out = ["Declared error bodies (always tagged objects):", ""];
  for (const v of findEnum(schema, errors).variants) {
    out.push(`\`${v.status ?? 422}\` \`${v.name}\`:`, "", ...jsonBlock(exampleOfFields(schema, v.fields, v.name)));
  }
  return out;
}

function commonFacts(def: EndpointDef | UploadDef): string[] {
  const out: string[] = [];
  out.push(
    `- **Auth**: ${def.auth === "session" ? "session cookie (`@auth(session)`); without a valid session the answer is `401`" : "none"}`,
  );
  if (def.emits.length > 0)
    out.push(`- **Emits**: ${def.emits.map((e) => `[\`${e}\`](#${anchor("event", e)})`).join(", ")}`);
  out.push("");
  return out;
}

function successText(response: EndpointDef["response"]): string[] {
  if (response === undefined) return ["**Success**: `204` with no body.", ""];
  return [`**Success**: \`200\` with ${typeCell(response)} as JSON.`, ""];
}

export function endpointSection(schema: Schema, def: EndpointDef): string[] {
  const request = findRecord(schema, def.request);
  const pathFields = def.pathParams.map((p) => request.fields.find((f) => f.name === p)!);
  const rest = request.fields.filter((f) => !def.pathParams.includes(f.name));
  const out = [
    `<a id="${anchor("endpoint", def.name)}"></a>`,
    "",
    `### \`${def.name}\`: \`${def.method} ${def.path}\``,
    "",
    ...docBlock(def),
    ...commonFacts(def),
  ];
  const head = ["Name", "Type", "Required", "Constraints", "Description"];
  if (pathFields.length > 0) out.push("**Path parameters**", "", ...table(head, paramRows(schema, pathFields, true)));
  if (def.bodyless && rest.length > 0)
    out.push(
      "**Query parameters** (a list repeats its key; an absent optional is left out)",
      "",
      ...table(head, paramRows(schema, rest)),
    );
  if (!def.bodyless) {
    out.push(
      `**Body** (\`application/json\`): [\`${request.name}\`](#${anchor("type", request.name)})${def.pathParams.length > 0 ? " without its path parameters" : ""}.`,
      "",
    );
    if (rest.length > 0) out.push(...fieldsTable(rest));
  }
  out.push(
    ...successText(def.response),
    "**Errors**",
    "",
    ...errorsTable(schema, def.errors, def.auth === "session", request.fields.length > 0 || !def.bodyless),
  );

  const requestExample = (exampleOfFields(schema, request.fields) ?? {}) as { [key: string]: JsonValue };
  out.push("**Example request**", "");
  const target = exampleTarget(def.path, requestExample, def.pathParams, def.bodyless ? rest : []);
  if (def.bodyless) out.push(...codeBlock("http", `${def.method} ${target}`));
  else {
    const body = Object.fromEntries(Object.entries(requestExample).filter(([k]) => !def.pathParams.includes(k)));
    out.push(
      ...codeBlock(
        "http",
        `${def.method} ${target}\nContent-Type: application/json\n\n${JSON.stringify(body, null, 2)}`,
      ),
    );
  }
  if (def.response !== undefined)
    out.push("**Example response** (`200`)", "", ...jsonBlock(exampleOfType(schema, def.response)));
  out.push(...errorExamples(schema, def.errors));
  return out;
}

export function uploadSection(schema: Schema, def: UploadDef): string[] {
  const fields = findRecord(schema, def.fields);
  const pathFields = def.pathParams.map((p) => fields.fields.find((f) => f.name === p)!);
  const rest = fields.fields.filter((f) => !def.pathParams.includes(f.name));
  const out = [
    `<a id="${anchor("upload", def.name)}"></a>`,
    "",
    `### \`${def.name}\`: \`${def.method} ${def.path}\` (upload)`,
    "",
    ...docBlock(def),
    ...commonFacts(def),
  ];
  const head = ["Name", "Type", "Required", "Constraints", "Description"];
  if (pathFields.length > 0) out.push("**Path parameters**", "", ...table(head, paramRows(schema, pathFields, true)));
  out.push("**Body** (`multipart/form-data`): one text part per field, and one part named `file`.", "");
  if (rest.length > 0) out.push(...table(head, paramRows(schema, rest)));
  const file: string[] = [];
  if (def.file.maxSize !== undefined) file.push(`- **Maximum size**: ${def.file.maxSize} bytes`);
  if (def.file.types && def.file.types.length > 0)
    file.push(`- **Types**: ${def.file.types.map((t) => `\`${t}\``).join(", ")}`);
  if (def.file.maxDimensions)
    file.push(`- **Maximum dimensions**: ${def.file.maxDimensions.width}×${def.file.maxDimensions.height} pixels`);
  out.push("**File** (the part named `file`)", "", ...(file.length > 0 ? [...file, ""] : ["Any file.", ""]));
  out.push(
    ...successText(def.response),
    "**Errors**",
    "",
    ...errorsTable(schema, def.errors, def.auth === "session", true),
  );
  const example = (exampleOfFields(schema, fields.fields) ?? {}) as { [key: string]: JsonValue };
  const parts = rest
    .filter((f) => example[f.name] !== undefined && example[f.name] !== null)
    .map((f) => `${f.name}: ${textForm(example[f.name]!)}`);
  out.push(
    "**Example request** (multipart parts)",
    "",
    ...codeBlock(
      "text",
      [
        `${def.method} ${exampleTarget(def.path, example, def.pathParams, [])}`,
        ...parts,
        `file: <${def.file.types?.[0] ?? "application/octet-stream"} bytes>`,
      ].join("\n"),
    ),
  );
  if (def.response !== undefined)
    out.push("**Example response** (`200`)", "", ...jsonBlock(exampleOfType(schema, def.response)));
  out.push(...errorExamples(schema, def.errors));
  return out;
}
