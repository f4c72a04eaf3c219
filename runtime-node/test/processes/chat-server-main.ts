// A second chat server process: node chat-server-main.mjs <postgres url>; prints "listening <url>".
import { startServer } from "../../src/server.js";
import { chatConfig, createChatServer } from "./chat-server.js";

const app = await createChatServer(chatConfig(process.argv[2] ?? ""), undefined);
const started = await startServer(app, { port: 0 });
process.stdout.write(`listening ${started.url}\n`);
