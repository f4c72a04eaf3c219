/**
 * Serves a folder of static files (the compiled Elm front end) on the same origin as the API.
 * Small on purpose: GET/HEAD only, no directory listings, no dot files, and every path is
 * resolved inside the folder (`..`, encoded separators and symlinks out of it answer 404).
 */
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, isAbsolute, join, resolve, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface StaticFilesOptions {
  /** The folder to serve (relative paths are resolved against the working directory). */
  readonly root: string;
  /** URL prefix the folder is mounted at, starting and ending with `/` (default `/`). */
  readonly prefix?: string;
  /** File answered for a folder (default `index.html`). */
  readonly index?: string;
  /**
   * Answer `index` for unknown paths without an extension that accept HTML, so a single-page
   * app's own routes survive a reload (default `true`).
   */
  readonly spaFallback?: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** Registers `GET`/`HEAD <prefix>*`; routes registered elsewhere (the API) take precedence. */
export function serveStaticFiles(app: FastifyInstance, options: StaticFilesOptions): void {
  const prefix = options.prefix ?? "/";
  if (!prefix.startsWith("/") || !prefix.endsWith("/")) throw new Error("Hamlet: prefix must start and end with /");
  const root = resolve(options.root);
  const index = options.index ?? "index.html";
  const spaFallback = options.spaFallback ?? true;
  let realRoot: Promise<string> | undefined;

  app.get(`${prefix}*`, async (request, reply) => {
    realRoot ??= realpath(root).catch(() => root);
    const segments = requestSegments(request.url, prefix);
    if (segments === undefined) return reply.callNotFound();
    const file = await findFile(await realRoot, segments, index);
    if (file !== undefined) return send(reply, file);
    const wantsPage = spaFallback && !extname(segments.at(-1) ?? "") && acceptsHtml(request);
    const page = wantsPage ? await findFile(await realRoot, [], index) : undefined;
    return page === undefined ? reply.callNotFound() : send(reply, page);
  });
}

/** The decoded path segments under `prefix`, or `undefined` for anything unsafe. */
function requestSegments(url: string, prefix: string): string[] | undefined {
  const path = url.split("?", 1)[0] ?? "";
  if (!path.startsWith(prefix)) return undefined;
  const segments: string[] = [];
  for (const raw of path.slice(prefix.length).split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // Dot files and `..`, separators smuggled in encoded, NUL and drive letters are refused.
    if (segment.startsWith(".") || /[\\/\0:]/.test(segment) || isAbsolute(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

/** The real path of a regular file inside `root` (a folder answers its index), or `undefined`. */
async function findFile(root: string, segments: readonly string[], index: string): Promise<string | undefined> {
  let candidate = join(root, ...segments);
  try {
    let real = await realpath(candidate);
    let info = await stat(real);
    if (info.isDirectory()) {
      candidate = join(real, index);
      real = await realpath(candidate);
      info = await stat(real);
    }
    if (!info.isFile()) return undefined;
    // A symlink may point anywhere; only files really inside the folder are served.
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? real : undefined;
  } catch {
    return undefined;
  }
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? "").includes("text/html");
}

function send(reply: FastifyReply, file: string): FastifyReply {
  return reply
    .header("content-type", CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream")
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "no-cache")
    .send(createReadStream(file));
}
