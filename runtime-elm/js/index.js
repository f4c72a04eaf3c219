// One entry for the page side of every port companion; import the single files instead to ship
// only what a page uses (worker-body.js runs inside a Web Worker, not on the page).
export { connectSse } from "./sse.js";
export { connectWebSocket } from "./websocket.js";
export { connectWorkers } from "./worker.js";
