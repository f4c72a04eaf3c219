#!/usr/bin/env node
// Server-sent events benchmark: runtime-node's serveSse with Horatio's generated `LiveFeed`
// codec, server in its own process (SQLite in memory), clients in this one (raw node:http,
// parsing the event stream). For each replay mode — "table" (the event store's replay tables:
// every message is written to the database first) and "memory" (best effort) — it reports:
// - connected streams: how many idle streams one process accepted, and heap/RSS per stream;
// - fan-out: messages per second delivered to 1,000 subscribers of one tenant (published back to
//   back by the server, each sent to all 1,000) and the p50/p99 delivery latency (publish call to
//   a client's parse, wall clock in ms) — at that saturation and at a steady 10 messages/s.
// Usage: node bench/sse.mjs [--streams 5000] [--subscribers 1000] [--messages 200]
import { Agent, request } from "node:http";
import { rmSync } from "node:fs";
import { prepareRealtimeBench, startChildServer } from "./support/child-server.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const streamCount = option("--streams", 5000);
const subscriberCount = option("--subscribers", 1000);
const messageCount = option("--messages", 200);

const { dir, validators } = await prepareRealtimeBench("sse");

function startServer(replay) {
  const server = startChildServer("sse-server.mjs", [replay, validators]);
  return {
    ...server,
    async publish(count, intervalMs = 0) {
      const done = server.next(/(published)\n/);
      server.child.stdin.write(`publish ${count} ${intervalMs}\n`);
      await done;
    },
  };
}

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

/** Opens a stream; `onEvent(data, receivedAt)` per message. Resolves once the headers arrived. */
function open(port, onEvent = () => undefined) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/hamlet/sse/LiveFeed", agent }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const at = block.indexOf("data: ");
          if (at >= 0) onEvent(block.slice(at + 6), Date.now());
        }
      });
      resolve(req);
    });
    req.on("error", reject);
    req.end();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function run(replay) {
  const server = startServer(replay);
  const port = await server.port;
  try {
    const before = await server.memory();
    const idle = [];
    for (let i = 0; i < streamCount; i += 100)
      idle.push(...(await Promise.all(Array.from({ length: Math.min(100, streamCount - i) }, () => open(port)))));
    const after = await server.memory();
    const perStream = (key) => ((after[key] - before[key]) / streamCount / 1024).toFixed(1);
    for (const req of idle) req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const subscribers = [];
    let sink = () => undefined;
    for (let i = 0; i < subscriberCount; i += 100)
      subscribers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, subscriberCount - i) }, () => open(port, (data, at) => sink(data, at))),
        )),
      );

    /** Publishes `count` messages (one per `intervalMs`, or back to back) and waits for every delivery. */
    async function fanOut(count, intervalMs) {
      const latencies = [];
      let received = 0;
      const total = subscriberCount * count;
      const finished = new Promise((resolve) => {
        sink = (data, at) => {
          latencies.push(at - JSON.parse(data).likes);
          if (++received === total) resolve();
        };
      });
      const start = performance.now();
      await server.publish(count, intervalMs);
      const published = performance.now();
      await finished;
      const elapsed = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        publishPerSecond: Math.round(count / ((published - start) / 1000)),
        deliveredPerSecond: Math.round(total / elapsed),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
      };
    }
    const saturated = await fanOut(messageCount, 0);
    const paced = await fanOut(Math.min(50, messageCount), 100);
    for (const req of subscribers) req.destroy();
    return {
      accepted: after.streams,
      heapPerStream: perStream("heapUsed"),
      rssPerStream: perStream("rss"),
      saturated,
      paced,
    };
  } finally {
    server.child.kill();
  }
}

console.log(
  `SSE: ${streamCount} idle streams, then ${messageCount} messages fanned out to ${subscriberCount} subscribers of one tenant`,
);
for (const replay of ["table", "memory"]) {
  const r = await run(replay);
  console.log(
    `  replay=${replay.padEnd(6)} streams accepted ${r.accepted}/${streamCount} (heap ${r.heapPerStream} KiB, RSS ${r.rssPerStream} KiB per stream); ` +
      `back to back: ${r.saturated.publishPerSecond} msg/s published, ${r.saturated.deliveredPerSecond} deliveries/s, ` +
      `latency p50 ${r.saturated.p50} ms, p99 ${r.saturated.p99} ms; ` +
      `at 10 msg/s: latency p50 ${r.paced.p50} ms, p99 ${r.paced.p99} ms`,
  );
}
agent.destroy();
rmSync(dir, { recursive: true, force: true });
