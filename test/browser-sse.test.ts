/**
 * Server-sent events in headless Chromium: a compiled Elm page (test/fixtures/sse-page) uses the
 * generated `Api.Sse` port module of the Horatio schema and the `runtime-elm/js/sse.js`
 * companion against a real server (SQLite, replay tables and event store). It shows LiveFeed
 * messages published to its session as they arrive, then a workflow's step updates live on
 * `/hamlet/runs`, and after the server restarts on the same database it resumes: messages
 * published while it was down appear once, in order.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../runtime-node/src/db/sqlite.js";
import type { Database } from "../runtime-node/src/db/database.js";
import { startServer, type HamletServer } from "../runtime-node/src/server.js";
import {
  addPhotoWorkflow,
  createFeedServer,
  ensureReplayTables,
  feedConfig,
} from "../runtime-node/test/processes/feed-server.js";
import { ensureRuntimeTables } from "../runtime-node/test/support/runtime-tables.js";
import { elmProject, elmReady, emitElm, runElmAsync, schemaOf } from "./support/elm-project.js";
import { chromiumReady, launchChromium } from "./support/chromium.js";

const hasChromium = chromiumReady("test/browser-sse.test.ts");
const ready = elmReady("test/browser-sse.test.ts") && hasChromium;
const root = new URL("../", import.meta.url);

describe.skipIf(!ready)("an Elm page on server-sent events, in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-sse-browser-"));
  let db: Database;
  let app: HamletServer | null = null;
  let browser: Browser;
  let port = 0;
  let url = "";
  let elmJs = "";
  const companion = readFileSync(new URL("runtime-elm/js/sse.js", root), "utf8");

  async function start(): Promise<void> {
    app = await createFeedServer(feedConfig("sqlite:unused"), db, { retryMs: 200 });
    addPhotoWorkflow(app, db);
    app.get("/", async (_request, reply) =>
      reply
        .type("text/html")
        .send(
          '<!doctype html><div id="app"></div><script src="/elm.js"></script>' +
            '<script type="module">import { connectSse } from "/sse.js";' +
            'const app = Elm.Main.init({ node: document.getElementById("app") });' +
            "connectSse(app, { minBackoffMs: 200, maxBackoffMs: 1000 });</script>",
        ),
    );
    app.get("/elm.js", async (_request, reply) => reply.type("text/javascript").send(elmJs));
    app.get("/sse.js", async (_request, reply) => reply.type("text/javascript").send(companion));
    const started = await startServer(app, { port });
    port = started.port;
    url = started.url;
  }

  beforeAll(async () => {
    const files = await emitElm(schemaOf(fileURLToPath(new URL("../shared/examples/horatio.hamlet", root))));
    const main = readFileSync(new URL("test/fixtures/sse-page/Main.elm", root), "utf8");
    const project = elmProject([...files, { path: "Main.elm", content: main }]);
    try {
      const elmJson = JSON.parse(readFileSync(join(project.dir, "elm.json"), "utf8")) as {
        dependencies: { direct: Record<string, string>; indirect: Record<string, string> };
      };
      elmJson.dependencies.direct["elm/browser"] = "1.0.2";
      elmJson.dependencies.direct["elm/html"] = "1.0.0";
      elmJson.dependencies.indirect["elm/virtual-dom"] = "1.0.3";
      writeFileSync(join(project.dir, "elm.json"), JSON.stringify(elmJson, null, 4));
      const made = await runElmAsync(project.dir, ["make", "src/Main.elm", "--output=main.js"]);
      expect(made.status, made.output).toBe(0);
      elmJs = readFileSync(join(project.dir, "main.js"), "utf8");
    } finally {
      project.cleanup();
    }
    db = openSqliteDatabase(join(dir, "sse.sqlite"));
    await ensureRuntimeTables(db);
    await ensureReplayTables(db, true);
    await start();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (page: Page, list: string) => page.locator(`#${list} li`).allTextContents();

  async function publish(page: Page, likes: number): Promise<void> {
    const update = { tag: "Liked", id: "00000000-0000-4000-8000-000000000001", likes };
    const response = await page.request.post(`${url}/publish`, { data: { to: "me", update } });
    expect(response.status()).toBe(200);
  }

  it("shows session-targeted messages and workflow steps live, and resumes after a restart", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    // Sign in through the page's cookie jar; the EventSources then send the cookie.
    expect((await page.request.post(`${url}/login`, { data: { user: "ada" } })).status()).toBe(200);
    await page.goto(url);
    await expect.poll(() => page.locator("#connections").textContent(), { timeout: 30_000 }).toContain("LiveFeed open");
    await expect.poll(() => page.locator("#connections").textContent()).toContain("runs open");

    await publish(page, 1);
    await publish(page, 2);
    await expect.poll(() => lines(page, "feed"), { timeout: 30_000 }).toEqual(["liked 1", "liked 2"]);

    // Another session's message never shows.
    const other = await browser.newContext();
    expect((await other.request.post(`${url}/login`, { data: { user: "bob" } })).status()).toBe(200);
    const foreign = { tag: "Liked", id: "00000000-0000-4000-8000-000000000001", likes: 99 };
    expect((await other.request.post(`${url}/publish`, { data: { to: "me", update: foreign } })).status()).toBe(200);

    // Steps appear one by one (each takes a quarter second), not all at the end.
    const started = await page.request.post(`${url}/photos`, { data: { id: "p1" } });
    expect(started.status()).toBe(200);
    await expect
      .poll(() => lines(page, "runs"), { timeout: 30_000 })
      .toContain("PublishPhoto: thumbnail done, running");
    expect(await lines(page, "runs")).not.toContain("PublishPhoto: publish done, completed");
    await expect
      .poll(() => lines(page, "runs"), { timeout: 30_000 })
      .toEqual([
        "PublishPhoto: running",
        "PublishPhoto: thumbnail done, running",
        "PublishPhoto: moderate done, running",
        "PublishPhoto: publish done, completed",
      ]);

    // The server restarts; what is published meanwhile arrives once the page reconnects.
    await app!.close();
    app = null;
    await start();
    await publish(page, 3);
    await publish(page, 4);
    await expect
      .poll(() => lines(page, "feed"), { timeout: 30_000 })
      .toEqual(["liked 1", "liked 2", "liked 3", "liked 4"]);
    expect(await page.locator("#connections").textContent()).toContain("reconnecting");
    expect(problems).toEqual([]);
    await other.close();
    await context.close();
  }, 120_000);
});
