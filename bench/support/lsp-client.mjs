// A minimal LSP client for the benchmark: JSON-RPC with Content-Length framing over a child's stdio.
import { spawn } from "node:child_process";

export class LspClient {
  #child;
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #pending = new Map();
  #waiters = [];

  constructor(command, args, options = {}) {
    this.#child = spawn(command, args, { cwd: options.cwd, stdio: "pipe" });
    this.#child.stdout.on("data", (chunk) => this.#receive(chunk));
  }

  #receive(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const headerEnd = this.#buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(this.#buffer.subarray(0, headerEnd).toString())[1]);
      if (this.#buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.#buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
      this.#buffer = this.#buffer.subarray(headerEnd + 4 + length);
      this.#dispatch(message);
    }
  }

  #dispatch(message) {
    if (message.method !== undefined && message.id !== undefined) {
      this.#send({ jsonrpc: "2.0", id: message.id, result: null });
    } else if (message.method !== undefined) {
      const waiter = this.#waiters.find((w) => w.match(message));
      if (waiter) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    } else {
      this.#pending.get(message.id)?.(message.result);
      this.#pending.delete(message.id);
    }
  }

  #send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.#child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.#child.stdin.write(body);
  }

  request(method, params) {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method, params) {
    this.#send({ jsonrpc: "2.0", method, params });
  }

  /** Resolves with the first notification (from now on) that `match` accepts. */
  waitFor(match) {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  kill() {
    this.#child.kill("SIGKILL");
  }
}
