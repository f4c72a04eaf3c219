/**
 * The names the SQL emitter gives tables, indexes and columns, and the names the runtime keeps
 * for itself, as data for the checker (src/check/generated-names.ts). SQLite compares
 * identifiers without case and PostgreSQL cuts them at 63 bytes, so every name is claimed as
 * both see it.
 */
import { nameSpan, type NameClaim, type NamingRules } from "../../src/schema/naming.js";
import type { Schema } from "../../src/schema/types.js";
import { pkeyName } from "./ddl.js";
import { snapshotOf } from "./model.js";

/** How both databases see a name: SQLite ignores case, PostgreSQL keeps the first 63 bytes. */
function pgIdentifier(name: string): string {
  return Buffer.from(name.toLowerCase(), "utf8").subarray(0, 63).toString("utf8");
}

export const sqlNaming: NamingRules = {
  target: "sql",
  reserved: {
    relations: [
      {
        names: new Set(),
        prefixes: ["hamlet_", "sqlite_"],
        why: "starts with a prefix kept for runtime tables (`hamlet_`) or by SQLite (`sqlite_`)",
      },
    ],
  },
  claims(schema: Schema, spans) {
    const claims: NameClaim[] = [];
    const tables = new Map(snapshotOf(schema).tables.map((t) => [t.model, t]));
    for (const m of schema.models) {
      const span = nameSpan(spans, m.name, m.span);
      // PostgreSQL cuts identifiers at 63 bytes, so two long names that share a start are one.
      const relation = (name: string, what: string) =>
        claims.push({ scope: "relations", name: pgIdentifier(name), source: m.name, what, span });
      relation(m.table, `the table of \`${m.name}\``);
      relation(pkeyName(m.table), `the primary key of \`${m.name}\``);
      for (const i of tables.get(m.name)?.indexes ?? []) relation(i.name, `an index of \`${m.name}\``);
      for (const c of m.columns)
        claims.push({
          scope: `columns of ${m.table.toLowerCase()}`,
          name: pgIdentifier(c.column),
          source: c.name,
          what: `the column of \`${m.name}.${c.name}\``,
          span: c.span,
        });
    }
    return claims;
  },
};
