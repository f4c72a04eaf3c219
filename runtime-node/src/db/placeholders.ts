import type { SqlParam } from "./database.js";

/** A statement rewritten for SQLite's positional `?` parameters. */
export interface PositionalStatement {
  readonly sql: string;
  readonly params: SqlParam[];
}

/**
 * Rewrites PostgreSQL-style `$1, $2` placeholders to `?` and reorders `params`
 * to match (a placeholder may repeat). Placeholders inside string literals,
 * quoted identifiers and comments are left alone.
 */
export function toPositional(sql: string, params: readonly SqlParam[] = []): PositionalStatement {
  let out = "";
  const ordered: SqlParam[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = skipQuoted(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      const end = nl === -1 ? sql.length : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      const end = close === -1 ? sql.length : close + 2;
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "$" && isDigit(sql[i + 1])) {
      let j = i + 1;
      while (isDigit(sql[j])) j++;
      const index = Number(sql.slice(i + 1, j));
      if (index < 1 || index > params.length) {
        throw new Error(`Hamlet SQL: placeholder $${index} has no parameter (got ${params.length})`);
      }
      ordered.push(params[index - 1] as SqlParam);
      out += "?";
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return { sql: out, params: ordered };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/** Index just past the quoted run starting at `start`; doubled quotes are escapes. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
