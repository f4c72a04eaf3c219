/**
 * The `repository` emitter: `typescript/repositories.ts`, a tenant-scoped typed repository per
 * model (insert, insertIfAbsent, get, getMany, list, update, delete) over runtime-node's
 * `Database`, for the tables the `sql` emitter's migrations create.
 *
 * Every statement is parameterized; identifiers come only from the generated column lists.
 * A tenant-scoped repository adds `tenant_id = $1` to every statement on both dialects and, on
 * PostgreSQL, runs inside `withTenant` so row-level security agrees. Row types are declared in
 * the file itself, with the schema's field names; the helpers it calls (column decoders, tenant
 * scoping, the structural `RepositoryDatabase` a runtime `Database` fits) are imported from
 * `@hamlet/runtime-node/repository` (runtime-node/src/repository).
 */
import { hardline, indent, join, type Doc } from "../../src/emit/doc.js";
import { runtimeSubpath } from "../../src/emit/runtime-path.js";
import { TsFile } from "../../src/emit/ts-file.js";
import {
  arr,
  arrow,
  as,
  atom,
  bin,
  block,
  call,
  chain,
  cond,
  declare,
  exprStmt,
  group,
  ifStmt,
  member,
  not,
  obj,
  params,
  ret,
  str,
  switchStmt,
  template,
  index,
  throwStmt,
  forStmt,
  typeAliasOf,
  typeAnnotation,
  type Expr,
  type Stmt,
} from "../../src/emit/ts-syntax.js";
import { defineEmitter } from "../../src/emit/types.js";
import {
  findManyMember,
  getManyMember,
  identityFunction,
  insertIfAbsentMember,
  keysWhereMember,
  type KeyContext,
} from "./by-key.js";
import { methodOf } from "./members.js";
import type { ColumnDef, ModelDef, Schema } from "../../src/schema/types.js";
import { columnType, type ColumnType } from "../../src/schema/query.js";

function tsType(t: ColumnType): string {
  switch (t.base) {
    case "Int":
    case "Float":
      return "number";
    case "Bool":
      return "boolean";
    case "Json":
      return "Json";
    case "Bytes":
      return "Uint8Array";
    case "enum":
      return t.values.map((v) => JSON.stringify(v)).join(" | ");
    // The wire types' representations (types.ts), so values pass between them unconverted.
    case "Uuid":
      return "Uuid";
    case "Timestamp":
      return "Date";
    case "Date":
      return "IsoDate";
    default:
      return "string";
  }
}

/** Reads a column; `enumType` names the TypeScript type of an enum column. */
function decoder(t: ColumnType, value: Expr, enumType = ""): Expr {
  switch (t.base) {
    case "Int":
    case "Float":
      return call("toNumber", value);
    case "Bool":
      return call("toBool", value);
    case "Json":
      return call("toJson", value, atom("dialect"));
    case "Bytes":
      return call("toBytes", value);
    case "Timestamp":
      return call("toTimestamp", value);
    case "Date":
      return call("toDate", value);
    case "enum":
      return as(call("String", value), enumType);
    case "Uuid":
      return as(call("String", value), "Uuid");
    default:
      return call("String", value);
  }
}

/** A property key: bare when it is an identifier, quoted otherwise. */
function propKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** What `@hamlet/runtime-node/repository` exports that generated repositories may use. */
const RUNTIME_VALUES = [
  "fromTimestamp",
  "keyIdentity",
  "limitOf",
  "q",
  "rowsInKeyOrder",
  "scoped",
  "tenantOf",
  "toBool",
  "toBytes",
  "toDate",
  "toJson",
  "toNumber",
  "toTimestamp",
  "uuidIdentity",
];
const RUNTIME_TYPES = [
  "InsertIfAbsentResult",
  "IsoDate",
  "Json",
  "ListOptions",
  "RepositoryDatabase",
  "Row",
  "SqlValue",
  "Uuid",
];
/** Every name a generated repositories.ts may import from the runtime (reserved for the checker). */
export const REPOSITORY_IMPORTS: readonly string[] = [...RUNTIME_VALUES, ...RUNTIME_TYPES];

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A doc comment line, or nothing. */
function docLine(lines: readonly string[]): Doc[] {
  return lines.length ? [`/** ${lines.join(" ")} */`, hardline] : [];
}

const a = atom;
const m = member;

function interfaceOf(name: string, members: readonly Doc[]): Doc {
  if (members.length === 0) return `export interface ${name} {}`;
  return [`export interface ${name} {`, indent([hardline, ...join(hardline, members)]), hardline, "}"];
}

function modelCode(schema: Schema, model: ModelDef, file: TsFile): Doc[] {
  const n = model.name;
  const tenant = !model.global;
  const cols = model.columns.map((c) => ({ def: c, type: columnType(schema, c.type) }));
  const pk = model.primaryKey.map((name) => cols.find((c) => c.def.name === name)!);
  const indexed = new Set<string>(model.primaryKey);
  for (const c of model.columns) if (c.indexed || c.unique) indexed.add(c.name);
  for (const i of model.indexes) for (const c of i.columns) indexed.add(c);
  const filterable = cols.filter((c) => indexed.has(c.def.name));
  const field = (c: { def: ColumnDef }) => propKey(c.def.name);
  const optionalOnInsert = (c: ColumnDef) => c.nullable || c.columnDefault !== undefined;
  const member = (c: { def: ColumnDef; type: ColumnType }, optional: boolean, nullable = c.def.nullable): Doc => [
    group([field(c), optional ? "?: " : ": ", typeAnnotation(`${tsType(c.type)}${nullable ? " | null" : ""}`)]),
    ";",
  ];
  const out: Doc[] = [];
  out.push([
    ...docLine(model.docs),
    interfaceOf(
      n,
      cols.map((c) => [...docLine(c.def.docs), member(c, false)]),
    ),
  ]);
  out.push([
    `/** A new ${n}: columns with a default or \`null\` may be left out. */`,
    hardline,
    interfaceOf(
      `${n}Insert`,
      cols.map((c) => member(c, optionalOnInsert(c.def))),
    ),
  ]);
  out.push([
    `/** The primary key of ${n}${tenant ? " (within the tenant)" : ""}. */`,
    hardline,
    interfaceOf(
      `${n}Key`,
      pk.map((c) => member(c, false, false)),
    ),
  ]);
  const patchable = cols.filter((c) => !c.def.primary);
  out.push([
    "/** Columns to change; the others keep their values. */",
    hardline,
    interfaceOf(
      `${n}Patch`,
      patchable.map((c) => member(c, true)),
    ),
  ]);
  out.push([
    "/** Equality filters of `list` (indexed columns). */",
    hardline,
    interfaceOf(
      `${n}Filter`,
      filterable.map((c) => member(c, true)),
    ),
  ]);
  out.push([
    "/** Columns `list` can order by (indexed columns). */",
    hardline,
    typeAliasOf(`export type ${n}Order`, filterable.map((c) => JSON.stringify(c.def.column)).join(" | ") || "never"),
  ]);
  const meta = `${camel(n)}Columns`;
  const names = (list: typeof cols) => as(arr(list.map((c) => str(c.def.column))), "const");
  out.push(
    declare(
      "const",
      meta,
      undefined,
      obj([
        ["all", names(cols)],
        ["key", names(pk)],
        ["patch", names(patchable)],
        ["filter", names(filterable)],
      ]),
    ),
  );
  const jsonCols = cols.filter((c) => c.type.base === "Json");
  // Json is written as text; Timestamp as UTC text on both dialects (SQLite keeps what it is given).
  const convertedCols = cols.filter((c) => c.type.base === "Json" || c.type.base === "Timestamp");
  const encodeBody: Stmt[] = convertedCols.length
    ? [
        switchStmt("column", [
          ...convertedCols.map((c) => ({
            labels: [JSON.stringify(c.def.column)],
            body: [
              ret(
                cond(
                  bin(a("value"), "===", a("null")),
                  a("null"),
                  c.type.base === "Json"
                    ? call("JSON.stringify", a("value"))
                    : call("fromTimestamp", as(a("value"), "Date | string")),
                ),
              ),
            ],
          })),
          { labels: ["default"], body: ["return value as SqlValue;"] },
        ]),
      ]
    : ["return value as SqlValue;"];
  out.push([
    `function encode${n}`,
    params([`${convertedCols.length ? "column" : "_column"}: string`, "value: unknown"], "SqlValue"),
    " ",
    block(encodeBody),
  ]);
  const decoded = cols.map((c): [string, Expr] => {
    const v = index("row", str(c.def.column));
    const enumType = c.def.nullable
      ? `NonNullable<${n}[${JSON.stringify(c.def.name)}]>`
      : `${n}[${JSON.stringify(c.def.name)}]`;
    const value = decoder(c.type, v, enumType);
    if (!c.def.nullable) return [field(c), value];
    return [field(c), cond(chain("||", [bin(v, "===", a("null")), bin(v, "===", a("undefined"))]), a("null"), value)];
  });
  out.push([
    `function decode${n}`,
    params(["row: Row", `${jsonCols.length ? "dialect" : "_dialect"}: RepositoryDatabase["dialect"]`], n),
    " ",
    block([ret(obj(decoded))]),
  ]);
  const tenantArg = a(tenant ? "this.#tenant" : "null");
  const start: Stmt[] = tenant
    ? ["const params: SqlValue[] = [this.#tenant];", `const where: string[] = ['"tenant_id" = $1'];`]
    : ["const params: SqlValue[] = [];", "const where: string[] = [];"];
  const scoped = (body: Expr | { block: Stmt[] }) =>
    ret(call("scoped", m("this.#db"), tenantArg, arrow("db", body, true)));
  const keys: KeyContext = { name: n, table: model.table, tenant, key: pk, columns: meta, start, scoped };
  out.push(identityFunction(keys));
  const rowOrUndefined: { block: Stmt[] } = {
    block: [
      "const row = (await db.query<Row>(sql, params))[0];",
      ret(cond(bin(a("row"), "===", a("undefined")), a("undefined"), call(`decode${n}`, a("row"), m("db.dialect")))),
    ],
  };
  const keyWhere = (extra: string) => `this.#keyWhere(key, params, where);${extra}`;
  const members: Doc[] = [];
  const ctor: Doc[] = tenant
    ? [
        "readonly #db: RepositoryDatabase;",
        hardline,
        "readonly #tenant: string;",
        hardline,
        "/** Rows of one tenant: `tenantId`, or the tenant of a handle from `withTenant`. */",
        hardline,
        "constructor(db: RepositoryDatabase, tenantId?: string) ",
        block(["this.#db = db;", "this.#tenant = tenantOf(db, tenantId);"]),
      ]
    : [
        "readonly #db: RepositoryDatabase;",
        hardline,
        "/** `@global`: rows shared by every tenant. */",
        hardline,
        "constructor(db: RepositoryDatabase) ",
        block(["this.#db = db;"]),
      ];
  members.push(ctor);
  members.push([
    group([`#keyWhere`, params([`key: ${n}Key`, "params: SqlValue[]", "where: string[]"], "void")]),
    " ",
    block([
      [
        `for (const column of ${meta}.key) `,
        block([
          exprStmt(call("params.push", call(`encode${n}`, a("column"), index("key", a(`column as keyof ${n}Key`))))),
          "where.push(`${q(column)} = $${params.length}`);",
        ]),
      ],
    ]),
  ]);
  members.push(keysWhereMember(keys));
  members.push([
    "/** An INSERT of `row`, then `clause`, returning the stored row; unset columns take defaults. */",
    hardline,
    group([`#insertStatement`, params([`row: ${n}Insert`, "clause: string"], "{ sql: string; params: SqlValue[] }")]),
    " ",
    block([
      `const columns: string[] = ${tenant ? '["tenant_id"]' : "[]"};`,
      `const params: SqlValue[] = ${tenant ? "[this.#tenant]" : "[]"};`,
      [
        `for (const column of ${meta}.all) `,
        block([
          declare("const", "value", undefined, index("row", a(`column as keyof ${n}Insert`))),
          "if (value === undefined) continue;",
          "columns.push(column);",
          exprStmt(call("params.push", call(`encode${n}`, a("column"), a("value")))),
        ]),
      ],
      'const values = params.map((_, i) => `$${i + 1}`).join(", ");',
      ret(
        obj([
          [
            "sql",
            template(
              `\`INSERT INTO "${model.table}" (\${columns.map(q).join(", ")}) VALUES (\${values})\${clause} RETURNING *\``,
            ),
          ],
          ["params", null],
        ]),
      ),
    ]),
  ]);
  members.push([
    `/** The row with this primary key${tenant ? " in this tenant" : ""}, read through \`db\`, or undefined. */`,
    hardline,
    group([`async #find`, params(["db: RepositoryDatabase", `key: ${n}Key`], `Promise<${n} | undefined>`)]),
    " ",
    block([
      ...start,
      keyWhere(""),
      declare("const", "sql", undefined, template(`\`SELECT * FROM "${model.table}" WHERE \${where.join(" AND ")}\``)),
      ...rowOrUndefined.block,
    ]),
  ]);
  members.push(findManyMember(keys));
  members.push(
    methodOf(
      "/** Inserts a row and returns it with the database's defaults filled in. */",
      "async insert",
      [`row: ${n}Insert`],
      `Promise<${n}>`,
      [
        'const { sql, params } = this.#insertStatement(row, "");',
        scoped(call(`decode${n}`, a("(await db.query<Row>(sql, params))[0]!"), m("db.dialect"))),
      ],
    ),
  );
  members.push(insertIfAbsentMember(keys));
  members.push(
    methodOf(
      `/** The row with this primary key${tenant ? " in this tenant" : ""}, or undefined. */`,
      "async get",
      [`key: ${n}Key`],
      `Promise<${n} | undefined>`,
      [scoped(call("this.#find", a("db"), a("key")))],
    ),
  );
  members.push(getManyMember(keys));
  members.push(
    methodOf(
      `/** Rows${tenant ? " of this tenant" : ""} matching every filter, ordered (then by primary key), at most \`limit\`. */`,
      "async list",
      [`options: ListOptions<${n}Filter, ${n}Order> = {}`],
      `${n}[]`.replace(/^/, "Promise<") + ">",
      [
        ...start,
        [
          `for (const column of ${meta}.filter) `,
          block([
            declare("const", "value", undefined, index("options.where?.", a(`column as keyof ${n}Filter`))),
            "if (value === undefined) continue;",
            ["if (value === null) ", block(["where.push(`${q(column)} IS NULL`);", "continue;"])],
            exprStmt(call("params.push", call(`encode${n}`, a("column"), a("value")))),
            "where.push(`${q(column)} = $${params.length}`);",
          ]),
        ],
        "const order: string[] = [];",
        'const direction = options.direction === "desc" ? "DESC" : "ASC";',
        [
          "if (options.orderBy !== undefined) ",
          block([
            declare("const", "orderable", "readonly string[]", m(`${meta}.filter`)),
            ifStmt(
              not(call("orderable.includes", m("options.orderBy"))),
              throwStmt(call("new Error", template(`\`Hamlet: cannot order ${n} by \${String(options.orderBy)}\``))),
            ),
            "order.push(`${q(options.orderBy)} ${direction}`);",
          ]),
        ],
        forStmt(`const column of ${meta}.key`, "order.push(`${q(column)} ${direction}`);"),
        [
          "let sql = ",
          `\`SELECT * FROM "${model.table}"\${where.length ? \` WHERE \${where.join(" AND ")}\` : ""} ORDER BY \${order.join(", ")}\``,
          ";",
        ],
        "const limit = limitOf(options.limit);",
        ["if (limit !== undefined) ", block(["params.push(limit);", "sql += ` LIMIT $${params.length}`;"])],
        scoped(
          call("(await db.query<Row>(sql, params)).map", arrow("row", call(`decode${n}`, a("row"), m("db.dialect")))),
        ),
      ],
    ),
  );
  members.push(
    methodOf(
      `/** Changes the row with this primary key${tenant ? " in this tenant" : ""}; returns it, or undefined when there is none. */`,
      "async update",
      [`key: ${n}Key`, `patch: ${n}Patch`],
      `Promise<${n} | undefined>`,
      [
        ...start,
        "const sets: string[] = [];",
        [
          `for (const column of ${meta}.patch) `,
          block([
            declare("const", "value", undefined, index("patch", a(`column as keyof ${n}Patch`))),
            "if (value === undefined) continue;",
            exprStmt(call("params.push", call(`encode${n}`, a("column"), a("value")))),
            "sets.push(`${q(column)} = $${params.length}`);",
          ]),
        ],
        "if (sets.length === 0) return this.get(key);",
        keyWhere(""),
        declare(
          "const",
          "sql",
          undefined,
          template(`\`UPDATE "${model.table}" SET \${sets.join(", ")} WHERE \${where.join(" AND ")} RETURNING *\``),
        ),
        scoped(rowOrUndefined),
      ],
    ),
  );
  members.push(
    methodOf(
      `/** Deletes the row with this primary key${tenant ? " in this tenant" : ""}; true when there was one. */`,
      "async delete",
      [`key: ${n}Key`],
      "Promise<boolean>",
      [
        ...start,
        keyWhere(""),
        declare(
          "const",
          "sql",
          undefined,
          template(`\`DELETE FROM "${model.table}" WHERE \${where.join(" AND ")} RETURNING 1 AS deleted\``),
        ),
        scoped(bin(m("(await db.query<Row>(sql, params)).length"), ">", a("0"))),
      ],
    ),
  );
  out.push([
    ...docLine(model.docs.length ? model.docs : [`Typed access to the \`${model.table}\` table.`]),
    `export class ${n}Repository {`,
    indent([hardline, ...join([hardline, hardline], members)]),
    hardline,
    "}",
  ]);
  void file;
  return out;
}

export function repositoriesFile(schema: Schema, runtimeImport = "@hamlet/runtime-node"): string {
  const runtime = runtimeSubpath(runtimeImport, "repository");
  const file = new TsFile(`// Generated by hamletc from package ${schema.package}. Do not edit.\n`).module(runtime);
  for (const name of RUNTIME_VALUES) file.importIfUsed(name, runtime);
  for (const name of RUNTIME_TYPES) file.importIfUsed(name, runtime, { type: true });
  // Applications name these types through repositories.ts.
  file.reexportTypes(
    ["InsertIfAbsentResult", "IsoDate", "Json", "ListOptions", "RepositoryDatabase", "SqlValue", "Uuid"],
    runtime,
  );
  for (const model of schema.models) for (const d of modelCode(schema, model, file)) file.print(d);
  const anyTenant = schema.models.some((mm) => !mm.global);
  file.print([
    `/** Every repository, ${anyTenant ? "scoped to one tenant" : "over one database"}. */`,
    hardline,
    "export function repositories",
    params([`db: RepositoryDatabase`, ...(anyTenant ? ["tenantId?: string"] : [])], ""),
    " ",
    block([
      ret(
        obj(
          schema.models.map((mm): [string, Expr] => [
            camel(mm.name),
            mm.global
              ? call(`new ${mm.name}Repository`, a("db"))
              : call(`new ${mm.name}Repository`, a("db"), a("tenantId")),
          ]),
          true,
        ),
      ),
    ]),
  ]);
  return file.toString();
}

export const repositoryEmitter = defineEmitter<{ file: string; runtime_import: string }>({
  name: "repository",
  description:
    "Tenant-scoped typed repositories (insert, insertIfAbsent, get, getMany, list, update, delete) for the models, in TypeScript.",
  outDir: "typescript",
  options: {
    file: { type: "string", default: "repositories.ts", description: "Name of the file to write." },
    runtime_import: {
      type: "string",
      default: "@hamlet/runtime-node",
      description:
        "runtime-node's module specifier; the file imports its subpath /repository (for a path such as ../../../runtime-node/src/index.js: the sibling repository/index.js).",
    },
  },
  emit(schema, { options }) {
    if (schema.models.length === 0) return [];
    return [{ path: options.file, content: repositoriesFile(schema, options.runtime_import) }];
  },
});
