// Child process of bench/websocket.mjs: node websocket-server.mjs <typed|raw> <validators.mjs>.
// Both servers do the same work per frame: parse JSON, check it is a Chat message, then echo it
// to the sender (room "echo") or send it to every connection (room "all"). The typed one goes
// through Hamlet (session/tenant upgrade, generated validator, limits, bus routing).
// Prints "listening <port>"; answers "memory" on stdin with heap/RSS figures.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { createHamletServer, serveWebSocket, startServer } from "../../runtime-node/dist/index.js";

const [mode, validatorsPath] = process.argv.slice(2);
const { decodeChat } = await import(validatorsPath);
let port;
let connections;

if (mode === "typed") {
  const app = await createHamletServer({
    config: {
      database: { url: ":memory:" },
      sessions: { secrets: ["bench-secret-bench-secret-bench-secret"] },
      tenants: { mode: "single" },
    },
    // The runtime tables (sessions, KV) come from the emitted migrations.
    migrations: new URL("../../examples/horatio/generated/sql", import.meta.url).pathname,
  });
  const route = serveWebSocket(
    app,
    { name: "Chat", path: "/ws/chat", requiresSession: false, decode: decodeChat, maxPayloadBytes: 64 * 1024 },
    {
      onMessage: (message, context) => {
        if (message.tag === "ChatMessage" && message.room === "all") return context.broadcast(message);
        context.send(message);
        return undefined;
      },
    },
    { messagesPerSecond: 1e9, burst: 1e9 },
  );
  connections = route.localConnections;
  port = (await startServer(app, { port: 0 })).port;
} else {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/ws/chat", perMessageDeflate: false });
  wss.on("connection", (socket) => {
    socket.on("message", (data) => {
      let message;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof message !== "object" || message === null || typeof message.tag !== "string") return;
      const text = JSON.stringify(message);
      if (message.room === "all") for (const client of wss.clients) client.send(text);
      else socket.send(text);
    });
  });
  connections = () => wss.clients.size;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = server.address().port;
}
process.stdout.write(`listening ${port}\n`);
process.stdin.setEncoding("utf8");
process.stdin.on("data", (line) => {
  if (line.trim() !== "memory") return;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`memory ${JSON.stringify({ rss, heapUsed, connections: connections() })}\n`);
});
