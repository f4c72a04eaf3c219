/**
 * The JavaScript side of a generated `Api/WebSocket.elm`: owns one WebSocket for one `websocket`
 * declaration, queues sends while (re)connecting, reconnects with exponential backoff and jitter,
 * reports the connection state, and hands every frame to Elm. It parses a frame's JSON only to
 * route it by its `tag` to that variant's port; every field is decoded by the generated Elm
 * decoders. No dependencies; works in browsers (and in Node 22+, which has a global WebSocket).
 *
 *     import { connectWebSocket } from "./websocket.js";
 *     const app = Elm.Main.init({ node: document.getElementById("app") });
 *     connectWebSocket(app, { name: "Chat", url: "/ws/chat" });
 *
 * Ports (named as the generated module names them; the Elm compiler removes the ones a page
 * never uses, and this file skips those):
 *   hamletWs<Name>Send            Elm -> JS, the JSON text of a message
 *   hamletWs<Name>Message<Tag>    JS -> Elm, a frame whose tag is <Tag>
 *   hamletWs<Name>State           JS -> Elm, { state: "connecting" | "connected" | "disconnected", code, reason, retryInMs }
 *   hamletWs<Name>Problem         JS -> Elm, the server's { tag: "$error", … } refusals,
 *                                 { tag: "$unexpected", text } and { tag: "$dropped", count }
 *
 * Heartbeat: a browser cannot see the server's protocol pings, so a half-open connection (a
 * sleeping laptop, a dropped NAT entry) would look connected for ever. While connected, the
 * companion sends the text frame "$ping" every `pingIntervalMs`; runtime-node answers "$pong".
 * When no frame at all arrives within `pongTimeoutMs` of a ping, the socket is abandoned (state
 * `disconnected`, code 4001) and a new one is opened with the usual backoff.
 */

/**
 * @typedef {object} ConnectWebSocketOptions
 * @property {string} name The `websocket` declaration's name, as in the schema (`Chat`).
 * @property {string} url Its path (`/ws/chat`, resolved against the page: `ws:` for `http:`, `wss:` for
 *   `https:`) or an absolute `ws://`/`wss://` URL.
 * @property {number} [maxQueue] Sends kept while not connected (default 100); the oldest are dropped
 *   beyond it and reported to Elm as `SendsDropped`.
 * @property {number} [minDelayMs] First reconnect delay (default 500 ms); doubled after each failed attempt.
 * @property {number} [maxDelayMs] Longest reconnect delay (default 30 s). Each delay is jittered to 50-100 %.
 * @property {number} [pingIntervalMs] Interval of the "$ping" heartbeat while connected (default 20 s;
 *   0 turns the heartbeat off).
 * @property {number} [pongTimeoutMs] How long to wait for any frame after a ping before the connection
 *   counts as lost and is replaced (default 10 s).
 * @property {typeof WebSocket} [WebSocket] The WebSocket constructor (default: the global one).
 */

/**
 * @typedef {object} ElmPortOut
 * @property {(callback: (value: any) => void) => void} subscribe
 * @property {(callback: (value: any) => void) => void} unsubscribe
 */

/**
 * @typedef {object} ElmPortIn
 * @property {(value: unknown) => void} send
 */

/**
 * @typedef {object} WebSocketConnection
 * @property {() => "connecting" | "connected" | "disconnected"} state The current state.
 * @property {() => number} queued Sends waiting for a connection.
 * @property {() => void} reconnect Drops the current socket (if any) and connects again now.
 * @property {(code?: number, reason?: string) => void} close Closes for good and stops reconnecting.
 */

/**
 * Connects the ports of `websocket <name>` in `app` to a WebSocket at `url` and keeps it connected.
 *
 * @param {{ ports?: Record<string, ElmPortOut | ElmPortIn> }} app The value `Elm.Main.init` returned.
 * @param {ConnectWebSocketOptions} options
 * @returns {WebSocketConnection}
 */
export function connectWebSocket(app, options) {
  const { name } = options;
  const maxQueue = options.maxQueue ?? 100;
  const minDelayMs = options.minDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const pingIntervalMs = options.pingIntervalMs ?? 20_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const ports = app.ports ?? {};
  const prefix = `hamletWs${name}`;
  const own = new RegExp(`^${prefix}(Send|State|Problem|Message)`);
  if (!Object.keys(ports).some((port) => own.test(port))) {
    const known = Object.keys(ports).filter((port) => port.startsWith("hamletWs"));
    throw new Error(
      `connectWebSocket: the Elm app uses no port of websocket ${name} (${prefix}…). ` +
        `Use a send… or on… function of Api.WebSocket for it` +
        (known.length > 0 ? `; ports present: ${known.join(", ")}` : "") +
        ".",
    );
  }
  const url = socketUrl(options.url);
  const statePort = /** @type {ElmPortIn | undefined} */ (ports[`${prefix}State`]);
  const problemPort = /** @type {ElmPortIn | undefined} */ (ports[`${prefix}Problem`]);
  const sendPort = /** @type {ElmPortOut | undefined} */ (ports[`${prefix}Send`]);

  /** @type {string[]} */
  const queue = [];
  /** @type {WebSocket | null} */
  let socket = null;
  /** @type {"connecting" | "connected" | "disconnected"} */
  let state = "disconnected";
  let attempt = 0;
  let stopped = false;
  let dropped = 0;
  let immediate = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let pingTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pongDeadline;

  /** @param {WebSocket} current */
  function startHeartbeat(current) {
    if (pingIntervalMs <= 0) return;
    pingTimer = setInterval(() => {
      if (socket !== current || current.readyState !== Socket.OPEN) return;
      current.send('"$ping"');
      if (pongDeadline === undefined) pongDeadline = setTimeout(() => lost(current), pongTimeoutMs);
    }, pingIntervalMs);
  }

  function stopHeartbeat() {
    clearInterval(pingTimer);
    clearTimeout(pongDeadline);
    pingTimer = undefined;
    pongDeadline = undefined;
  }

  /**
   * No answer to the heartbeat: give the socket up without waiting for its close handshake (which
   * a half-open connection never completes) and connect again.
   *
   * @param {WebSocket} current
   */
  function lost(current) {
    pongDeadline = undefined;
    if (socket !== current) return;
    stopHeartbeat();
    socket = null;
    try {
      current.close(4001, "no answer to the heartbeat");
    } catch {
      // Closing a dead socket may throw in some environments; it is abandoned either way.
    }
    if (stopped) return;
    scheduleRetry(4001, "no answer to the heartbeat");
  }

  /** @param {Record<string, unknown>} value */
  function report(value) {
    state = /** @type {typeof state} */ (value.state);
    statePort?.send(value);
  }

  /** @param {string} text */
  function send(text) {
    if (socket !== null && socket.readyState === Socket.OPEN) {
      socket.send(text);
      return;
    }
    queue.push(text);
    if (queue.length > maxQueue) {
      queue.shift();
      // One report per burst of drops, not one per message.
      if (dropped++ === 0)
        queueMicrotask(() => {
          problemPort?.send({ tag: "$dropped", count: dropped });
          dropped = 0;
        });
    }
  }

  /** @param {MessageEvent} event */
  function receive(event) {
    // Any frame shows the connection is alive.
    clearTimeout(pongDeadline);
    pongDeadline = undefined;
    if (event.data === '"$pong"') return;
    if (typeof event.data !== "string") {
      problemPort?.send({ tag: "$unexpected", text: "(a binary frame)" });
      return;
    }
    /** @type {unknown} */
    let value;
    try {
      value = JSON.parse(event.data);
    } catch {
      problemPort?.send({ tag: "$unexpected", text: event.data });
      return;
    }
    const tag =
      typeof value === "string"
        ? value
        : typeof value === "object" && value !== null && "tag" in value && typeof value.tag === "string"
          ? value.tag
          : null;
    if (tag === null) problemPort?.send({ tag: "$unexpected", text: event.data });
    else if (tag === "$error") problemPort?.send(value);
    else {
      // A variant without a subscription has no port (the Elm compiler removed it): nobody listens.
      const port = /** @type {ElmPortIn | undefined} */ (ports[`${prefix}Message${tag}`]);
      port?.send(value);
    }
  }

  function open() {
    retryTimer = undefined;
    if (stopped) return;
    report({ state: "connecting" });
    const current = new Socket(url);
    socket = current;
    current.addEventListener("open", () => {
      if (socket !== current) return;
      attempt = 0;
      report({ state: "connected" });
      for (const text of queue.splice(0)) current.send(text);
      startHeartbeat(current);
    });
    current.addEventListener("message", (event) => {
      if (socket === current) receive(event);
    });
    // A failed connection fires "error" and then "close"; the close handler does the work. (Node's
    // `ws` throws an "error" nobody listens to, so the listener is needed there.)
    current.addEventListener("error", () => undefined);
    current.addEventListener("close", (event) => {
      if (socket !== current) return;
      socket = null;
      stopHeartbeat();
      if (stopped) {
        report({ state: "disconnected", code: event.code, reason: event.reason, retryInMs: null });
        return;
      }
      if (immediate) {
        immediate = false;
        report({ state: "disconnected", code: event.code, reason: event.reason, retryInMs: 0 });
        open();
        return;
      }
      scheduleRetry(event.code, event.reason);
    });
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  function scheduleRetry(code, reason) {
    attempt++;
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt - 1, 30));
    // Jitter spreads the reconnects of many pages after a server restart.
    const delay = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    report({ state: "disconnected", code, reason, retryInMs: delay });
    retryTimer = setTimeout(open, delay);
  }

  function retryNow() {
    if (stopped || socket !== null || retryTimer === undefined) return;
    clearTimeout(retryTimer);
    open();
  }

  sendPort?.subscribe(send);
  if (typeof globalThis.addEventListener === "function") globalThis.addEventListener("online", retryNow);
  open();

  return {
    state: () => state,
    queued: () => queue.length,
    reconnect() {
      if (stopped) return;
      if (socket === null) return retryNow();
      immediate = true;
      socket.close(4000, "reconnect");
    },
    close(code = 1000, reason = "") {
      if (stopped) return;
      stopped = true;
      clearTimeout(retryTimer);
      stopHeartbeat();
      sendPort?.unsubscribe(send);
      if (typeof globalThis.removeEventListener === "function") globalThis.removeEventListener("online", retryNow);
      if (socket !== null) socket.close(code, reason);
      else report({ state: "disconnected", code, reason, retryInMs: null });
    },
  };
}

/**
 * `ws(s)://host/path` for a path relative to the page, or the URL unchanged when absolute.
 *
 * @param {string} url
 * @returns {string}
 */
function socketUrl(url) {
  if (/^wss?:\/\//.test(url)) return url;
  const base = typeof location === "object" ? location.href : undefined;
  if (base === undefined) throw new Error(`connectWebSocket: ${url} is relative and there is no page location`);
  const resolved = new URL(url, base);
  resolved.protocol = resolved.protocol === "https:" ? "wss:" : "ws:";
  return resolved.href;
}
