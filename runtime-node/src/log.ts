/**
 * Readable server logs for development. Fastify logs JSON lines (pino), which suit a log
 * collector but not a terminal; `readableLogger()` gives Fastify a stream that turns each line
 * into `12:04:31 GET /api/posts → 200 (3 ms)`, errors with their stack. Pass it as the
 * `logger` option of `createHamletServer` (production keeps JSON: `logger: true`).
 */

/** Where readable lines go: `process.stderr` by default. */
export interface LineSink {
  write(text: string): unknown;
}

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

interface LogRecord {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/** Fastify `logger` options that print one readable line per finished request and per message. */
export function readableLogger(sink: LineSink = process.stderr, level = "info") {
  const pending = new Map<string, string>();
  const clock = (time: number | undefined) => new Date(time ?? Date.now()).toISOString().slice(11, 19);
  return {
    level,
    stream: {
      write(line: string): void {
        let record: LogRecord;
        try {
          record = JSON.parse(line) as LogRecord;
        } catch {
          sink.write(line.endsWith("\n") ? line : `${line}\n`);
          return;
        }
        const time = clock(record.time);
        if (record.req && record.reqId !== undefined) {
          // "incoming request": remember what was asked; the line is printed when it finishes.
          pending.set(record.reqId, `${record.req.method ?? "?"} ${record.req.url ?? "?"}`);
          return;
        }
        if (record.res && record.reqId !== undefined) {
          const request = pending.get(record.reqId) ?? "request";
          pending.delete(record.reqId);
          const ms = record.responseTime === undefined ? "" : ` (${Math.round(record.responseTime)} ms)`;
          sink.write(`${time} ${request} → ${record.res.statusCode ?? "?"}${ms}\n`);
          return;
        }
        const label = LEVELS[record.level ?? 30] ?? "LOG";
        const error = record.err ? `\n${record.err.stack ?? record.err.message ?? ""}` : "";
        sink.write(`${time} ${label} ${record.msg ?? ""}${error}\n`);
      },
    },
  };
}
