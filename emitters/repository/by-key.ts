/**
 * The parts of a generated repository that work on many primary keys at once or insert unless a
 * key is taken: `identityOf<Model>`, `#keysWhere`, `#findMany`, `getMany` and `insertIfAbsent`.
 * `getMany` chunks its keys and puts the rows in key order with runtime-node's `rowsInKeyOrder`;
 * `insertIfAbsent` is one `INSERT ... ON CONFLICT (<tenant_id>, <primary key>) DO NOTHING`.
 */
import { hardline, ifBreak, indent, line, softline, type Doc } from "../../src/emit/doc.js";
import {
  arrow,
  atom as a,
  bin,
  block,
  call,
  declare,
  exprStmt,
  forStmt,
  group,
  ifStmt,
  index,
  member as m,
  obj,
  params,
  ret,
  str,
  template,
  throwStmt,
  type Expr,
  type Stmt,
} from "../../src/emit/ts-syntax.js";
import { parseType, typeDoc } from "../../src/emit/ts-types.js";
import type { ColumnDef } from "../../src/schema/types.js";
import type { ColumnType } from "../../src/schema/query.js";
import { memberOf, methodOf } from "./members.js";

/** runtime-node's `MAX_STATEMENT_PARAMS` (runtime-node/src/repository): the most a statement binds. */
export const MAX_STATEMENT_PARAMS = 999;

/** What the members need to know of their model and class. */
export interface KeyContext {
  /** The model's name (`PostRow`). */
  readonly name: string;
  readonly table: string;
  readonly tenant: boolean;
  /** The primary key's columns, in order. */
  readonly key: readonly { readonly def: ColumnDef; readonly type: ColumnType }[];
  /** The name of the model's column lists (`postRowColumns`). */
  readonly columns: string;
  /** `const params` and `const where`, with the tenant when the model has one. */
  readonly start: readonly Stmt[];
  /** `return scoped(this.#db, <tenant>, async (db) => body)`. */
  readonly scoped: (body: Expr | { block: Stmt[] }) => Stmt;
}

/** `key.id`, or `key["odd name"]`. */
function keyField(c: { def: ColumnDef }): Expr {
  return /^[A-Za-z_$][\w$]*$/.test(c.def.name) ? m(`key.${c.def.name}`) : index("key", str(c.def.name));
}

/** `identityOf<Model>(key, dialect)`: a key as the database compares it (module level, beside the codecs). */
export function identityFunction(ctx: KeyContext): Doc {
  const n = ctx.name;
  const uuid = ctx.key.some((c) => c.type.base === "Uuid");
  return [
    `/** A ${n} key as the database compares it: \`getMany\` returns rows in the order of its keys. */`,
    hardline,
    `function identityOf${n}`,
    params([`key: ${n}Key | ${n}`, `${uuid ? "dialect" : "_dialect"}: RepositoryDatabase["dialect"]`], "string"),
    " ",
    block([
      ret(
        call(
          "keyIdentity",
          ...ctx.key.map((c) => {
            const encoded = call(`encode${n}`, str(c.def.column), keyField(c));
            return c.type.base === "Uuid" ? call("uuidIdentity", encoded, a("dialect")) : encoded;
          }),
        ),
      ),
    ]),
  ];
}

/** `#keysWhere(keys, params, where)`: an `IN` list for a one-column key, else `(a AND b) OR ...`. */
export function keysWhereMember(ctx: KeyContext): Doc {
  const n = ctx.name;
  const only = ctx.key.length === 1 ? ctx.key[0]! : undefined;
  return [
    "/** Matches a row with any of `keys`. */",
    hardline,
    group([`#keysWhere`, params([`keys: readonly ${n}Key[]`, "params: SqlValue[]", "where: string[]"], "void")]),
    " ",
    block(
      only
        ? [
            "const placeholders: string[] = [];",
            forStmt("const key of keys", {
              block: [
                exprStmt(call("params.push", call(`encode${n}`, str(only.def.column), keyField(only)))),
                "placeholders.push(`$${params.length}`);",
              ],
            }),
            `where.push(\`${JSON.stringify(only.def.column)} IN (\${placeholders.join(", ")})\`);`,
          ]
        : [
            "const matches: string[] = [];",
            forStmt("const key of keys", {
              block: [
                "const match: string[] = [];",
                "this.#keyWhere(key, params, match);",
                'matches.push(`(${match.join(" AND ")})`);',
              ],
            }),
            'where.push(`(${matches.join(" OR ")})`);',
          ],
    ),
  ];
}

/** `#findMany(db, keys)`: one statement reading the rows of `keys`. */
export function findManyMember(ctx: KeyContext): Doc {
  const n = ctx.name;
  return [
    "/** The rows with any of `keys`, read through `db` in one statement. */",
    hardline,
    group([`async #findMany`, params(["db: RepositoryDatabase", `keys: readonly ${n}Key[]`], `Promise<${n}[]>`)]),
    " ",
    block([
      ...ctx.start,
      "this.#keysWhere(keys, params, where);",
      declare("const", "sql", undefined, template(`\`SELECT * FROM "${ctx.table}" WHERE \${where.join(" AND ")}\``)),
      ret(call("(await db.query<Row>(sql, params)).map", arrow("row", call(`decode${n}`, a("row"), m("db.dialect"))))),
    ]),
  ];
}

/** `getMany(keys)`: the rows in key order, one statement per chunk of keys. */
export function getManyMember(ctx: KeyContext): Doc {
  const n = ctx.name;
  const perStatement = Math.floor((MAX_STATEMENT_PARAMS - 1) / ctx.key.length);
  return methodOf(
    [
      "/**",
      ` * The rows with these primary keys${ctx.tenant ? " in this tenant" : ""}, in the order of \`keys\`: a key without a row`,
      ` * is left out, a key given twice gives its row once. One query per ${perStatement} keys.`,
      " */",
    ],
    "async getMany",
    [`keys: readonly ${n}Key[]`],
    `Promise<${n}[]>`,
    [
      "if (keys.length === 0) return [];",
      ctx.scoped({
        block: [
          declare(
            "const",
            "read",
            undefined,
            arrow(`chunk: readonly ${n}Key[]`, call("this.#findMany", a("db"), a("chunk"))),
          ),
          ret(
            call("rowsInKeyOrder", m("db.dialect"), a("keys"), m(`${ctx.columns}.key`), a(`identityOf${n}`), a("read")),
          ),
        ],
      }),
    ],
  );
}

/**
 * `async insertIfAbsent(row: <M>Insert & <M>Key): Promise<InsertIfAbsentResult<M>>`, breaking
 * the intersection as Prettier does (`params` keeps intersections on one line).
 */
function insertIfAbsentSignature(n: string): Doc {
  const row = group([`${n}Insert &`, indent([line, `${n}Key`])]);
  return group([
    "async insertIfAbsent(",
    indent([softline, "row: ", row]),
    ifBreak(","),
    softline,
    "): ",
    typeDoc(parseType(`Promise<InsertIfAbsentResult<${n}>>`)),
  ]);
}

/**
 * `insertIfAbsent(row)`: the insert with `ON CONFLICT (<key>) DO NOTHING`, then the stored row when
 * it did nothing (again, at most three times, when that row was deleted before it was read).
 */
export function insertIfAbsentMember(ctx: KeyContext): Doc {
  const n = ctx.name;
  const conflictTarget = [...(ctx.tenant ? ["tenant_id"] : []), ...ctx.key.map((c) => c.def.column)]
    .map((c) => JSON.stringify(c))
    .join(", ");
  return memberOf(
    [
      "/**",
      ` * Inserts the row unless one with its primary key exists${ctx.tenant ? " in this tenant" : ""}, in one`,
      " * `INSERT ... ON CONFLICT DO NOTHING`: a concurrent insert of the same key neither fails nor adds",
      " * a second row. `inserted` says whether this call added it, `row` is the stored row. Runs in the",
      " * caller's transaction.",
      " */",
    ],
    insertIfAbsentSignature(n),
    [
      declare(
        "const",
        "{ sql, params }",
        undefined,
        call("this.#insertStatement", a("row"), str(` ON CONFLICT (${conflictTarget}) DO NOTHING`)),
      ),
      ctx.scoped({
        block: [
          "// A conflicting row deleted before it was read: insert again.",
          forStmt("let attempt = 0; attempt < 3; attempt++", {
            block: [
              "const inserted = (await db.query<Row>(sql, params))[0];",
              ifStmt(
                bin(a("inserted"), "!==", a("undefined")),
                ret(
                  obj([
                    ["inserted", a("true")],
                    ["row", call(`decode${n}`, a("inserted"), m("db.dialect"))],
                  ]),
                ),
              ),
              "const existing = await this.#find(db, row);",
              "if (existing !== undefined) return { inserted: false, row: existing };",
            ],
          }),
          throwStmt(
            call("new Error", str(`Hamlet: ${n}.insertIfAbsent: the row with this key kept being deleted; try again`)),
          ),
        ],
      }),
    ],
  );
}
