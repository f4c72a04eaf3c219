// A feed server process: node feed-server-main.mjs <database url> [port]; prints "listening <url>".
import { startServer } from "../../src/server.js";
import { createFeedServer, feedConfig } from "./feed-server.js";

const app = await createFeedServer(feedConfig(process.argv[2] ?? ""), undefined);
const started = await startServer(app, { port: Number(process.argv[3] ?? 0) });
process.stdout.write(`listening ${started.url}\n`);
