// Child process of bench/uploads.mjs: a Hamlet server with two uploads on local storage —
// `Big` (up to 2 GiB, any type) and `Small` (max_size 10 MiB) — under `node upload-server.mjs <dir>`.
// Prints "listening <port>", then one "outcome <json>" line per upload request; answers "memory"
// on stdin with "memory <baselineRss> <peakRss>" (bytes; the peak since the last question).
import { createInterface } from "node:readline";
import {
  createHamletServer,
  createLocalStorage,
  defineUpload,
  serveUploads,
  startServer,
} from "../../runtime-node/dist/index.js";

const [dir] = process.argv.slice(2);
const app = await createHamletServer({
  config: {
    database: { url: ":memory:" },
    sessions: { secrets: ["bench-secret-bench-secret-bench-secret"] },
    tenants: { mode: "single" },
    // A 1 GB body takes longer than the default 30 s request timeout on a slow machine.
    server: { requestTimeoutMs: 600_000 },
  },
  migrations: new URL("../../examples/horatio/generated/sql", import.meta.url).pathname,
});
const spec = (name, maxSize) =>
  defineUpload({
    name,
    method: "POST",
    path: `/upload/${name}`,
    auth: false,
    pathParams: {},
    fields: {},
    decode: () => ({ ok: true, value: {} }),
    file: { maxSize },
    emits: false,
    encode: (value) => value,
    errors: undefined,
    handle: async (_fields, file) => ({ id: file.id, size: file.size }),
  });
serveUploads(app, [spec("Big", 2 * 1024 ** 3), spec("Small", 10 * 1024 ** 2)], {
  storage: createLocalStorage({ dir }),
  onOutcome: (outcome) => process.stdout.write(`outcome ${JSON.stringify(outcome)}\n`),
});
const { port } = await startServer(app, { port: 0 });
global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20).unref();
process.stdout.write(`listening ${port}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line !== "memory") return;
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(`memory ${baseline} ${peak}\n`);
  peak = process.memoryUsage().rss;
});
process.stdin.on("end", () => process.exit(0));
