// Child process of bench/sse.mjs: node sse-server.mjs <table|memory> <validators.mjs>.
// Serves Horatio's `sse LiveFeed` (generated encoder and validator) through runtime-node's
// serveSse on SQLite in memory, migrated with Horatio's emitted migrations (sessions, event
// store, SSE replay tables). Prints "listening <port>"; on stdin answers "memory" with heap/RSS
// figures and "publish <count> [intervalMs]" by publishing that many `Liked` updates to the tenant, one
// after another (or one per interval), each carrying its send time (ms since the epoch) in `likes`, then "published".
import { createInterface } from "node:readline";
import { createHamletServer, serveSse, startServer } from "../../runtime-node/dist/index.js";

const [replay, validatorsPath] = process.argv.slice(2);
const { decodeFeedUpdate, encodeFeedUpdate } = await import(validatorsPath);
const app = await createHamletServer({
  config: {
    database: { url: ":memory:" },
    sessions: { secrets: ["bench-secret-bench-secret-bench-secret"] },
    tenants: { mode: "single" },
  },
  migrations: new URL("../../examples/horatio/generated/sql", import.meta.url).pathname,
});
const feed = serveSse(
  app,
  {
    name: "LiveFeed",
    path: "/hamlet/sse/LiveFeed",
    requiresSession: false,
    encode: encodeFeedUpdate,
    decode: decodeFeedUpdate,
  },
  { replay, maxBufferedBytes: 4 * 1024 * 1024 },
);
const started = await startServer(app, { port: 0 });
process.stdout.write(`listening ${started.port}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(" ");
  if (command === "memory") {
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.stdout.write(`memory ${JSON.stringify({ heapUsed, rss, streams: feed.localConnections() })}\n`);
  } else if (command === "publish") {
    const interval = Number(line.split(" ")[2] ?? 0);
    for (let i = 0; i < Number(arg); i++) {
      if (interval > 0) await new Promise((resolve) => setTimeout(resolve, interval));
      await feed.toTenant("default", {
        tag: "Liked",
        id: "00000000-0000-4000-8000-000000000001",
        likes: Date.now(),
      });
      // Lets the sockets drain between messages, as a producer serving requests would.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write("published\n");
  }
}
