/**
 * `@emits` on a `websocket` (issue 15, "connection events can emit events into the event
 * system"): the generated `websocket.ts` gives every handler a typed `emit` for the declared
 * event, run in one transaction of the event system per handler call. Over real sockets, with the
 * generated `events.ts` and `websocket.ts` (type-checked with strict tsc), on SQLite and
 * PostgreSQL with the event store and on SQLite in memory mode: connect, a message and disconnect
 * emit events stamped with the connection's session and its connection id as correlation id; a
 * handler that emits and then throws stores nothing.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  createHamletServer,
  eventSystemOf,
  startServer,
  type Database,
  type Dialect,
  type HamletServer,
} from "@hamlet/runtime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventStoreStatements } from "../emitters/sql/event-store.js";
import { testDialects, useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { cookiePair, send } from "../runtime-node/test/support/http.js";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import { emitTypescript, strictProjectOptions, tmpRoot, writeFiles } from "./support/ts-emit.js";

const SCHEMA = `package wsevents

/// What happened on the chat, for the event system.
event ChatActivity { kind: String, text: String? }

@auth(session)
@emits(ChatActivity)
websocket Chat: "/ws/chat" {
  Say { text: String @length(1, 200) }
  Said { text: String }
}
`;

interface Activity {
  readonly kind: string;
  readonly text?: string | null;
}
interface EmitContext {
  readonly connectionId: string;
  send(message: { tag: string; text: string }): void;
  emit(name: "ChatActivity", payload: Activity): Promise<unknown>;
}
interface Generated {
  serveChat(
    app: HamletServer,
    handlers: {
      onConnect(context: EmitContext): Promise<void>;
      onDisconnect(context: EmitContext, code: number): Promise<void>;
      onSay(message: { text: string }, context: EmitContext): Promise<void>;
      onSaid(message: { text: string }, context: EmitContext): void;
    },
  ): unknown;
  registerEvents(
    app: HamletServer,
    options: {
      handlers: { chatActivity(payload: Activity): Promise<void> };
      workflows: Record<string, never>;
      eventStore: boolean;
    },
  ): unknown;
}

const dir = join(tmpRoot, `websocket-events-${process.pid}`);
let generated: Generated;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "wsevents.hamlet");
  writeFileSync(entry, SCHEMA);
  const { schema, diagnostics } = compile({ entries: [entry], features: { database: true, eventStore: true } });
  expect(diagnostics).toEqual([]);
  expect(schema!.websockets[0]!.emits).toEqual(["ChatActivity"]);
  // Imports `@hamlet/runtime-node` by name, as in a user project (runtime-node/dist, built by the global setup).
  writeFiles(join(dir, "ts"), await emitTypescript(schema!));
  const websocket = (await import(join(dir, "ts", "websocket.ts"))) as Pick<Generated, "serveChat">;
  const events = (await import(join(dir, "ts", "events.ts"))) as Pick<Generated, "registerEvents">;
  generated = { ...websocket, ...events };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the generated websocket.ts with @emits type-checks under strict tsc", async () => {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: strictProjectOptions, include: [join(dir, "ts", "*.ts")] }),
  );
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const output = await promisify(execFile)(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
    cwd: dir,
  }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
  );
  expect(output.split("\n").filter((line) => line.trim() !== "")).toEqual([]);
}, 120_000);

const fresh = useFreshDatabases();
const modes: { dialect: Dialect; eventStore: boolean }[] = [
  ...testDialects.map((dialect) => ({ dialect, eventStore: true })),
  { dialect: "sqlite", eventStore: false },
];

describe.each(modes)("websocket events on $dialect (event store: $eventStore)", ({ dialect, eventStore }) => {
  it("connect, a message and disconnect emit in the connection's scope; a throwing handler stores nothing", async () => {
    const db: Database = await fresh.open(dialect);
    await db.transaction(async (tx) => {
      for (const statement of eventStoreStatements(dialect)) await tx.execute(statement);
    });
    const delivered: Activity[] = [];
    const app = await createHamletServer({
      config: {
        database: { url: "unused" },
        sessions: { secrets: ["ws-events-secret-ws-events-secret"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
      reportCrash: false,
    });
    app.post<{ Body: { user: string } }>("/login", async (request, reply) => {
      request.session = await app.hamlet.sessions.create(request, reply, { user: request.body.user });
      return { tag: "Ok" };
    });
    generated.registerEvents(app, {
      handlers: { chatActivity: async (payload) => void delivered.push(payload) },
      workflows: {},
      eventStore,
    });
    generated.serveChat(app, {
      onConnect: async (context) => {
        await context.emit("ChatActivity", { kind: "joined" });
        context.send({ tag: "Said", text: context.connectionId });
      },
      onDisconnect: async (context) => void (await context.emit("ChatActivity", { kind: "left" })),
      onSay: async (message, context) => {
        await context.emit("ChatActivity", { kind: "said", text: message.text });
        // Emitted, then failed: the transaction rolls back and the event is not stored or delivered.
        if (message.text === "boom") throw new Error("handler failed after emitting");
        context.send({ tag: "Said", text: message.text });
      },
      onSaid: () => undefined,
    });
    const { url } = await startServer(app, { port: 0 });
    try {
      const login = await send(url, "/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "ada" }),
      });
      const cookie = cookiePair(login.setCookies, "hamlet_session");
      const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws/chat`, { headers: { cookie } });
      const frames: string[] = [];
      const arrived = (count: number) =>
        new Promise<void>((resolve) => {
          const check = () => (frames.length >= count ? resolve() : setTimeout(check, 10));
          check();
        });
      socket.on("message", (data) => frames.push((JSON.parse(data.toString()) as { text: string }).text));
      await arrived(1);
      const connectionId = frames[0]!;
      socket.send(JSON.stringify({ tag: "Say", text: "boom" }));
      socket.send(JSON.stringify({ tag: "Say", text: "hello" }));
      await arrived(2);
      expect(frames[1]).toBe("hello");
      const closed = new Promise((resolve) => socket.on("close", resolve));
      socket.close();
      await closed;

      const system = eventSystemOf(app)!;
      await expect
        .poll(
          async () => {
            await system.drain({ timeoutMs: 5_000 });
            return delivered.map((a) => a.kind).sort();
          },
          { timeout: 15_000 },
        )
        .toEqual(["joined", "left", "said"]);
      expect(delivered.find((a) => a.kind === "said")?.text).toBe("hello");

      const rows = await db.query<{ name: string; payload: string; session_id: string | null; correlation_id: string }>(
        "SELECT name, payload, session_id, correlation_id FROM hamlet_events ORDER BY created_at",
      );
      if (!eventStore) {
        expect(rows).toEqual([]);
        return;
      }
      expect(rows.map((r) => (JSON.parse(r.payload) as Activity).kind).sort()).toEqual(["joined", "left", "said"]);
      expect(rows.every((r) => r.name === "ChatActivity")).toBe(true);
      expect(new Set(rows.map((r) => r.correlation_id))).toEqual(new Set([connectionId]));
      const sessions = new Set(rows.map((r) => r.session_id));
      expect(sessions.size).toBe(1);
      expect([...sessions][0]).toEqual(expect.any(String));
    } finally {
      await app.close();
      await db.close();
    }
  }, 60_000);
});
