/**
 * Serves an OpenAPI document at `/openapi.json` and Swagger UI at `/docs`, from the files of
 * the `swagger-ui-dist` package (no CDN). "Try it out" calls the same origin with credentials,
 * so the browser's session cookie goes along with every request.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Options for {@link registerApiDocs}. */
export interface ApiDocsOptions {
  /** The OpenAPI document, as an object or as JSON text (e.g. the openapi emitter's `openapi.json`). */
  readonly document: object | string;
  /** Where the document is served (default `/openapi.json`). */
  readonly documentPath?: string;
  /** Where Swagger UI is served (default `/docs`); its assets live under it. */
  readonly uiPath?: string;
  /** Title of the page (default: the document's `info.title`, then "API documentation"). */
  readonly title?: string;
}

/** The swagger-ui-dist files the page needs, with their content types. */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

let assetCache: Map<string, Buffer> | undefined;

/** Reads the Swagger UI assets once per process. */
function assets(): Map<string, Buffer> {
  if (assetCache) return assetCache;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("swagger-ui-dist/package.json"));
  assetCache = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(root, name))]));
  return assetCache;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function pageHtml(title: string, uiPath: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="${uiPath}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${uiPath}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${uiPath}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${uiPath}/swagger-ui-bundle.js"></script>
    <script src="${uiPath}/init.js"></script>
  </body>
</html>
`;
}

/** Swagger UI configuration: the local document, credentials on every request, no outside validator. */
function initScript(documentPath: string): string {
  return `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(documentPath)},
    dom_id: "#swagger-ui",
    deepLinking: true,
    withCredentials: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      request.credentials = "include";
      return request;
    },
  });
});
`;
}

function documentTitle(document: object): string | undefined {
  const info = (document as { info?: { title?: unknown } }).info;
  return typeof info?.title === "string" ? info.title : undefined;
}

/** Trims a trailing slash: `/docs/` → `/docs`. */
function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * Registers `GET /openapi.json` (the document) and `GET /docs` (Swagger UI, also `/docs/`,
 * with its assets under `/docs/`). Works on any Fastify instance, including a
 * {@link HamletServer}; call it before `listen`.
 */
export async function registerApiDocs(app: FastifyInstance, options: ApiDocsOptions): Promise<void> {
  const documentText = typeof options.document === "string" ? options.document : JSON.stringify(options.document);
  const parsed = JSON.parse(documentText) as object;
  const documentPath = options.documentPath ?? "/openapi.json";
  const uiPath = normalizePath(options.uiPath ?? "/docs");
  const title = options.title ?? documentTitle(parsed) ?? "API documentation";
  const html = pageHtml(title, uiPath);
  const init = initScript(documentPath);
  const files = assets();

  const common = (reply: FastifyReply, type: string) =>
    reply.header("content-type", type).header("x-content-type-options", "nosniff");

  app.get(documentPath, async (_request, reply) =>
    common(reply, "application/json; charset=utf-8").header("cache-control", "no-cache").send(documentText),
  );
  const page = async (_request: unknown, reply: FastifyReply) =>
    common(reply, "text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("content-security-policy", CONTENT_SECURITY_POLICY)
      .header("referrer-policy", "no-referrer")
      .send(html);
  app.get(uiPath, page);
  if (!app.initialConfig.ignoreTrailingSlash) app.get(`${uiPath}/`, page);
  app.get(`${uiPath}/init.js`, async (_request, reply) =>
    common(reply, "application/javascript; charset=utf-8").header("cache-control", "no-cache").send(init),
  );
  for (const [name, type] of Object.entries(ASSETS)) {
    app.get(`${uiPath}/${name}`, async (_request, reply) =>
      common(reply, type).header("cache-control", "public, max-age=3600").send(files.get(name)),
    );
  }
}
