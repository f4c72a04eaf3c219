/**
 * HTTP for the end-to-end tests: a `fetch` replacement over node:http that sends a chosen `Host`
 * header (global fetch always sends the URL's host) and keeps cookies, and raw requests.
 */
import { request as httpRequest } from "node:http";

export interface RawResponse {
  readonly status: number;
  readonly body: string;
  readonly setCookies: string[];
}

/** A tiny cookie jar: name → value, fed from Set-Cookie headers. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export interface RawRequest {
  readonly method?: string;
  readonly host?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly jar?: CookieJar;
}

/** One request over loopback; Set-Cookie headers go into `jar` when given. */
export function rawRequest(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.host !== undefined) headers["host"] = options.host;
  const cookie = options.jar?.header();
  if (cookie !== undefined && headers["cookie"] === undefined) headers["cookie"] = cookie;
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { method: options.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const setCookies = res.headers["set-cookie"] ?? [];
        options.jar?.store(setCookies);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookies });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A `fetch` for the generated client that sends `host` and uses `jar`. */
export function hostFetch(host: string, jar: CookieJar) {
  return async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    const response = await rawRequest(url, {
      method: init.method,
      host,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      jar,
    });
    return { status: response.status, text: async () => response.body };
  };
}

/** A fetch that always fails like an unreachable server. */
export async function unreachableFetch(): Promise<never> {
  throw new TypeError("fetch failed: connect ECONNREFUSED");
}
