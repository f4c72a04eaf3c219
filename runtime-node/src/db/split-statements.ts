/**
 * Splits a migration file into statements for `hamletc migrate`, which runs them one by one
 * (the database drivers take one statement per call with parameters).
 *
 * A `;` ends a statement only outside of:
 * - string literals `'…'` (doubled quotes) and `E'…'` (backslash escapes too),
 * - quoted identifiers `"…"` and `` `…` ``,
 * - dollar-quoted bodies `$$…$$` / `$tag$…$tag$` (PostgreSQL functions and `DO` blocks),
 * - line comments `-- …` and block comments `/* … *\/` (nested, as PostgreSQL reads them),
 * - `BEGIN … END` bodies of SQLite `CREATE TRIGGER` and PostgreSQL `BEGIN ATOMIC` (with the
 *   `CASE … END` inside them).
 * Each statement keeps its leading comments and its `;`, trimmed; comment-only pieces are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let meaningful = false;
  /** Words of the current statement seen so far (upper case, first few only). */
  let head: string[] = [];
  let blockDepth = 0;
  let previousWord = "";
  let i = 0;

  const finish = (end: number): void => {
    if (meaningful) out.push(sql.slice(start, end).trim());
    start = end;
    meaningful = false;
    head = [];
    blockDepth = 0;
    previousWord = "";
  };

  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      const newline = sql.indexOf("\n", i);
      i = newline < 0 ? sql.length : newline;
    } else if (ch === "/" && next === "*") {
      i = skipBlockComment(sql, i);
    } else if (ch === "'" || ch === '"' || ch === "`") {
      const escapes = ch === "'" && isEscapeStringPrefix(sql, i);
      i = skipQuoted(sql, i, ch, escapes);
      meaningful = true;
    } else if (ch === "$" && !isIdentifierChar(sql[i - 1])) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag === undefined) {
        i++;
      } else {
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? sql.length : close + tag.length;
      }
      meaningful = true;
    } else if (ch === ";") {
      i++;
      if (blockDepth === 0) finish(i);
    } else if (isIdentifierStart(ch)) {
      let j = i + 1;
      while (j < sql.length && isIdentifierChar(sql[j])) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (head.length < 6) head.push(word);
      if (word === "ATOMIC" && previousWord === "BEGIN") blockDepth++;
      else if (blockDepth > 0 && (word === "BEGIN" || word === "CASE")) blockDepth++;
      else if (blockDepth > 0 && word === "END") blockDepth--;
      else if (word === "BEGIN" && isTrigger(head)) blockDepth++;
      previousWord = word;
      meaningful = true;
      i = j;
    } else {
      if (!/\s/.test(ch)) meaningful = true;
      i++;
    }
  }
  finish(sql.length);
  return out;
}

/** `CREATE [OR REPLACE] [TEMP|TEMPORARY] TRIGGER`: SQLite trigger bodies hold `;`-separated statements. */
function isTrigger(head: readonly string[]): boolean {
  const words = head.filter((w) => w !== "OR" && w !== "REPLACE" && w !== "TEMP" && w !== "TEMPORARY");
  return words[0] === "CREATE" && words[1] === "TRIGGER";
}

function isIdentifierStart(ch: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(ch);
}

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

/** `E'…'` / `e'…'` (not the end of a longer word such as `name'`). */
function isEscapeStringPrefix(sql: string, quoteAt: number): boolean {
  const prefix = sql[quoteAt - 1];
  return (prefix === "E" || prefix === "e") && !isIdentifierChar(sql[quoteAt - 2]);
}

/** Index just past the quoted run starting at `start`; a doubled quote is an escape. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === "\\") {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Index just past the (possibly nested) block comment starting at `start`. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
