/**
 * A dedicated PostgreSQL connection that LISTENs for dispatcher wake-ups and reconnects with
 * backoff when the connection dies (server restart, `pg_terminate_backend`).
 */
import pg from "pg";
import { EVENT_NOTIFY_CHANNEL } from "./channel.js";

export interface Listener {
  close(): Promise<void>;
}

export interface ListenerOptions {
  readonly url: string;
  /** A notification arrived: `""` means "due now", otherwise the epoch-ms due time. */
  readonly onNotify: (payload: string) => void;
  /** (Re)connected: notifications may have been missed, so look for work. */
  readonly onConnect: () => void;
  readonly onError: (error: unknown) => void;
}

export function startListener(options: ListenerOptions): Listener {
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;

  const scheduleReconnect = (): void => {
    if (closed || retry !== null) return;
    const delay = Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
    failures += 1;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url });
    client = next;
    let dropped = false;
    const drop = (error?: unknown): void => {
      if (dropped) return;
      dropped = true;
      if (error !== undefined && !closed) options.onError(error);
      if (client === next) client = null;
      next.end().catch(() => undefined);
      scheduleReconnect();
    };
    next.on("error", drop);
    next.on("end", () => drop());
    next.on("notification", (message) => {
      if (message.channel === EVENT_NOTIFY_CHANNEL) options.onNotify(message.payload ?? "");
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${EVENT_NOTIFY_CHANNEL}`);
      if (closed) {
        await next.end();
        return;
      }
      failures = 0;
      options.onConnect();
    } catch (error) {
      drop(error);
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      const current = client;
      client = null;
      if (current !== null) await current.end().catch(() => undefined);
    },
  };
}
