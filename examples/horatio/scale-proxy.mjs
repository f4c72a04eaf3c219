// The front port of scale.mjs: a tiny round-robin reverse proxy over Horatio's server processes,
// for local use (in production a load balancer does this). Each HTTP request and each WebSocket
// upgrade goes to the next process in turn; responses are streamed, so SSE streams stay open and
// arrive event by event. Every answer carries `X-Horatio-Backend: <port>` (the process that
// served it; on a WebSocket, in its 101 response) so you and the tests can see where it went.
// Sessions live in the database, so any process can serve any request.
import { Agent, createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";

const BACKEND_HEADER = "x-horatio-backend";
/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business on each side. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);

/** Headers for the process: the client's, plus who asked (X-Forwarded-*); the Host stays the client's. */
function forwardedHeaders(request) {
  const headers = {};
  for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  const client = request.socket.remoteAddress ?? "";
  headers["x-forwarded-for"] = request.headers["x-forwarded-for"]
    ? `${request.headers["x-forwarded-for"]}, ${client}`
    : client;
  headers["x-forwarded-proto"] = "http";
  return headers;
}

/**
 * Listens on `host:port` and spreads requests over `backends` (`{ host, port }`). Resolves with
 * its URL and `close()`, which also ends open streams and sockets.
 */
export function startRoundRobinProxy({ backends, host = "127.0.0.1", port = 0 }) {
  let turn = 0;
  const next = () => backends[turn++ % backends.length];
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set();

  const server = createServer((request, response) => {
    const backend = next();
    const upstream = httpRequest(
      {
        host: backend.host,
        port: backend.port,
        method: request.method,
        path: request.url,
        headers: forwardedHeaders(request),
        agent,
      },
      (answer) => {
        const headers = [];
        for (let i = 0; i < answer.rawHeaders.length; i += 2)
          if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase()))
            headers.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
        headers.push(BACKEND_HEADER, String(backend.port));
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        // Event streams are written as they come, without waiting for more bytes.
        response.flushHeaders();
        answer.pipe(response);
      },
    );
    upstream.on("error", () => {
      if (response.headersSent) response.destroy();
      else response.writeHead(502, { "content-type": "application/json" }).end('{"tag":"BadGateway"}');
    });
    // A client that leaves (an SSE reader closing its tab) ends the stream to the process too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  });

  // A WebSocket upgrade: the raw request goes to the next process, then bytes flow both ways.
  server.on("upgrade", (request, client, head) => {
    const backend = next();
    const upstream = connect(backend.port, backend.host, () => {
      let lines = `${request.method} ${request.url} HTTP/1.1\r\n`;
      for (let i = 0; i < request.rawHeaders.length; i += 2)
        lines += `${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}\r\n`;
      upstream.write(`${lines}X-Forwarded-For: ${request.socket.remoteAddress ?? ""}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      // The process's answer gets the backend header after its status line; then a plain pipe.
      let answer = Buffer.alloc(0);
      const readHead = (chunk) => {
        answer = Buffer.concat([answer, chunk]);
        const lineEnd = answer.indexOf("\r\n");
        if (lineEnd < 0) return;
        upstream.off("data", readHead);
        client.write(answer.subarray(0, lineEnd + 2));
        client.write(`X-Horatio-Backend: ${backend.port}\r\n`);
        client.write(answer.subarray(lineEnd + 2));
        upstream.pipe(client);
      };
      upstream.on("data", readHead);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
            agent.destroy();
          }),
      });
    });
  });
}
