#!/usr/bin/env node
// What the front port of Horatio's scale-out mode (examples/horatio/scale-proxy.mjs) costs: two
// tiny backends (node:http in their own processes, answering a 200-byte JSON body) measured with
// autocannon directly (one backend) and through the round-robin proxy in this process, 50
// connections for a few seconds each. Reports requests/s and p50/p99 latency of both, so the
// proxy's overhead per request is visible; it is for local use, a load balancer replaces it.
// Usage: node bench/scale-front.mjs [--seconds 4] [--connections 50]
import { spawn } from "node:child_process";
import autocannon from "autocannon";
import { startRoundRobinProxy } from "../examples/horatio/scale-proxy.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option("--seconds", 4);
const connections = option("--connections", 50);

const BACKEND = `
const { createServer } = require("node:http");
const body = JSON.stringify({ posts: [], note: "x".repeat(170) });
const server = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
`;

function startBackend() {
  const child = spawn(process.execPath, ["-e", BACKEND], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => {
    child.stdout.once("data", (chunk) => resolve({ child, port: Number(/port (\d+)/.exec(String(chunk))[1]) }));
  });
}

function measure(url) {
  return new Promise((resolve, reject) =>
    autocannon({ url, connections, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

const backends = await Promise.all([startBackend(), startBackend()]);
const proxy = await startRoundRobinProxy({ backends: backends.map(({ port }) => ({ host: "127.0.0.1", port })) });
try {
  const rows = [
    ["one backend, direct", await measure(`http://127.0.0.1:${backends[0].port}/api/timeline`)],
    ["two backends, through the front", await measure(`${proxy.url}/api/timeline`)],
  ];
  console.log(`scale front (${connections} connections, ${seconds} s each)`);
  for (const [name, result] of rows)
    console.log(
      `  ${name.padEnd(34)} ${String(Math.round(result.requests.average)).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${result.errors + result.non2xx}`,
    );
} finally {
  await proxy.close();
  for (const { child } of backends) child.kill();
}
