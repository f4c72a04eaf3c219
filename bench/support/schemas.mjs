// The benchmark schemas and their TypeSpec and protobuf twins: the same records (10 fields and a
// status enum), enums and endpoints written in each tool's own language, so that `hamletc`,
// `tsp compile` and `buf build` are timed on the same content.

/** Field types of the Hamlet schema; the twins below follow the same order. */
const HAMLET_FIELDS = [
  "String @length(1, 200)",
  "Int @range(0, 1000)",
  "Float",
  "Bool",
  "Uuid",
  "Timestamp",
  "List<String> @maxItems(20)",
  "Map<String, Int>",
  "String?",
  "Date?",
];
const TYPESPEC_FIELDS = [
  (n) => `@minLength(1) @maxLength(200) ${n}: string`,
  (n) => `@minValue(0) @maxValue(1000) ${n}: int32`,
  (n) => `${n}: float64`,
  (n) => `${n}: boolean`,
  (n) => `@format("uuid") ${n}: string`,
  (n) => `${n}: utcDateTime`,
  (n) => `@maxItems(20) ${n}: string[]`,
  (n) => `${n}: Record<int32>`,
  (n) => `${n}?: string`,
  (n) => `${n}?: plainDate`,
];
const PROTO_FIELDS = [
  "string",
  "int32",
  "double",
  "bool",
  "string",
  "google.protobuf.Timestamp",
  "repeated string",
  "map<string, int32>",
  "optional string",
  "optional string",
];

const endpointCount = (records) => Math.round(records / 2.5);

/** A schema with `records` records of 10 fields, one enum per 10 records, and records/2.5 endpoints. */
export function generateSchema(records) {
  const lines = ["package bench", ""];
  for (let e = 0; e < Math.ceil(records / 10); e++) lines.push(`enum Status${e} { Active, Paused, Archived }`, "");
  for (let r = 0; r < records; r++) {
    lines.push(`/// Record number ${r}.`, `record Model${r} {`);
    for (let f = 0; f < 9; f++) lines.push(`  field_${f}: ${HAMLET_FIELDS[(r + f) % HAMLET_FIELDS.length]}`);
    lines.push(`  status: Status${Math.floor(r / 10)}`, "}", "");
  }
  for (let e = 0; e < endpointCount(records); e++) {
    const model = `Model${e % records}`;
    if (e % 2 === 0) {
      lines.push(`endpoint Get${e}: GET "/api/items${e}/{id}" {`, "  request { id: Uuid }");
      lines.push(`  response ${model}`, "  errors { NotFound }", "}", "");
    } else {
      lines.push(`@auth(session)`, `endpoint Create${e}: POST "/api/items${e}" {`);
      lines.push(`  request { item: ${model}, note: String? @length(0, 500) }`);
      lines.push(`  response { id: Uuid, item: ${model} }`, "}", "");
    }
  }
  return lines.join("\n");
}

/** A chain of `records` records, each holding the next one: reference depth grows with size. */
export function generateChain(records) {
  const lines = ["package chain", ""];
  for (let r = 0; r < records; r++) {
    lines.push(`record Link${r} {`, "  id: Uuid", "  label: String @length(1, 80)");
    if (r + 1 < records) lines.push(`  next: Link${r + 1}?`, `  rest: List<Link${r + 1}>`);
    lines.push("}", "");
  }
  lines.push(`endpoint GetChain: GET "/api/chain/{id}" {`, "  request { id: Uuid }", "  response Link0", "}", "");
  return lines.join("\n");
}

/** The TypeSpec twin of `generateSchema(records)`, compiled with the OpenAPI 3 emitter. */
export function generateTypeSpec(records) {
  const lines = [
    'import "@typespec/http";',
    'import "@typespec/rest";',
    'import "@typespec/openapi3";',
    "using Http;",
    "",
    '@service(#{ title: "Bench" })',
    "namespace Bench;",
    "",
    '@error model NotFound { @statusCode _: 404; code: "NotFound"; }',
    "",
  ];
  for (let e = 0; e < Math.ceil(records / 10); e++) lines.push(`enum Status${e} { Active, Paused, Archived }`, "");
  for (let r = 0; r < records; r++) {
    lines.push(`/** Record number ${r}. */`, `model Model${r} {`);
    for (let f = 0; f < 9; f++) lines.push(`  ${TYPESPEC_FIELDS[(r + f) % TYPESPEC_FIELDS.length](`field_${f}`)};`);
    lines.push(`  status: Status${Math.floor(r / 10)};`, "}", "");
  }
  for (let e = 0; e < endpointCount(records); e++) {
    const model = `Model${e % records}`;
    if (e % 2 === 0) {
      lines.push(`@route("/api/items${e}/{id}") @get op get${e}(@path id: string): ${model} | NotFound;`, "");
    } else {
      lines.push(
        `@route("/api/items${e}") @post @useAuth(BearerAuth)`,
        `op create${e}(item: ${model}, @maxLength(500) note?: string): { id: string; item: ${model} };`,
        "",
      );
    }
  }
  return lines.join("\n");
}

/** The protobuf twin of `generateSchema(records)` (a service with one rpc per endpoint). */
export function generateProto(records) {
  const lines = ['syntax = "proto3";', "", "package bench.v1;", "", 'import "google/protobuf/timestamp.proto";', ""];
  for (let e = 0; e < Math.ceil(records / 10); e++) {
    const p = `STATUS${e}`;
    lines.push(`enum Status${e} {`, `  ${p}_UNSPECIFIED = 0;`, `  ${p}_ACTIVE = 1;`, `  ${p}_PAUSED = 2;`);
    lines.push(`  ${p}_ARCHIVED = 3;`, "}", "");
  }
  for (let r = 0; r < records; r++) {
    lines.push(`// Record number ${r}.`, `message Model${r} {`);
    for (let f = 0; f < 9; f++) lines.push(`  ${PROTO_FIELDS[(r + f) % PROTO_FIELDS.length]} field_${f} = ${f + 1};`);
    lines.push(`  Status${Math.floor(r / 10)} status = 10;`, "}", "");
  }
  const rpcs = [];
  for (let e = 0; e < endpointCount(records); e++) {
    const model = `Model${e % records}`;
    if (e % 2 === 0) {
      lines.push(`message Get${e}Request {`, "  string id = 1;", "}", "");
      rpcs.push(`  rpc Get${e}(Get${e}Request) returns (${model});`);
    } else {
      lines.push(`message Create${e}Request {`, `  ${model} item = 1;`, "  optional string note = 2;", "}", "");
      lines.push(`message Create${e}Response {`, "  string id = 1;", `  ${model} item = 2;`, "}", "");
      rpcs.push(`  rpc Create${e}(Create${e}Request) returns (Create${e}Response);`);
    }
  }
  lines.push("service BenchService {", ...rpcs, "}", "");
  return lines.join("\n");
}
