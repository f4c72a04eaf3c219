/**
 * A chat server like generated code wires it: the Horatio `Chat` websocket with its generated
 * validator, plus a `/login` route. Rooms pick the routing the handler exercises:
 * `echo` → this connection, `all` → the tenant, `mine` → this session's connections,
 * `conn:<id>` → one connection, `flood:<n>` → n copies of the text to the tenant.
 * On connect, each connection is told its id in a `Typing { room: <id> }` message.
 */
import { decodeChat } from "../../../examples/horatio/generated/typescript/validators.js";
import type { Chat } from "../../../examples/horatio/generated/typescript/types.js";
import type { HamletConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import type { MessageBus } from "../../src/realtime/bus.js";
import { serveWebSocket, type WebSocketOptions } from "../../src/realtime/websocket.js";
import { createHamletServer, type HamletServer } from "../../src/server.js";

export function chatConfig(databaseUrl: string): HamletConfig {
  return {
    database: { url: databaseUrl },
    sessions: { secrets: ["test-secret-test-secret-test-secret"], ttlSeconds: 600 },
    tenants: { mode: "host", hosts: { "alpha.test": "alpha", "beta.test": "beta", "127.0.0.1": "alpha" } },
  };
}

export async function createChatServer(
  config: HamletConfig,
  database: Database | undefined,
  options: WebSocketOptions = {},
  bus?: MessageBus,
): Promise<HamletServer> {
  const app = await createHamletServer({
    config,
    ...(database !== undefined ? { database } : {}),
    ...(bus !== undefined ? { bus } : {}),
  });
  app.route<{ Body: { user: string } }>({
    method: "POST",
    url: "/login",
    handler: async (request, reply) => {
      request.session = await app.hamlet.sessions.create(request, reply, { user: request.body.user });
      return { tag: "Ok" };
    },
  });
  serveWebSocket<Chat>(
    app,
    { name: "Chat", path: "/ws/chat", requiresSession: true, decode: decodeChat, maxPayloadBytes: 16 * 1024 },
    {
      onConnect: (context) => context.send({ tag: "Typing", room: context.connectionId }),
      onMessage: async (message, context) => {
        if (message.tag !== "ChatMessage") return context.broadcast(message);
        const { room } = message;
        if (room === "echo") return context.send(message);
        if (room === "all") return context.broadcast(message);
        if (room === "mine") return context.sendToSessions([context.session?.id ?? ""], message);
        if (room.startsWith("conn:")) return context.sendToConnections([room.slice(5)], message);
        if (room.startsWith("flood:")) {
          // Yields between sends, as a real producer would, so readers get to read.
          for (let i = 0; i < Number(room.slice(6)); i++) {
            await context.broadcast(message);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        return undefined;
      },
    },
    options,
  );
  return app;
}
