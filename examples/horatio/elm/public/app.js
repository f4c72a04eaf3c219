// Starts the Elm app and connects the ports of the live features to runtime-elm's JavaScript
// companions (copied into js/ by elm/build.mjs).
/* global Elm */
import { connectSse } from "./js/sse.js";
import { connectWebSocket } from "./js/websocket.js";

export const app = Elm.Main.init({ node: document.getElementById("app") });
connectSse(app);
connectWebSocket(app, { name: "Chat", url: "/ws/chat" });
