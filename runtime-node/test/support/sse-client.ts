/**
 * A real server-sent-events client over node:http (it can set `Host`, `Cookie` and
 * `Last-Event-ID`, and stop reading), recording every event and comment it receives.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";

export interface SseEvent {
  readonly id: string | undefined;
  readonly data: string;
}

export interface SseClient {
  readonly status: number;
  /** The body when the status is not 200. */
  readonly body: string;
  readonly events: SseEvent[];
  /** Comment lines (heartbeats) received. */
  comments: number;
  /** The `retry:` the server suggested. */
  retry: number | undefined;
  /** Resolves when the stream ends (server closed or dropped it). */
  readonly ended: Promise<void>;
  readonly response: IncomingMessage | undefined;
  /** Resolves once `count` events matching `match` arrived. */
  waitFor(count: number, match?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export interface SseRequest {
  readonly host?: string;
  readonly cookie?: string;
  readonly lastEventId?: string;
}

export function openSse(baseUrl: string, path: string, options: SseRequest = {}): Promise<SseClient> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.host !== undefined) headers["host"] = options.host;
    if (options.cookie !== undefined) headers["cookie"] = options.cookie;
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    const req = httpRequest(url, { headers }, (res) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = "";
      let body = "";
      let endResolve = () => undefined as void;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.on("close", () => endResolve());
      res.on("end", () => endResolve());
      res.on("error", () => endResolve());
      const client: SseClient = {
        status: res.statusCode ?? 0,
        get body() {
          return body;
        },
        events,
        comments: 0,
        retry: undefined,
        ended,
        response: res,
        waitFor(count, match = () => true, timeoutMs = 20_000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const found = events.filter(match);
              if (found.length >= count) {
                waiters.delete(check);
                clearTimeout(timer);
                ok(found);
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`waited for ${count} events, got ${JSON.stringify(events)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      };
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (client.status !== 200) {
          body += chunk;
          return;
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) client.comments++;
            else if (line.startsWith("id: ")) id = line.slice(4);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
            else if (line.startsWith("retry: ")) client.retry = Number(line.slice(7));
          }
          if (data.length > 0) events.push({ id, data: data.join("\n") });
        }
        for (const waiter of [...waiters]) waiter();
      });
      if (client.status !== 200) res.on("end", () => resolve(client));
      else resolve(client);
    });
    req.on("error", reject);
    req.end();
  });
}
