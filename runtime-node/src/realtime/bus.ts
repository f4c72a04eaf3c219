import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Database } from "../db/database.js";
import { DatabaseSetupError } from "../runtime-schema.js";
import type { JsonValue } from "../json.js";

/** Receives one message published on a bus channel. */
export type BusHandler = (payload: JsonValue) => void;

/**
 * Publish/subscribe of small addressed messages between the server processes of one deployment
 * (WebSocket routing, SSE fan-out). Delivery is at most once and in publish order per process;
 * messages published while a process's listener is reconnecting are lost for that process.
 */
export interface MessageBus {
  /** `"postgres"`: LISTEN/NOTIFY between processes; `"local"`: this process only. */
  readonly kind: "postgres" | "local";
  /** Random id of this process's bus (distinguishes processes in logs and tests). */
  readonly processId: string;
  /**
   * Delivers `payload` to every subscriber of `channel` in every process (this one included,
   * synchronously before the returned promise settles).
   */
  publish(channel: string, payload: JsonValue): Promise<void>;
  /** Calls `handler` for each message on `channel`; returns a function that unsubscribes. */
  subscribe(channel: string, handler: BusHandler): () => void;
  /** Stops listening and releases the dedicated connection (not the shared database). */
  close(): Promise<void>;
}

/** Options for {@link createPostgresBus}. */
export interface PostgresBusOptions {
  /** Connection string for the dedicated LISTEN connection. */
  readonly connectionString: string;
  /** Pool used to publish and to store large payloads. */
  readonly db: Database;
  /** NOTIFY channel name shared by all processes (default `hamlet_bus`). */
  readonly notifyChannel?: string;
  /** Payloads whose NOTIFY text exceeds this many bytes go through `hamlet_bus_messages` (default 7,500). */
  readonly inlineLimitBytes?: number;
  /** Stored large payloads are deleted after this many seconds (default 60). */
  readonly retentionSeconds?: number;
  /** Called when the listener connection fails (it reconnects with backoff regardless). */
  readonly onError?: (error: Error) => void;
}

/** NOTIFY payloads are limited to 8,000 bytes by PostgreSQL; keep a margin. */
export const DEFAULT_INLINE_LIMIT_BYTES = 7500;
const MAX_BACKOFF_MS = 5000;

/** Deliveries to the subscribers of this process. */
class Subscribers {
  private readonly byChannel = new Map<string, Set<BusHandler>>();

  add(channel: string, handler: BusHandler): () => void {
    let set = this.byChannel.get(channel);
    if (set === undefined) this.byChannel.set(channel, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.byChannel.get(channel) === set) this.byChannel.delete(channel);
    };
  }

  has(channel: string): boolean {
    return this.byChannel.has(channel);
  }

  deliver(channel: string, payload: JsonValue): void {
    const set = this.byChannel.get(channel);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        // One failing subscriber must not starve the others.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}

function newProcessId(): string {
  return randomBytes(8).toString("hex");
}

/** A bus that only reaches subscribers in this process (SQLite, no database, one process). */
export function createLocalBus(): MessageBus {
  const subscribers = new Subscribers();
  let closed = false;
  return {
    kind: "local",
    processId: newProcessId(),
    async publish(channel, payload) {
      if (!closed) subscribers.deliver(channel, payload);
    },
    subscribe: (channel, handler) => subscribers.add(channel, handler),
    async close() {
      closed = true;
      subscribers.clear();
    },
  };
}

/** What travels in a NOTIFY: the channel, the publishing process, and the payload or its row id. */
interface Envelope {
  readonly c: string;
  readonly o: string;
  readonly p?: JsonValue;
  readonly r?: string;
}

/** A positive 63-bit row id chosen by the publisher (the table has no sequence to grant). */
function newRowId(): string {
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}

/**
 * A bus over PostgreSQL LISTEN/NOTIFY. One dedicated connection listens (reconnecting with
 * exponential backoff up to 5 s); publishing uses `db`. A payload too large for NOTIFY is
 * inserted into `hamlet_bus_messages` and the notification carries its row id; rows older than
 * `retentionSeconds` are pruned by later large publishes. The publishing process delivers to its
 * own subscribers directly and ignores its own notifications.
 */
export async function createPostgresBus(options: PostgresBusOptions): Promise<MessageBus> {
  const { db } = options;
  const notifyChannel = options.notifyChannel ?? "hamlet_bus";
  if (!/^[a-z_][a-z0-9_]*$/.test(notifyChannel)) throw new Error(`Hamlet: invalid bus channel ${notifyChannel}`);
  const inlineLimit = options.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES;
  const retentionMs = (options.retentionSeconds ?? 60) * 1000;
  const processId = newProcessId();
  const subscribers = new Subscribers();
  let closed = false;
  let client: pg.Client | null = null;
  let backoff = 100;
  let reconnectTimer: NodeJS.Timeout | null = null;
  // Deliveries of one process stay in NOTIFY order even when a large payload must be fetched.
  let deliveryChain: Promise<void> = Promise.resolve();

  // The migrations create the table (emitters/sql/bus-table.ts); the server's role has no DDL privilege.
  const existing = await db.query<{ found: string | null }>("select to_regclass('hamlet_bus_messages')::text as found");
  if (existing[0]?.found == null)
    throw new DatabaseSetupError(
      "Hamlet: the table hamlet_bus_messages (PostgreSQL message bus of SSE and WebSocket delivery) is missing. " +
        "Run `hamletc build` and `hamletc migrate` (the migration hamlet_bus_table creates it) as the owner role.",
    );

  async function receive(text: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === processId || !subscribers.has(envelope.c)) return;
    if (envelope.r !== undefined) {
      const rows = await db.query<{ payload: string }>("select payload from hamlet_bus_messages where id = $1", [
        envelope.r,
      ]);
      const row = rows[0];
      if (row !== undefined) subscribers.deliver(envelope.c, JSON.parse(row.payload) as JsonValue);
    } else if (envelope.p !== undefined) {
      subscribers.deliver(envelope.c, envelope.p);
    }
  }

  function scheduleReconnect(error: Error | null): void {
    if (error !== null) options.onError?.(error);
    if (closed || reconnectTimer !== null) return;
    const delay = backoff;
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect().catch((e: unknown) => scheduleReconnect(e instanceof Error ? e : new Error(String(e))));
    }, delay);
    reconnectTimer.unref();
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.connectionString });
    let failed = false;
    const fail = (error: Error | null) => {
      if (failed) return;
      failed = true;
      if (client === next) client = null;
      next.removeAllListeners("notification");
      void next.end().catch(() => undefined);
      scheduleReconnect(error);
    };
    next.on("error", (error) => fail(error));
    next.on("end", () => fail(null));
    next.on("notification", (message) => {
      if (message.channel !== notifyChannel || message.payload === undefined) return;
      const text = message.payload;
      deliveryChain = deliveryChain.then(() => receive(text)).catch((e: unknown) => options.onError?.(e as Error));
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${notifyChannel}`);
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    backoff = 100;
  }

  await connect();

  async function prune(): Promise<void> {
    await db.execute("delete from hamlet_bus_messages where created_at < $1", [Date.now() - retentionMs]);
  }

  return {
    kind: "postgres",
    processId,
    async publish(channel, payload) {
      if (closed) return;
      subscribers.deliver(channel, payload);
      const inline = JSON.stringify({ c: channel, o: processId, p: payload } satisfies Envelope);
      if (Buffer.byteLength(inline, "utf8") <= inlineLimit) {
        await db.query("select pg_notify($1, $2)", [notifyChannel, inline]);
        return;
      }
      const id = newRowId();
      await db.execute("insert into hamlet_bus_messages (id, payload, created_at) values ($1, $2, $3)", [
        id,
        JSON.stringify(payload),
        Date.now(),
      ]);
      await db.query("select pg_notify($1, $2)", [
        notifyChannel,
        JSON.stringify({ c: channel, o: processId, r: id } satisfies Envelope),
      ]);
      await prune();
    },
    subscribe: (channel, handler) => subscribers.add(channel, handler),
    async close() {
      closed = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      subscribers.clear();
      const current = client;
      client = null;
      if (current !== null) {
        current.removeAllListeners("end");
        current.removeAllListeners("error");
        current.on("error", () => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}

/** Options for {@link createBus}. */
export interface CreateBusOptions {
  readonly db: Database;
  /** The database URL `db` was opened from; a `postgres://` URL selects the PostgreSQL bus. */
  readonly databaseUrl?: string;
  readonly onError?: (error: Error) => void;
}

/** The PostgreSQL bus when `db` is PostgreSQL and `databaseUrl` is its `postgres://` URL; otherwise the local bus. */
export async function createBus(options: CreateBusOptions): Promise<MessageBus> {
  const url = options.databaseUrl;
  if (options.db.dialect === "postgres" && url !== undefined && /^postgres(ql)?:\/\//i.test(url)) {
    return createPostgresBus({
      connectionString: url,
      db: options.db,
      ...(options.onError !== undefined ? { onError: options.onError } : {}),
    });
  }
  return createLocalBus();
}
