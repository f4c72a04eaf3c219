// The JavaScript side of the generated `Api.Sse` port module: owns one EventSource per opened
// stream, reconnects, resumes from the last event id, and passes each message's raw `data` text
// to the stream's port. It decodes nothing: the generated Elm decoders do.
//
//   import { connectSse } from "./sse.js";
//   const app = Elm.Main.init({ node });
//   connectSse(app);
//
// Reconnecting: EventSource retries a dropped connection by itself (after the server's `retry:`
// hint, sending `Last-Event-ID`). When it gives up (an HTTP error such as 401, 502 or 503, or a
// response that is not an event stream), this companion opens a new one after an exponential
// backoff with jitter (`minBackoffMs` doubling up to `maxBackoffMs`), passing the last id as
// `?last_event_id=`, so nothing published in between is lost.

/**
 * @typedef {{ subscribe(callback: (value: any) => void): void, unsubscribe?(callback: (value: any) => void): void }} ElmOutPort
 * @typedef {{ send(value: unknown): void }} ElmInPort
 * @typedef {{ ports?: Record<string, Partial<ElmOutPort & ElmInPort>> }} ElmApp
 * @typedef {{ op: "open" | "close", stream: string, url: string, port_: string }} SseCommand
 * @typedef {"connecting" | "open" | "reconnecting" | "closed"} ConnectionState
 */

/**
 * @typedef {object} SseOptions
 * @property {string} [baseUrl] Put before each stream's path (default "": the page's server).
 * @property {boolean} [withCredentials] Send cookies cross-origin (default false).
 * @property {number} [minBackoffMs] First delay after a hard failure (default 1000).
 * @property {number} [maxBackoffMs] Longest delay between attempts (default 30000).
 * @property {typeof EventSource} [EventSource] The EventSource class (default the global one).
 */

/**
 * Wires the `hamletSse*` ports of an Elm app to EventSources.
 * @param {ElmApp} app The value `Elm.Main.init` returned.
 * @param {SseOptions} [options]
 * @returns {{ close(): void }} Closes every stream and stops listening to the app.
 */
export function connectSse(app, options = {}) {
  const ports = app.ports ?? {};
  const baseUrl = options.baseUrl ?? "";
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30000;
  const Source = options.EventSource ?? globalThis.EventSource;
  /** @type {Map<string, { source: EventSource | null, timer: ReturnType<typeof setTimeout> | null, lastId: string, failures: number, command: SseCommand }>} */
  const streams = new Map();

  /** @param {string} stream @param {ConnectionState} state @param {number} [retryInMs] */
  function report(stream, state, retryInMs = 0) {
    ports.hamletSseConnection?.send?.({ stream, state, retryInMs });
  }

  /** @param {string} name */
  function start(name) {
    const entry = streams.get(name);
    if (entry === undefined) return;
    entry.timer = null;
    const url = new URL(baseUrl + entry.command.url, globalThis.location?.href ?? "http://localhost/");
    if (entry.lastId !== "") url.searchParams.set("last_event_id", entry.lastId);
    report(name, "connecting");
    const source = new Source(url.toString(), { withCredentials: options.withCredentials ?? false });
    entry.source = source;
    source.onopen = () => {
      entry.failures = 0;
      report(name, "open");
    };
    source.onmessage = (event) => {
      if (event.lastEventId !== "") entry.lastId = event.lastEventId;
      ports[entry.command.port_]?.send?.(event.data);
    };
    source.onerror = () => {
      if (source.readyState !== Source.CLOSED) {
        // EventSource reconnects by itself, sending Last-Event-ID.
        report(name, "reconnecting", 0);
        return;
      }
      source.close();
      entry.source = null;
      const ceiling = Math.min(maxBackoff, minBackoff * 2 ** entry.failures);
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      entry.failures++;
      report(name, "reconnecting", delay);
      entry.timer = setTimeout(() => start(name), delay);
    };
  }

  /** @param {string} name */
  function stop(name) {
    const entry = streams.get(name);
    if (entry === undefined) return;
    streams.delete(name);
    entry.source?.close();
    if (entry.timer !== null) clearTimeout(entry.timer);
    report(name, "closed");
  }

  /** @param {SseCommand} command */
  function onCommand(command) {
    if (command.op === "close") return stop(command.stream);
    if (streams.has(command.stream)) return undefined;
    streams.set(command.stream, { source: null, timer: null, lastId: "", failures: 0, command });
    return start(command.stream);
  }

  ports.hamletSseCommand?.subscribe?.(onCommand);
  return {
    close() {
      ports.hamletSseCommand?.unsubscribe?.(onCommand);
      for (const name of [...streams.keys()]) stop(name);
    },
  };
}
