/**
 * Recognises errors that mean "the database cannot serve this request right now" (a connection
 * that died, a server restarting or failing over, a full pool, a locked SQLite file) as opposed
 * to a bug or bad data. The server answers those 503 `{"tag":"ServiceUnavailable"}` instead of 500.
 */

/** PostgreSQL SQLSTATEs of a lost or refused connection (class 08, operator intervention 57P0x, too many connections). */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300|53400)$/;
/** Node socket errors and SQLite lock errors. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);
/** node-postgres reports a dead socket or an exhausted pool by message only. */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
];

/** Whether `error` (or one of its causes) says the database is unreachable or overloaded. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_CODES.has(code))) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
    current = cause;
  }
  return false;
}
