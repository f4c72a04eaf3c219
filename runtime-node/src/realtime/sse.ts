/**
 * The server side of `sse` declarations: one `GET` route per stream (tenant as for HTTP, session
 * auth as declared), typed publishing to a session, chosen sessions or a whole tenant, ids and
 * replay from the log (`sse-log.ts`), delivery to every process through the bus, heartbeats and a
 * bound on each client's unsent bytes.
 *
 * All streams of one app share a hub: one log, one bus channel per tenant (`sse:<tenant>`) and one
 * id sequence per tenant, so a client's `Last-Event-ID` is meaningful on every stream. With the
 * table log each process delivers a tenant's messages strictly in id order: a message whose id
 * skips ahead (published concurrently elsewhere, or a notification lost while the listener
 * reconnected) first fetches the missing ones from the table.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import type { DecodeResult } from "../http/routes.js";
import type { JsonValue } from "../json.js";
import type { HamletServer } from "../server.js";
import type { MessageBus } from "./bus.js";
import { createMemoryLog, createTableLog, hasReplayTables, type LoggedMessage, type SseLog } from "./sse-log.js";

/** What the generated code declares about one `sse` stream. */
export interface SseSpec<T> {
  /** The declaration's name (`LiveFeed`); kept with each message. */
  readonly name: string;
  /** The route, `/hamlet/sse/<Name>` for declarations. */
  readonly path: string;
  /** `@auth(session)`: 401 without a valid session. */
  readonly requiresSession: boolean;
  /** The generated encoder: the typed value to its wire JSON. */
  readonly encode: (value: T) => unknown;
  /** The generated validator, run on the encoded value before anything is sent. */
  readonly decode?: (value: unknown) => DecodeResult<T>;
}

/** Tunables of the SSE hub of an app; the first {@link serveSse} call on an app sets them. */
export interface SseOptions {
  /** Interval of the `: ping` comments that keep proxies from closing idle streams (default 15 s). */
  readonly heartbeatMs?: number;
  /** Unsent bytes allowed per client before it is dropped as a slow consumer (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** How long messages are kept for `Last-Event-ID` replay (default 5 minutes). */
  readonly replayWindowMs?: number;
  /**
   * `"table"`: the event store's replay tables (durable, gapless ids, several processes);
   * `"memory"`: this process only, best effort; `"auto"` (default): the tables when they exist.
   */
  readonly replay?: "auto" | "table" | "memory";
  /** Reconnect delay the `retry:` field suggests to `EventSource` (default 1 s). */
  readonly retryMs?: number;
}

/** Publishing to one stream from handlers, event handlers, workers. */
export interface SseStream<T> {
  readonly name: string;
  readonly path: string;
  /** Sends to every connection of one session (in any process); resolves with the message id. */
  toSession(tenant: string, sessionId: string, message: T): Promise<number>;
  /** Sends to every connection of the sessions a handler picked. */
  toSessions(tenant: string, sessionIds: readonly string[], message: T): Promise<number>;
  /** Sends to every connection of the tenant. */
  toTenant(tenant: string, message: T): Promise<number>;
  /** Connections of this stream held by this process. */
  localConnections(): number;
}

interface Connection {
  readonly stream: string;
  readonly sessionId: string | null;
  readonly response: ServerResponse;
  /** Highest id written; later deliveries at or below it are duplicates. */
  lastSent: number;
  /** Live messages held while the replay is being written; `null` once live. */
  pending: LoggedMessage[] | null;
  closed: boolean;
}

interface Group {
  readonly tenant: string;
  readonly connections: Set<Connection>;
  /** Highest id delivered in this process (table log). */
  last: number;
  /** Deliveries run one after another, in id order. */
  chain: Promise<void>;
  ready: Promise<void>;
  refs: number;
  unsubscribe: () => void;
}

/** What travels on the bus: id, stream, sessions (null: tenant), data. */
interface Envelope {
  readonly i: number;
  readonly s: string;
  readonly a: readonly string[] | null;
  readonly d: string;
}

interface Hub {
  readonly log: () => Promise<SseLog>;
  readonly options: Required<Omit<SseOptions, "replay" | "replayWindowMs">>;
  publish(tenant: string, stream: string, sessions: readonly string[] | null, data: string): Promise<number>;
  open(request: FastifyRequest, reply: FastifyReply, stream: string): Promise<void>;
  count(stream: string): number;
}

const hubs = new WeakMap<HamletServer, Hub>();

const ID_PATTERN = /^\d{1,16}$/;

/** The resume point a client asked for, or `null` (absent or malformed: stream from now). */
export function resumeId(request: FastifyRequest): number | null {
  const header = request.headers["last-event-id"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const query = (request.query as Record<string, unknown> | undefined)?.["last_event_id"];
  const text = fromHeader ?? (typeof query === "string" ? query : undefined);
  if (text === undefined || !ID_PATTERN.test(text.trim())) return null;
  const id = Number(text.trim());
  return Number.isSafeInteger(id) ? id : null;
}

function frame(message: LoggedMessage): string {
  // JSON.stringify never emits a raw line break, so the data fits one `data:` line.
  return `id: ${message.id}\ndata: ${message.data}\n\n`;
}

function addressed(connection: Connection, message: { stream: string; sessions: readonly string[] | null }): boolean {
  if (connection.stream !== message.stream) return false;
  if (message.sessions === null) return true;
  return connection.sessionId !== null && message.sessions.includes(connection.sessionId);
}

function createHub(app: HamletServer, options: SseOptions): Hub {
  const settings = {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    retryMs: options.retryMs ?? 1000,
  };
  const logOptions = options.replayWindowMs === undefined ? {} : { replayWindowMs: options.replayWindowMs };
  let log: Promise<SseLog> | null = null;
  const resolveLog = (): Promise<SseLog> =>
    (log ??= (async () => {
      const mode = options.replay ?? "auto";
      if (mode === "memory") return createMemoryLog(logOptions);
      if (mode === "table" || (await hasReplayTables(app.hamlet.db))) return createTableLog(app.hamlet.db, logOptions);
      return createMemoryLog(logOptions);
    })());
  const groups = new Map<string, Group>();
  const all = new Set<Connection>();
  let bus: MessageBus | null = null;
  const resolveBus = async () => (bus ??= await app.hamlet.bus());
  const channelOf = (tenant: string) => `sse:${tenant}`;

  function drop(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    connection.response.destroy();
  }

  function write(connection: Connection, text: string, bytes = Buffer.byteLength(text)): void {
    if (connection.closed) return;
    const { response } = connection;
    // A client that does not read must not make this process buffer without bound.
    if (response.writableLength + bytes > settings.maxBufferedBytes) {
      drop(connection);
      return;
    }
    response.write(text);
  }

  /** Writes unless the connection already has it (`ordered`: live ids only grow, so at or below the last is a duplicate). */
  function send(
    connection: Connection,
    message: LoggedMessage,
    ordered: boolean,
    text = frame(message),
    bytes?: number,
  ) {
    if (ordered && message.id <= connection.lastSent) return;
    connection.lastSent = Math.max(connection.lastSent, message.id);
    write(connection, text, bytes);
  }

  /**
   * Hands a live message to the group's connections. `ordered` (the table log) means ids arrive in
   * order; the memory log's ids of different processes interleave, so live ones are all written.
   */
  function deliver(group: Group, message: LoggedMessage, ordered: boolean): void {
    // One frame per message, however many connections receive it.
    const text = frame(message);
    const bytes = Buffer.byteLength(text);
    for (const connection of group.connections) {
      if (!addressed(connection, message)) continue;
      if (connection.pending !== null) connection.pending.push(message);
      else send(connection, message, ordered, text, bytes);
    }
  }

  async function receive(group: Group, message: LoggedMessage): Promise<void> {
    const current = await resolveLog();
    if (!current.durable) return deliver(group, message, false);
    if (message.id <= group.last) return;
    if (message.id > group.last + 1) {
      for (const missed of await current.range(group.tenant, group.last, message.id - 1)) deliver(group, missed, true);
    }
    deliver(group, message, true);
    group.last = message.id;
  }

  function acquire(tenant: string): Group {
    let group = groups.get(tenant);
    if (group !== undefined) {
      group.refs++;
      return group;
    }
    const created: Group = {
      tenant,
      connections: new Set(),
      last: 0,
      chain: Promise.resolve(),
      ready: Promise.resolve(),
      refs: 1,
      unsubscribe: () => undefined,
    };
    created.ready = (async () => {
      const b = await resolveBus();
      const current = await resolveLog();
      // Subscribed before the last id is read: nothing published in between is missed.
      created.unsubscribe = b.subscribe(channelOf(tenant), (payload) => {
        const envelope = payload as unknown as Envelope;
        const message: LoggedMessage = { id: envelope.i, stream: envelope.s, sessions: envelope.a, data: envelope.d };
        created.chain = created.chain
          .then(() => receive(created, message))
          .catch((error: unknown) => app.log.warn({ err: error }, "sse: delivering a message failed"));
      });
      if (current.durable) created.last = await current.lastId(tenant);
    })();
    created.chain = created.ready.catch(() => undefined);
    groups.set(tenant, (group = created));
    return group;
  }

  function release(group: Group): void {
    group.refs--;
    if (group.refs > 0) return;
    group.unsubscribe();
    if (groups.get(group.tenant) === group) groups.delete(group.tenant);
  }

  async function open(request: FastifyRequest, reply: FastifyReply, stream: string): Promise<void> {
    const tenant = request.tenant!;
    const resume = resumeId(request);
    reply.hijack();
    const response = reply.raw;
    // Streams are long-lived: the server's idle timeout must not cut them (heartbeats keep proxies awake).
    request.raw.socket.setTimeout(0);
    const connection: Connection = {
      stream,
      sessionId: request.session?.id ?? null,
      response,
      lastSent: 0,
      pending: [],
      closed: false,
    };
    const group = acquire(tenant);
    response.on("close", () => {
      connection.closed = true;
      all.delete(connection);
      group.connections.delete(connection);
      release(group);
    });
    try {
      await group.ready;
      const current = await resolveLog();
      if (connection.closed) return; // the client left while the group was being set up
      group.connections.add(connection);
      // Headers only once the connection is registered: a client that sees them misses nothing after.
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      response.write(`retry: ${settings.retryMs}\n\n`);
      if (!connection.closed) all.add(connection);
      const replayed = new Set<number>();
      if (resume !== null && resume <= (await current.lastId(tenant))) {
        connection.lastSent = resume;
        for (const message of await current.range(tenant, resume)) {
          if (!addressed(connection, message)) continue;
          send(connection, message, true);
          replayed.add(message.id);
        }
      }
      // Live messages held meanwhile may repeat replayed ones: in id order (table log) those at or
      // below the last sent; otherwise exactly the replayed ids.
      const held = connection.pending ?? [];
      connection.pending = null;
      for (const message of held) {
        if (current.durable ? message.id > connection.lastSent : !replayed.has(message.id))
          send(connection, message, false);
      }
    } catch (error) {
      app.hamlet.crashed(request, error, `sse ${stream}`);
      drop(connection);
    }
  }

  async function publish(
    tenant: string,
    stream: string,
    sessions: readonly string[] | null,
    data: string,
  ): Promise<number> {
    const logged = await (await resolveLog()).append(tenant, { stream, sessions, data });
    const b = await resolveBus();
    // Locally without subscribers there is nobody to tell; other processes may hold some.
    if (b.kind === "postgres" || groups.has(tenant)) {
      const envelope: Envelope = { i: logged.id, s: stream, a: sessions, d: data };
      await b.publish(channelOf(tenant), envelope as unknown as JsonValue);
    }
    return logged.id;
  }

  const heartbeat = setInterval(() => {
    for (const connection of all) write(connection, ": ping\n\n");
  }, settings.heartbeatMs);
  heartbeat.unref();
  app.addHook("preClose", async () => {
    clearInterval(heartbeat);
    for (const connection of all) connection.response.end();
    for (const group of groups.values()) group.unsubscribe();
    groups.clear();
  });

  return {
    log: resolveLog,
    options: settings,
    publish,
    open,
    count: (stream) => [...all].filter((c) => c.stream === stream).length,
  };
}

function hubOf(app: HamletServer, options: SseOptions): Hub {
  let hub = hubs.get(app);
  if (hub === undefined) hubs.set(app, (hub = createHub(app, options)));
  return hub;
}

/** Registers the route of one stream on `app` (call before `listen`) and returns its publisher. */
export function serveSse<T>(app: HamletServer, spec: SseSpec<T>, options: SseOptions = {}): SseStream<T> {
  const hub = hubOf(app, options);
  app.route({
    method: "GET",
    url: spec.path,
    handler: async (request, reply) => {
      if (spec.requiresSession && request.session === null) return reply.code(401).send({ tag: "Unauthorized" });
      await hub.open(request, reply, spec.name);
      return reply;
    },
  });

  function encode(message: T): string {
    const wire = spec.encode(message);
    if (spec.decode !== undefined) {
      const checked = spec.decode(wire);
      if (!checked.ok)
        throw new Error(`sse ${spec.name}: the message does not match its type: ${JSON.stringify(checked.errors)}`);
    }
    return JSON.stringify(wire);
  }

  return {
    name: spec.name,
    path: spec.path,
    toSession: async (tenant, sessionId, message) => hub.publish(tenant, spec.name, [sessionId], encode(message)),
    toSessions: async (tenant, sessionIds, message) => hub.publish(tenant, spec.name, [...sessionIds], encode(message)),
    toTenant: async (tenant, message) => hub.publish(tenant, spec.name, null, encode(message)),
    localConnections: () => hub.count(spec.name),
  };
}
