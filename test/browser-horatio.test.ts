/**
 * Swagger UI against the real generated server, in headless Chromium: the Horatio example
 * (generated TypeScript routes on the runtime's Fastify host, SQLite in memory), which serves
 * the openapi emitter's committed document at /openapi.json and Swagger UI at /docs itself.
 * "Try it out" on the `@auth(session)` CreatePost answers 401 before signing in and 200 after,
 * because the page sends the session cookie (withCredentials, same origin).
 */
import { type Browser, type Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import { openDatabase, startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { migrateHoratio } from "./support/horatio.js";
import { chromiumReady, launchChromium } from "./support/chromium.js";

const hasChromium = chromiumReady("test/browser-horatio.test.ts");

describe.skipIf(!hasChromium)("Swagger UI on the generated Horatio server, in Chromium", () => {
  let db: Database;
  let app: HamletServer;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    db = openDatabase(":memory:");
    await migrateHoratio(db);
    app = await createApp({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["browser-secret-browser-secret-browser-secret"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
      devLogin: true,
    });
    url = (await startServer(app, { port: 0 })).url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  async function execute(operation: Locator): Promise<{ status: string; body: unknown }> {
    await operation.locator("button.execute").click();
    const status = operation.locator(".live-responses-table tr.response .response-col_status").first();
    await status.waitFor({ timeout: 60_000 });
    const body = operation.locator(".live-responses-table .response-col_description pre").first();
    await expect
      .poll(async () => ((await body.textContent()) ?? "").trim().length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    return { status: ((await status.textContent()) ?? "").trim(), body: JSON.parse((await body.textContent())!) };
  }

  it("CreatePost: 401 without a session, 200 with the cookie from /dev/login", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("requestfailed", (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));

    await page.goto(`${url}/docs`);
    const operation = page.locator("#operations-default-CreatePost");
    await operation.waitFor({ timeout: 60_000 });
    await operation.locator(".opblock-summary").first().click();
    await operation.locator("button.try-out__btn").click();
    await operation
      .locator("textarea.body-param__text")
      .fill(JSON.stringify({ body: "Hello from Swagger UI", visibility: "Public" }));

    const anonymous = await execute(operation);
    expect(anonymous).toEqual({ status: "401", body: { tag: "Unauthorized" } });

    // Sign in through the page's own cookie jar; Swagger UI then sends the cookie.
    const login = await page.request.post(`${url}/dev/login`, { data: { handle: "ada" } });
    expect(login.status()).toBe(200);
    await operation.locator("button.btn-clear").click();
    const signedIn = await execute(operation);
    expect(signedIn.status).toBe("200");
    expect(signedIn.body).toMatchObject({
      author: "ada",
      body: "Hello from Swagger UI",
      visibility: "Public",
      likes: 0,
    });

    // The server stored it: GetFeed through Swagger UI lists the post.
    const feed = page.locator("#operations-default-GetFeed");
    await feed.locator(".opblock-summary").first().click();
    await feed.locator("button.try-out__btn").click();
    const listed = await execute(feed);
    expect(listed.status).toBe("200");
    expect((listed.body as { posts: { body: string }[] }).posts.map((p) => p.body)).toEqual(["Hello from Swagger UI"]);
    // The upload is multipart with a file picker for its `file` part.
    const upload = page.locator("#operations-default-PhotoUpload");
    await upload.locator(".opblock-summary").first().click();
    await upload.locator("button.try-out__btn").click();
    await expect.poll(() => upload.locator('input[type="file"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
