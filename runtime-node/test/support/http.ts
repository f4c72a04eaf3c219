import { request as httpRequest } from "node:http";

/** A response read fully into memory. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly setCookies: string[];
}

/**
 * Sends a real HTTP request over loopback with node:http — unlike global fetch it
 * lets tests choose the `Host` header (fetch always sends the URL's host).
 */
export function send(
  baseUrl: string,
  path: string,
  options: {
    method?: string;
    host?: string;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? "GET",
        headers: {
          ...(options.host === undefined ? {} : { host: options.host }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const setCookie = res.headers["set-cookie"];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            setCookies: setCookie ?? [],
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** `name=value` of the first Set-Cookie for `name`, for sending back in a Cookie header. */
export function cookiePair(setCookies: readonly string[], name: string): string {
  const found = setCookies.find((c) => c.startsWith(`${name}=`));
  if (found === undefined) throw new Error(`no Set-Cookie for ${name} in ${JSON.stringify(setCookies)}`);
  return found.split(";")[0] as string;
}
