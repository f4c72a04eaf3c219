/** Converts an integer column (number on SQLite, string for PostgreSQL `bigint`) to a number. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  throw new Error(`Hamlet: expected an integer column, got ${typeof value}`);
}

/** Like {@link toNumber} but keeps SQL NULL as `null`. */
export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}
