/** runtime-node's registerApiDocs over HTTP (Fastify inject): document, page, local assets. */
import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../emitters/openapi/index.js";
import { registerApiDocs } from "../runtime-node/src/index.js";
import { schemaCases } from "./openapi-support.js";

const horatio = schemaCases().find((c) => c.name === "shared/horatio")!.schema;
const document = openApiDocument(horatio);

describe("registerApiDocs", async () => {
  const app = Fastify();
  await registerApiDocs(app, { document });
  afterAll(() => app.close());

  it("serves the document at /openapi.json", async () => {
    const res = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json()).toEqual(document);
  });

  it("serves Swagger UI at /docs and /docs/, loading only local files", async () => {
    for (const url of ["/docs", "/docs/"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.body).toContain("<title>horatio</title>");
      const srcs = [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(srcs.length).toBeGreaterThan(2);
      for (const src of srcs) {
        expect(src.startsWith("/docs/")).toBe(true);
        const asset = await app.inject({ method: "GET", url: src });
        expect(asset.statusCode, src).toBe(200);
        expect(asset.rawPayload.length, src).toBeGreaterThan(0);
      }
    }
  });

  it("configures Swagger UI for the local document with credentials", async () => {
    const res = await app.inject({ method: "GET", url: "/docs/init.js" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('url: "/openapi.json"');
    expect(res.body).toContain("withCredentials: true");
    expect(res.body).toContain('credentials = "include"');
  });

  it("serves the real swagger-ui-dist bundle with the right content types", async () => {
    const js = await app.inject({ method: "GET", url: "/docs/swagger-ui-bundle.js" });
    expect(js.headers["content-type"]).toMatch(/^application\/javascript/);
    expect(js.body).toContain("SwaggerUIBundle");
    const css = await app.inject({ method: "GET", url: "/docs/swagger-ui.css" });
    expect(css.headers["content-type"]).toMatch(/^text\/css/);
  });

  it("takes JSON text and custom paths", async () => {
    const other = Fastify();
    await registerApiDocs(other, {
      document: JSON.stringify(document),
      documentPath: "/api/spec.json",
      uiPath: "/api/docs/",
      title: "Horatio <API>",
    });
    expect((await other.inject({ method: "GET", url: "/api/spec.json" })).json()).toEqual(document);
    const page = await other.inject({ method: "GET", url: "/api/docs" });
    expect(page.body).toContain("<title>Horatio &lt;API&gt;</title>");
    expect(page.body).toContain('src="/api/docs/swagger-ui-bundle.js"');
    expect((await other.inject({ method: "GET", url: "/api/docs/init.js" })).body).toContain('url: "/api/spec.json"');
    await other.close();
  });
});
