/**
 * Swagger UI in real headless Chromium: a Fastify app serves the emitted OpenAPI document with
 * registerApiDocs and a route for its one endpoint; the test opens /docs, expands the operation,
 * clicks "Try it out" and "Execute", and reads the response body shown on the page. The route
 * echoes the session cookie, proving "Try it out" sends it (withCredentials, same origin).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../emitters/openapi/index.js";
import { registerApiDocs } from "../runtime-node/src/index.js";
import { parseCookieHeader } from "../runtime-node/src/index.js";
import { compile } from "../src/program/compile.js";
import { chromiumReady, launchChromium } from "./support/chromium.js";

const hasChromium = chromiumReady("test/browser-docs.test.ts");

const SCHEMA = `package greeter

/// A greeting.
record Greeting { message: String, count: Int }

/// Says hello to someone.
@auth(session)
endpoint Hello: GET "/api/hello/{name}" {
  request {
    name: String @length(1, 40)
    times: Int @range(1, 5) = 2
  }
  response Greeting
}
`;

describe.skipIf(!hasChromium)("Swagger UI in Chromium", () => {
  let app: FastifyInstance;
  let browser: Browser;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hamlet-browser-docs-"));
    const entry = join(dir, "greeter.hamlet");
    writeFileSync(entry, SCHEMA);
    const { schema, diagnostics } = compile({ entries: [entry], features: { database: false, eventStore: false } });
    expect(diagnostics).toEqual([]);
    const document = openApiDocument(schema!);

    app = Fastify();
    await registerApiDocs(app, { document });
    // The endpoint by hand, following the wire format: path parameter, query `times`, 401 without a session.
    app.get<{ Params: { name: string }; Querystring: { times?: string } }>(
      "/api/hello/:name",
      async (request, reply) => {
        const session = parseCookieHeader(request.headers.cookie).get("hamlet_session");
        if (session === undefined) return reply.code(401).send({ tag: "Unauthorized" });
        const times = request.query.times === undefined ? 2 : Number(request.query.times);
        return { message: `Hello, ${request.params.name}! (session ${session})`, count: times };
      },
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("expands the operation, tries it out, and shows the server's response", async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: "hamlet_session", value: "s3cret", url }]);
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));

    await page.goto(`${url}/docs`);
    const operation = page.locator("#operations-default-Hello");
    await operation.waitFor({ timeout: 60_000 });
    await operation.locator(".opblock-summary").first().click();
    await operation.locator("button.try-out__btn").click();
    await operation.locator('tr[data-param-name="name"] input').fill("Ada");
    await operation.locator('tr[data-param-name="times"] input').fill("3");
    await operation.locator("button.execute").click();

    const body = operation.locator(".live-responses-table .response-col_description pre").first();
    await expect.poll(async () => (await body.textContent()) ?? "", { timeout: 60_000 }).toContain("Hello, Ada!");
    const shown = JSON.parse((await body.textContent())!);
    expect(shown).toEqual({ message: "Hello, Ada! (session s3cret)", count: 3 });
    await expect
      .poll(async () =>
        (
          await operation.locator(".live-responses-table tr.response .response-col_status").first().textContent()
        )?.trim(),
      )
      .toBe("200");

    // Everything came from our own server: no CDN, no outside validator.
    expect(requests.length).toBeGreaterThan(3);
    for (const r of requests) expect(r.startsWith(`${url}/`), r).toBe(true);
    expect(requests).toContain(`${url}/api/hello/Ada?times=3`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
