/**
 * The server side of a `websocket` declaration: upgrade (tenant, session, Origin), frame
 * validation with the generated decoder, limits, heartbeat, and typed routing to one connection,
 * a session's connections, a chosen set or the whole tenant, locally and through the bus.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { JsonValue } from "../json.js";
import type { DecodeResult, ValidationIssue } from "../http/routes.js";
import type { HamletServer } from "../server.js";
import type { Session } from "../session/session-manager.js";
import { resolveTenant } from "../tenant.js";
import type { MessageBus } from "./bus.js";

/** A message of a websocket's enum: a tagged JSON object. */
export interface TaggedMessage {
  readonly tag: string;
}

/** What the generated code declares about one `websocket`. */
export interface WebSocketSpec<M extends TaggedMessage> {
  /** The declaration's name (`Chat`); also names its bus channel. */
  readonly name: string;
  readonly path: string;
  /** `@auth(session)`: the upgrade is refused with 401 without a valid session. */
  readonly requiresSession: boolean;
  /** The generated validator of the message enum. */
  readonly decode: (value: unknown) => DecodeResult<M>;
  /** Largest accepted frame in bytes, derived from the schema by the generator. */
  readonly maxPayloadBytes: number;
}

/** Tunables of {@link serveWebSocket}; every one has a safe default. */
export interface WebSocketOptions {
  /** Origins allowed besides the server's own (`https://app.example`); `"*"` allows any. */
  readonly allowedOrigins?: readonly string[] | "*";
  /** Unsent bytes allowed per connection before it is closed as a slow consumer (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Ping interval; a peer that has not answered the previous ping is dropped (default 30 s). */
  readonly heartbeatMs?: number;
  /** Sustained incoming messages per second per connection (default 20). */
  readonly messagesPerSecond?: number;
  /** Messages a connection may send in a burst above the rate (default 40). */
  readonly burst?: number;
  /** Refused frames (invalid, binary, over the rate) before the connection is closed (default 5). */
  readonly maxStrikes?: number;
  /** Enable permessage-deflate (default off: it costs memory per connection and CPU). */
  readonly perMessageDeflate?: boolean;
}

/** Where to deliver: resolved in every process holding connections of the tenant. */
export type Audience =
  | { readonly kind: "connections"; readonly ids: readonly string[] }
  | { readonly kind: "sessions"; readonly ids: readonly string[] }
  | { readonly kind: "tenant" };

/** What a handler may do with the connection it is called for and with the tenant's others. */
export interface ConnectionContext<M extends TaggedMessage> {
  readonly connectionId: string;
  readonly tenant: string;
  readonly session: Session | null;
  readonly app: HamletServer;
  /** Sends to this connection. */
  send(message: M): void;
  /** Sends to connections by id (in any process), within this tenant. */
  sendToConnections(ids: readonly string[], message: M): Promise<void>;
  /** Sends to every connection of these sessions (in any process), within this tenant. */
  sendToSessions(sessionIds: readonly string[], message: M): Promise<void>;
  /** Sends to every connection of this websocket in this tenant (in any process). */
  broadcast(message: M): Promise<void>;
  /** Closes this connection (1000 unless given). */
  close(code?: number, reason?: string): void;
}

/** The handlers generated code adapts its typed interface to. */
export interface WebSocketHandlers<M extends TaggedMessage> {
  onConnect?(context: ConnectionContext<M>): void | Promise<void>;
  onDisconnect?(context: ConnectionContext<M>, code: number): void | Promise<void>;
  onMessage(message: M, context: ConnectionContext<M>): void | Promise<void>;
}

/** The refusal sent for a frame that never reaches the handler. */
export type FrameRefusal =
  | { readonly tag: "$error"; readonly error: "InvalidJson" }
  | { readonly tag: "$error"; readonly error: "BinaryFrame" }
  | { readonly tag: "$error"; readonly error: "RateLimited" }
  | { readonly tag: "$error"; readonly error: "InvalidMessage"; readonly issues: readonly ValidationIssue[] };

/** Close codes used by the runtime. */
export const CLOSE = {
  invalidData: 1007,
  policy: 1008,
  tooBig: 1009,
  goingAway: 1001,
  /** A slow consumer whose send buffer exceeded `maxBufferedBytes`. */
  slowConsumer: 4008,
} as const;

/** Handle returned by {@link serveWebSocket}. */
export interface WebSocketRoute<M extends TaggedMessage> {
  /** Connections of this websocket held by this process. */
  readonly localConnections: () => number;
  /** Sends from outside a handler (a route, a worker) to an audience of `tenant`. */
  sendTo(tenant: string, audience: Audience, message: M): Promise<void>;
}

interface Connection<M extends TaggedMessage> {
  readonly id: string;
  readonly tenant: string;
  readonly sessionId: string | null;
  readonly socket: WebSocket;
  readonly context: ConnectionContext<M>;
  alive: boolean;
  tokens: number;
  refilledAt: number;
  strikes: number;
}

interface BusEnvelope {
  readonly audience: Audience;
  readonly message: JsonValue;
}

type UpgradeRoute = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
const upgradeRoutes = new WeakMap<HamletServer, Map<string, UpgradeRoute>>();

/** Registers the route of one `websocket` declaration on `app` (call before `listen`). */
export function serveWebSocket<M extends TaggedMessage>(
  app: HamletServer,
  spec: WebSocketSpec<M>,
  handlers: WebSocketHandlers<M>,
  options: WebSocketOptions = {},
): WebSocketRoute<M> {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const rate = options.messagesPerSecond ?? 20;
  const burst = options.burst ?? 40;
  const maxStrikes = options.maxStrikes ?? 5;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: spec.maxPayloadBytes,
    perMessageDeflate: options.perMessageDeflate ?? false,
    clientTracking: false,
  });
  const connections = new Map<string, Connection<M>>();
  const byTenant = new Map<string, Set<Connection<M>>>();
  const busSubscriptions = new Map<string, () => void>();
  let resolvedBus: MessageBus | null = null;
  const bus = async () => (resolvedBus ??= await app.hamlet.bus());

  const channelOf = (tenant: string) => `ws:${spec.name}:${tenant}`;

  function deliverLocal(tenant: string, audience: Audience, text: string): void {
    const set = byTenant.get(tenant);
    if (set === undefined) return;
    if (audience.kind === "connections") {
      for (const id of audience.ids) {
        const connection = connections.get(id);
        if (connection !== undefined && connection.tenant === tenant) sendText(connection, text);
      }
      return;
    }
    const sessions = audience.kind === "sessions" ? new Set(audience.ids) : null;
    for (const connection of set) {
      if (sessions === null || (connection.sessionId !== null && sessions.has(connection.sessionId)))
        sendText(connection, text);
    }
  }

  function sendText(connection: Connection<M>, text: string): void {
    const { socket } = connection;
    if (socket.readyState !== WebSocket.OPEN) return;
    // A peer that does not read must not make this process buffer without bound.
    if (socket.bufferedAmount + Buffer.byteLength(text) > maxBuffered) {
      socket.terminate();
      return;
    }
    socket.send(text);
  }

  async function sendTo(tenant: string, audience: Audience, message: M): Promise<void> {
    const envelope: BusEnvelope = { audience, message: message as unknown as JsonValue };
    // The bus delivers to this process's subscriber too, so local sockets are served once.
    const b = await bus();
    if (byTenant.has(tenant) || b.kind === "postgres")
      await b.publish(channelOf(tenant), envelope as unknown as JsonValue);
  }

  function track(connection: Connection<M>): void {
    connections.set(connection.id, connection);
    let set = byTenant.get(connection.tenant);
    if (set === undefined) {
      byTenant.set(connection.tenant, (set = new Set()));
      const tenant = connection.tenant;
      // The upgrade awaited the bus, so the subscription is in place before the first message.
      busSubscriptions.set(
        tenant,
        resolvedBus!.subscribe(channelOf(tenant), (payload) => {
          const envelope = payload as unknown as BusEnvelope;
          deliverLocal(tenant, envelope.audience, JSON.stringify(envelope.message));
        }),
      );
    }
    set.add(connection);
  }

  function untrack(connection: Connection<M>): void {
    connections.delete(connection.id);
    const set = byTenant.get(connection.tenant);
    if (set === undefined) return;
    set.delete(connection);
    if (set.size === 0) {
      byTenant.delete(connection.tenant);
      busSubscriptions.get(connection.tenant)?.();
      busSubscriptions.delete(connection.tenant);
    }
  }

  function refuse(connection: Connection<M>, refusal: FrameRefusal, closeCode: number): void {
    connection.strikes++;
    sendText(connection, JSON.stringify(refusal));
    if (connection.strikes >= maxStrikes) connection.socket.close(closeCode, "too many refused frames");
  }

  function withinRate(connection: Connection<M>): boolean {
    const now = Date.now();
    connection.tokens = Math.min(burst, connection.tokens + ((now - connection.refilledAt) / 1000) * rate);
    connection.refilledAt = now;
    if (connection.tokens < 1) return false;
    connection.tokens -= 1;
    return true;
  }

  function crashed(where: string, error: unknown): void {
    app.log.error({ err: error }, where);
    process.stderr.write(
      `hamlet: websocket ${spec.name} ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }

  async function run(where: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      crashed(where, error);
    }
  }

  function onFrame(connection: Connection<M>, data: RawData, isBinary: boolean): void {
    if (!withinRate(connection)) {
      refuse(connection, { tag: "$error", error: "RateLimited" }, CLOSE.policy);
      return;
    }
    if (isBinary) {
      refuse(connection, { tag: "$error", error: "BinaryFrame" }, CLOSE.invalidData);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      refuse(connection, { tag: "$error", error: "InvalidJson" }, CLOSE.invalidData);
      return;
    }
    // The browser companion's heartbeat (browsers cannot see protocol pings): answer, route nothing.
    if (value === "$ping") {
      connection.alive = true;
      sendText(connection, '"$pong"');
      return;
    }
    const decoded = spec.decode(value);
    if (!decoded.ok) {
      refuse(connection, { tag: "$error", error: "InvalidMessage", issues: decoded.errors }, CLOSE.invalidData);
      return;
    }
    // Synchronous handlers (the common case) cost no promise per frame.
    try {
      const result = handlers.onMessage(decoded.value, connection.context);
      if (result instanceof Promise) result.catch((error: unknown) => crashed(`handler ${decoded.value.tag}`, error));
    } catch (error) {
      crashed(`handler ${decoded.value.tag}`, error);
    }
  }

  function accept(socket: WebSocket, tenant: string, session: Session | null): void {
    const id = randomBytes(12).toString("base64url");
    const context: ConnectionContext<M> = {
      connectionId: id,
      tenant,
      session,
      app,
      send: (message) => {
        const connection = connections.get(id);
        if (connection !== undefined) sendText(connection, JSON.stringify(message));
      },
      sendToConnections: (ids, message) => sendTo(tenant, { kind: "connections", ids }, message),
      sendToSessions: (ids, message) => sendTo(tenant, { kind: "sessions", ids }, message),
      broadcast: (message) => sendTo(tenant, { kind: "tenant" }, message),
      close: (code = 1000, reason) => socket.close(code, reason),
    };
    const connection: Connection<M> = {
      id,
      tenant,
      sessionId: session?.id ?? null,
      socket,
      context,
      alive: true,
      tokens: burst,
      refilledAt: Date.now(),
      strikes: 0,
    };
    track(connection);
    socket.on("pong", () => (connection.alive = true));
    socket.on("message", (data, isBinary) => onFrame(connection, data, isBinary));
    socket.on("error", () => socket.terminate());
    socket.on("close", (code) => {
      untrack(connection);
      if (handlers.onDisconnect !== undefined) void run("onDisconnect", () => handlers.onDisconnect?.(context, code));
    });
    if (handlers.onConnect !== undefined) void run("onConnect", () => handlers.onConnect?.(context));
  }

  const heartbeat = setInterval(() => {
    for (const connection of connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  const upgrade: UpgradeRoute = (request, socket, head) => {
    void (async () => {
      const tenant = resolveTenant(request, app.hamlet.config.tenants);
      if (tenant === null) return reject(socket, 404, "UnknownTenant");
      if (!originAllowed(request, options.allowedOrigins)) return reject(socket, 403, "ForbiddenOrigin");
      const sessionRequest = {
        headers: request.headers,
        protocol: isTls(request) ? "https" : "http",
        tenant,
      };
      const session = await app.hamlet.sessions.load(sessionRequest, { header: () => undefined });
      if (spec.requiresSession && session === null) return reject(socket, 401, "Unauthorized");
      await bus();
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, tenant, session));
      return undefined;
    })().catch((error: unknown) => {
      crashed("upgrade", error);
      reject(socket, 500, "InternalError");
    });
  };

  routesOf(app).set(spec.path, upgrade);
  app.addHook("preClose", async () => {
    clearInterval(heartbeat);
    for (const connection of connections.values()) connection.socket.close(CLOSE.goingAway, "server closing");
    for (const unsubscribe of busSubscriptions.values()) unsubscribe();
    busSubscriptions.clear();
  });

  return { localConnections: () => connections.size, sendTo };
}

function routesOf(app: HamletServer): Map<string, UpgradeRoute> {
  let routes = upgradeRoutes.get(app);
  if (routes === undefined) {
    const created = new Map<string, UpgradeRoute>();
    upgradeRoutes.set(app, (routes = created));
    app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      const route = created.get(path);
      if (route === undefined) reject(socket, 404, "NotFound");
      else route(request, socket, head);
    });
  }
  return routes;
}

function isTls(request: IncomingMessage): boolean {
  return "encrypted" in request.socket && request.socket.encrypted === true;
}

/** Browsers always send Origin on a WebSocket upgrade; it must be this server unless allowed. */
function originAllowed(request: IncomingMessage, allowed: WebSocketOptions["allowedOrigins"]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: no ambient-credential (CSRF) risk
  if (allowed === "*") return true;
  if (allowed?.includes(origin) === true) return true;
  const host = request.headers.host;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const REASONS: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};

/** Answers an upgrade request with a plain HTTP error and a typed JSON body. */
function reject(socket: Duplex, status: number, tag: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ tag });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
