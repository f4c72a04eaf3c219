/**
 * `runtime-elm/js/sse.js` in Node with the `eventsource` package's EventSource (the WHATWG
 * algorithm) against a real server, the Elm app replaced by its ports (the companion's whole
 * interface). It passes raw data strings to the stream's port and reports connection states;
 * when the server answers 503 (EventSource gives up), it backs off, reconnects with
 * `?last_event_id=` and receives what was published meanwhile, once.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHamletServer, openDatabase, startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { EventSource } from "eventsource";
import { afterAll, describe, expect, it } from "vitest";
import { serveSseStreams, type SseStreams } from "../examples/horatio/generated/typescript/sse.js";
// @ts-expect-error -- a plain JavaScript module with JSDoc types
import { connectSse } from "../runtime-elm/js/sse.js";
import { migrateHoratio } from "./support/horatio.js";

type Listener = (value: unknown) => void;

/** What an Elm app exposes to JavaScript: outgoing ports to subscribe to, incoming ones to send to. */
function elmPorts() {
  const commands: Listener[] = [];
  const received: Record<string, unknown[]> = { hamletSseLiveFeed: [], hamletSseConnection: [] };
  const app = {
    ports: {
      hamletSseCommand: { subscribe: (f: Listener) => commands.push(f), unsubscribe: () => commands.splice(0) },
      hamletSseLiveFeed: { send: (v: unknown) => received["hamletSseLiveFeed"]!.push(v) },
      hamletSseConnection: { send: (v: unknown) => received["hamletSseConnection"]!.push(v) },
    },
  };
  return { app, received, command: (value: unknown) => commands.forEach((f) => f(value)) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("runtime-elm/js/sse.js", () => {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-sse-companion-"));
  let db: Database;
  let app: HamletServer | null = null;
  afterAll(async () => {
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the app on `port`; `before` publishes before it listens (nobody can be connected yet). */
  async function serve(
    port: number,
    before: (streams: SseStreams) => Promise<unknown> = async () => undefined,
  ): Promise<{ streams: SseStreams; port: number }> {
    app = await createHamletServer({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["sse-secret-sse-secret-sse-secret-sse"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
    });
    const streams = serveSseStreams(app);
    await before(streams);
    return { streams, port: (await startServer(app, { port })).port };
  }

  it("passes raw data to the stream's port and, after a hard failure, backs off and resumes", async () => {
    db = openDatabase(join(dir, "app.db"));
    await migrateHoratio(db);
    const first = await serve(0);
    const { app: elm, received, command } = elmPorts();
    const companion = connectSse(elm, {
      baseUrl: `http://127.0.0.1:${first.port}`,
      EventSource,
      minBackoffMs: 300,
      maxBackoffMs: 600,
    }) as { close(): void };
    command({ op: "open", stream: "LiveFeed", url: "/hamlet/sse/LiveFeed", port_: "hamletSseLiveFeed" });
    const states = () => received["hamletSseConnection"]!.map((r) => (r as { state: string }).state);
    await until(() => states().includes("open"), "open");
    await first.streams.LiveFeed.toTenant("default", { tag: "Cleared" });
    await until(() => received["hamletSseLiveFeed"]!.length === 1, "the first message");
    expect(received["hamletSseLiveFeed"]).toEqual(['{"tag":"Cleared"}']); // the raw text, for Elm to decode

    // The server goes away; on its port something answers 503, so EventSource gives up.
    await app!.close();
    app = null;
    const unavailable: Server = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => unavailable.listen(first.port, "127.0.0.1", r));
    await until(
      () => received["hamletSseConnection"]!.some((r) => (r as { retryInMs: number }).retryInMs > 0),
      "a backoff",
    );
    await new Promise<void>((r) => unavailable.close(() => r()));
    // Back, on the same database: what was published while nobody could connect is replayed.
    const id = "123e4567-e89b-42d3-a456-426614174000";
    await serve(first.port, (streams) => streams.LiveFeed.toTenant("default", { tag: "Deleted", id: id as never }));
    await until(() => received["hamletSseLiveFeed"]!.length === 2, "the message published during the outage");
    expect(received["hamletSseLiveFeed"]![1]).toBe(`{"tag":"Deleted","id":"${id}"}`);
    expect(states()).toContain("reconnecting");
    companion.close();
    expect(states().at(-1)).toBe("closed");
  });
});
