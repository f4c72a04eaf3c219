/**
 * The Horatio Elm app in headless Chromium, two browser contexts as two users (alice, and bob who
 * is an administrator), against the real server (generated routes, example handlers, SQLite, the
 * event store) serving the app compiled here with the real `elm make`: sign in (with the generated
 * client-side validation of the handle), post, see each other's posts, compose validation errors,
 * a scheduled post appearing when its time comes, a dead letter (the moderation service fails a
 * post) retried from the admin view; the same on PostgreSQL with two server processes (alice on
 * one, bob on the other); then the app with the event store off (reduced mode).
 * New posts reach the other user over the live feed (SSE, `Api.Sse` + runtime-elm/js/sse.js); the
 * two chat over the `Chat` websocket (`Api.WebSocket` + runtime-elm/js/websocket.js); alice picks
 * a real 3000×2000 JPEG, sees the ImageResizer Web Worker's progress as it shrinks it to 2048 px,
 * uploads it with progress (`Api.Uploads`) and watches its `PublishPhoto` workflow step by step
 * (`/hamlet/runs`), and bob gets the resulting post with an `<img>` of the 480 px thumbnail.
 * The first run saves a screenshot of the running app to docs/horatio.png (the README shows it).
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/horatio/src/app.js";
import { openDatabase, startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { repoRoot } from "./support/corpus.js";
import { elmHome, elmReady } from "./support/elm-project.js";
import { horatioDir, killHoratio, migrateHoratio, startHoratioProcess } from "./support/horatio.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { chromiumReady, launchChromium } from "./support/chromium.js";

const ready = chromiumReady("test/browser-horatio-app.test.ts") && elmReady("test/browser-horatio-app.test.ts");

const publicDir = join(horatioDir, "elm", "public");
const pg = postgresAvailable ? usePostgres() : null;

/** A real 3000×2000 photo-like JPEG (a gradient with a pattern, so it does not compress to nothing). */
async function bigJpeg(): Promise<Buffer> {
  const width = 3000;
  const height = 2000;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = (x * y) % 251;
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** The photo's caption; the moderation service takes 3 s to answer it, so the page shows the step waiting. */
const SLOW_CAPTION = "a real photo";

/**
 * The moderation service: refuses "spam", answers 400 once for each text with "#fail" (a dead
 * letter), and answers {@link SLOW_CAPTION} after 3 s.
 */
async function startModeration(): Promise<{ url: string; server: Server }> {
  const failed = new Set<string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const { text } = JSON.parse(body) as { text: string };
      const answer = (status: number, json: string) =>
        res.writeHead(status, { "content-type": "application/json" }).end(json);
      if (text.includes("#fail") && !failed.has(text)) {
        failed.add(text);
        return answer(400, '{"error":"cannot read this"}');
      }
      if (text.includes("spam")) return answer(200, '{"allowed":false,"reason":"looks like spam"}');
      if (text === SLOW_CAPTION) return void setTimeout(() => answer(200, '{"allowed":true}'), 3_000);
      return answer(200, '{"allowed":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/check`, server };
}

describe.skipIf(!ready)("the Horatio app in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    // The app as start.mjs builds it (elm make, and runtime-elm's JavaScript companions copied).
    await promisify(execFile)(process.execPath, [join(horatioDir, "elm", "build.mjs")], {
      env: { ...process.env, ELM_HOME: elmHome },
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** One server on a fresh SQLite database, with or without the event store. */
  async function startHoratio(eventStore: boolean) {
    const moderation = await startModeration();
    const db: Database = openDatabase(":memory:");
    await migrateHoratio(db);
    const app: HamletServer = await createApp({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["app-secret-app-secret-app-secret-app-secret"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database: db,
      devLogin: true,
      admins: new Set(["bob"]),
      publicDir,
      uploadsDir: join(tmpdir(), `horatio-uploads-${process.pid}-${eventStore}`),
      moderationUrl: moderation.url,
      eventStore,
      events: { pollMs: 100, onError: () => undefined },
    });
    const url = (await startServer(app, { port: 0 })).url;
    return {
      url,
      async stop() {
        await app.close();
        await db.close();
        await new Promise((resolve) => moderation.server.close(resolve));
      },
    };
  }

  /** A user's browser: its own cookies, a phone-sized window, page errors collected. */
  async function user(url: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto(url);
    return { context, page, problems };
  }

  async function signIn(page: Page, handle: string): Promise<void> {
    await page.fill("#handle", handle);
    await page.click("#sign-in button[type=submit]");
    await expect.poll(() => page.textContent("#me"), { timeout: 15_000 }).toBe(`@${handle}`);
  }

  async function post(page: Page, body: string, delay = "0"): Promise<void> {
    await page.fill("#body", body);
    await page.selectOption("#delay", delay);
    await page.click("#compose button[type=submit]");
  }

  const timeline = (page: Page) => page.locator("#timeline .post .body").allTextContents();

  /**
   * The whole story for alice (at `aliceUrl`) and bob, an administrator (at `bobUrl`: the same
   * server, or another process on the same database).
   */
  async function twoUsers(aliceUrl: string, bobUrl: string, screenshot: boolean): Promise<void> {
    const alice = await user(aliceUrl);
    const bob = await user(bobUrl);
    try {
      // The generated validator refuses a bad handle before anything is sent.
      await alice.page.fill("#handle", "no");
      await alice.page.click("#sign-in button[type=submit]");
      await expect
        .poll(() => alice.page.textContent("#sign-in .violations"))
        .toBe("handle: expected to match pattern ^[a-z0-9_]{3,20}$");
      await signIn(alice.page, "alice");
      await signIn(bob.page, "bob");
      // The live feed (SSE) is open; while it is, the page does not poll the timeline, so what
      // arrives below came over the stream.
      for (const page of [alice.page, bob.page]) await expect.poll(() => page.textContent("#live")).toBe("● live");

      // Chat over the WebSocket (Api.WebSocket + runtime-elm/js/websocket.js): presence, typing, messages.
      await expect.poll(() => alice.page.textContent("#chat p.muted"), { timeout: 15_000 }).toBe("Online: alice, bob");
      await alice.page.fill("#chat-input", "hi bob, chat works");
      await expect.poll(() => bob.page.textContent("#chat .typing")).toBe("alice is typing…");
      await alice.page.press("#chat-input", "Enter");
      await expect
        .poll(() => bob.page.locator("#chat .messages li").allTextContents())
        .toEqual(["alice: hi bob, chat works"]);
      await bob.page.fill("#chat-input", "hello alice");
      await bob.page.press("#chat-input", "Enter");
      await expect
        .poll(() => alice.page.locator("#chat .messages li").allTextContents())
        .toEqual(["alice: hi bob, chat works", "bob: hello alice"]);

      await post(alice.page, "Hello from alice #hamlet");
      await expect.poll(() => timeline(alice.page)).toContain("Hello from alice #hamlet");
      await expect.poll(() => timeline(bob.page), { timeout: 15_000 }).toContain("Hello from alice #hamlet");
      await post(bob.page, "Hi alice, bob here");
      await expect.poll(() => timeline(alice.page), { timeout: 15_000 }).toContain("Hi alice, bob here");
      // A private post stays with its author.
      await alice.page.selectOption("#visibility", "Private");
      await post(alice.page, "note to self");
      await expect.poll(() => timeline(alice.page)).toContain("note to self");
      // bob follows alice with the button under her post: her Followers posts then reach him live.
      await bob.page.locator("#timeline button.follow", { hasText: "Follow @alice" }).first().click();
      await expect
        .poll(() => bob.page.locator("#timeline button.follow").allTextContents())
        .toContain("Unfollow @alice");
      await alice.page.selectOption("#visibility", "Followers");
      await post(alice.page, "for my followers");
      await expect.poll(() => timeline(bob.page), { timeout: 15_000 }).toContain("for my followers");
      expect(await timeline(bob.page)).not.toContain("note to self");
      await alice.page.selectOption("#visibility", "Public");

      // Compose validation: the generated Api.Validate messages, nothing sent.
      await post(alice.page, "x".repeat(501));
      await expect
        .poll(() => alice.page.textContent("#compose .violations"))
        .toBe("body: expected at most 500 characters");
      await post(alice.page, "");
      await expect
        .poll(() => alice.page.textContent("#compose .violations"))
        .toBe("body: expected at least 1 character");

      // A photo: a real 3000×2000 JPEG, shrunk to 2048 px in the ImageResizer Web Worker (its progress
      // shown), uploaded with progress, its PublishPhoto workflow's steps shown live (the thumbnail
      // made by the server's worker threads), then posted with its 480 px thumbnail.
      const resizing = alice.page.waitForSelector("#resize-progress", { timeout: 30_000 });
      const chooser = alice.page.waitForEvent("filechooser");
      await alice.page.click("#pick-photo");
      await (await chooser).setFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: await bigJpeg() });
      expect(await (await resizing).textContent()).toMatch(/^Resizing in a Web Worker: \d+ %$/);
      await expect
        .poll(() => alice.page.textContent("#resize-result"), { timeout: 30_000 })
        .toMatch(/^Ready to send: 2048×1365, \d+ KB\.$/);
      await alice.page.fill("#caption", SLOW_CAPTION);
      await alice.page.click("#upload");
      // The moderate step waits for the Moderation service (awaitService); the card says so.
      await expect
        .poll(() => alice.page.locator("#photo .steps li").allTextContents(), { timeout: 30_000 })
        .toContain("moderate: waiting for the service…");
      await expect
        .poll(() => alice.page.textContent("#photo-status"), { timeout: 30_000 })
        .toBe("Done: the photo is processed.");
      expect(await alice.page.locator("#photo .steps li").allTextContents()).toEqual([
        "thumbnail ✓",
        "moderate ✓",
        "publish ✓",
      ]);
      const photo = bob.page.locator('.post .photo img[alt="a real photo"]');
      await photo.waitFor({ timeout: 15_000 });
      await expect
        .poll(() =>
          photo.evaluate((img) => {
            const image = img as unknown as { complete: boolean; naturalWidth: number };
            return image.complete && image.naturalWidth;
          }),
        )
        .toBe(480);
      expect(await photo.locator("xpath=..").getAttribute("href")).toMatch(/^\/files\/PhotoUpload\/[0-9a-f-]{36}$/);

      // A scheduled post: listed as Scheduled for alice, in bob's timeline once its time came.
      await post(alice.page, "Scheduled hello, five seconds later", "5");
      await expect.poll(() => alice.page.textContent("#submissions")).toContain("Scheduled hello");
      expect(await timeline(bob.page)).not.toContain("Scheduled hello, five seconds later");
      await expect.poll(() => timeline(bob.page), { timeout: 30_000 }).toContain("Scheduled hello, five seconds later");

      // The moderation service fails this one: a dead letter, which bob (an administrator) retries.
      await post(alice.page, "This one needs a retry #fail", "5");
      await bob.page.click("button.tab:has-text('Admin')");
      await expect
        .poll(
          async () => {
            await bob.page.click("#admin button.link");
            return bob.page.locator("#admin .letter .name").allTextContents();
          },
          { timeout: 30_000, interval: 1000 },
        )
        .toEqual(["hamlet.service.Moderation"]);
      expect(await bob.page.textContent("#admin .letter .error")).toContain("HTTP 400");
      await bob.page.click("#admin .letter button.retry");
      await expect.poll(() => bob.page.textContent("#admin")).toContain("No dead letters");
      await bob.page.click("button.tab:has-text('Timeline')");
      await expect.poll(() => timeline(bob.page), { timeout: 30_000 }).toContain("This one needs a retry #fail");
      expect(await timeline(bob.page)).not.toContain("note to self");
      // alice's view is not an administrator's.
      expect(await alice.page.locator("button.tab").count()).toBe(0);

      await expect.poll(() => timeline(alice.page), { timeout: 15_000 }).toContain("This one needs a retry #fail");
      if (screenshot) {
        mkdirSync(join(repoRoot, "docs"), { recursive: true });
        await alice.page.screenshot({ path: join(repoRoot, "docs", "horatio.png"), fullPage: true });
      }
      expect(alice.problems).toEqual([]);
      expect(bob.problems).toEqual([]);
    } finally {
      await alice.context.close();
      await bob.context.close();
    }
  }

  it(
    "two users: sign in, post, see each other's posts, validation, a scheduled post, a dead letter retried",
    { timeout: 240_000 },
    async () => {
      const server = await startHoratio(true);
      try {
        await twoUsers(server.url, server.url, true);
      } finally {
        await server.stop();
      }
    },
  );

  it.runIf(postgresAvailable)(
    "the same on PostgreSQL with two server processes, one user on each",
    { timeout: 300_000 },
    async () => {
      const moderation = await startModeration();
      const databaseUrl = await pg!.createDatabase();
      const db = openDatabase(databaseUrl);
      await migrateHoratio(db);
      await db.close();
      const env = { DATABASE_URL: databaseUrl, HORATIO_MODERATION_URL: moderation.url, HORATIO_ADMINS: "bob" };
      const [one, two] = await Promise.all([startHoratioProcess(env), startHoratioProcess(env)]);
      try {
        await twoUsers(one.url, two.url, false);
      } finally {
        await killHoratio(one.child);
        await killHoratio(two.child);
        await new Promise((resolve) => moderation.server.close(resolve));
      }
    },
  );

  it("keeps working with the event store off (reduced mode)", { timeout: 120_000 }, async () => {
    const server = await startHoratio(false);
    const alice = await user(server.url);
    const bob = await user(server.url);
    try {
      await signIn(alice.page, "alice");
      await signIn(bob.page, "bob");
      // SSE without the event store: best effort (no replay after a restart), still live.
      await expect.poll(() => bob.page.textContent("#live")).toBe("● live");
      await post(alice.page, "Posted without the event store");
      await expect.poll(() => timeline(bob.page), { timeout: 15_000 }).toContain("Posted without the event store");
      // Delayed events run on in-memory timers (lost on restart): the scheduled post still appears.
      await post(alice.page, "Scheduled in memory", "5");
      await expect.poll(() => timeline(bob.page), { timeout: 30_000 }).toContain("Scheduled in memory");
      // The admin view says what is missing instead of failing.
      await bob.page.click("button.tab:has-text('Admin')");
      await expect.poll(() => bob.page.textContent("#admin")).toContain("The event store is off");
      expect(alice.problems).toEqual([]);
      expect(bob.problems).toEqual([]);
    } finally {
      await alice.context.close();
      await bob.context.close();
      await server.stop();
    }
  });
});
