#!/usr/bin/env node
// WebSocket benchmark: Hamlet's typed route (serveWebSocket with the generated Horatio `Chat`
// validator) against a raw `ws` server doing the same work (parse, check, echo/broadcast), each in
// its own process, clients in this one. Reports typed echo and broadcast throughput as a share of
// raw, memory per idle connection, and how many connections one process accepted. Both servers run
// at once and the throughput rounds alternate raw/typed, so a change in the machine's load between
// them does not decide the ratio; the median of the rounds is reported, with each round's ratio.
// Usage: node bench/websocket.mjs [--seconds 5] [--clients 50] [--idle 5000] [--rounds 3]
import { rmSync } from "node:fs";
import WebSocket from "ws";
import { prepareRealtimeBench, startChildServer } from "./support/child-server.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option("--seconds", 5);
const clientCount = option("--clients", 50);
const idleCount = option("--idle", 5000);
const rounds = option("--rounds", 3);

const { dir, validators } = await prepareRealtimeBench("ws");

function startServer(mode) {
  const server = startChildServer("websocket-server.mjs", [mode, validators]);
  return server;
}

function open(port) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/chat`, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

const message = (room) => JSON.stringify({ tag: "ChatMessage", room, text: "hello there, a typical chat line" });

/** Closed-loop echo: each client sends its next message when the previous one comes back. */
async function echo(port) {
  const sockets = await Promise.all(Array.from({ length: clientCount }, () => open(port)));
  let count = 0;
  let running = true;
  const frame = message("echo");
  for (const socket of sockets) {
    socket.on("message", () => {
      count++;
      if (running) socket.send(frame);
    });
    socket.send(frame);
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  for (const socket of sockets) socket.terminate();
  return count / seconds;
}

/** One sender, every client receives: deliveries per second for `rounds` broadcasts in flight 10 at a time. */
async function broadcast(port) {
  const sockets = await Promise.all(Array.from({ length: clientCount }, () => open(port)));
  const rounds = 2000;
  let delivered = 0;
  const frame = message("all");
  const started = performance.now();
  await new Promise((resolve) => {
    let sent = 0;
    let receivedBySender = 0;
    const sender = sockets[0];
    for (const socket of sockets) {
      socket.on("message", () => {
        delivered++;
        if (delivered === rounds * clientCount) resolve();
      });
    }
    sender.on("message", () => {
      receivedBySender++;
      if (sent < rounds) {
        sender.send(frame);
        sent++;
      }
    });
    for (; sent < 10; sent++) sender.send(frame);
    void receivedBySender;
  });
  const elapsed = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.terminate();
  return delivered / elapsed;
}

async function idle(server, port) {
  const before = await server.memory();
  const sockets = [];
  try {
    for (let i = 0; i < idleCount; i++) sockets.push(await open(port));
  } catch (error) {
    console.log(`  stopped opening connections at ${sockets.length}: ${error.message}`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const after = await server.memory();
  for (const socket of sockets) socket.terminate();
  return {
    held: after.connections,
    heapPerConnection: (after.heapUsed - before.heapUsed) / sockets.length,
    rssPerConnection: (after.rss - before.rss) / sockets.length,
  };
}

const modes = ["raw", "typed"];
const results = { raw: { echo: [], broadcast: [] }, typed: { echo: [], broadcast: [] } };
const servers = {};
try {
  for (const mode of modes) servers[mode] = { server: startServer(mode) };
  for (const mode of modes) {
    servers[mode].port = await servers[mode].server.port;
    await echo(servers[mode].port); // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      results[mode].echo.push(await echo(servers[mode].port));
      results[mode].broadcast.push(await broadcast(servers[mode].port));
    }
  }
  for (const mode of modes) results[mode].idle = await idle(servers[mode].server, servers[mode].port);
} finally {
  for (const { server } of Object.values(servers)) server.child.kill();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const kind of ["echo", "broadcast"]) {
  const raw = median(results.raw[kind]);
  const typed = median(results.typed[kind]);
  const each = results.raw[kind].map((r, i) => `${((results.typed[kind][i] / r) * 100).toFixed(0)}%`).join(", ");
  console.log(
    `${kind.padEnd(9)} raw ${fmt(raw)} msg/s, typed ${fmt(typed)} msg/s (medians of ${rounds}): ${((typed / raw) * 100).toFixed(0)}% of raw (rounds: ${each}; target >= 80%)`,
  );
}
for (const mode of ["raw", "typed"]) {
  const i = results[mode].idle;
  console.log(
    `idle ${mode.padEnd(5)} ${fmt(i.held)} connections held; per connection: heap ${fmt(i.heapPerConnection)} B, RSS ${fmt(i.rssPerConnection)} B`,
  );
}
