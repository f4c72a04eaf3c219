// Starts the Elm app and connects the ports of the live features to runtime-elm's JavaScript
// companions (copied into js/ by elm/build.mjs).
/* global Elm */
import { connectSse } from "./js/sse.js";
import { connectWebSocket } from "./js/websocket.js";
import { connectWorkers } from "./js/worker.js";

export const app = Elm.Main.init({ node: document.getElementById("app") });
connectSse(app);
connectWebSocket(app, { name: "Chat", url: "/ws/chat" });
// The ImageResizer Web Worker (workers/image-resizer.ts, bundled by build.mjs) shrinks photos before upload.
connectWorkers(app, {
  ImageResizer: () => new Worker(new URL("./image-resizer.worker.js", import.meta.url), { type: "module" }),
});
