/**
 * Uploading from an Elm page in real headless Chromium: the fixture schema's generated Elm
 * (`Api.Uploads.addImage` with `addImageProgress`, `Api.Endpoints.imageStatus`) compiled with
 * `elm make` into test/fixtures/upload-page/Main.elm's page, served by runtime-node with the
 * generated uploads.ts, events.ts (event store on SQLite, workflow ProcessImage) and server.ts.
 * The test picks a real PNG file with `setInputFiles`; the page shows the upload's progress, the
 * stored id, then the status the workflow published. A file over `max_size` is refused by the
 * page itself, before any request.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHamletServer,
  createLocalStorage,
  startServer,
  type EventSystem,
  type HamletServer,
  type UploadOutcome,
} from "@hamlet/runtime-node";
import { generateModules, runtimeFiles } from "../emitters/elm/index.js";
import { eventStoreStatements } from "../emitters/sql/event-store.js";
import { useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { repoRoot } from "./support/corpus.js";
import { elmBin, elmHome, elmReady } from "./support/elm-home.js";
import { ELM_JSON } from "./support/elm-project.js";
import { compileSchema } from "./support/ts-emit.js";
import { FIXTURE_DURABLE, generateFixture, png } from "./support/uploads.js";
import { chromiumReady, launchChromium } from "./support/chromium.js";

const run = promisify(execFile);
const hasChromium = chromiumReady("test/browser-uploads.test.ts");
const ready = hasChromium && elmReady("test/browser-uploads.test.ts");

const databases = useFreshDatabases();

describe.skipIf(!ready)("uploading from an Elm page in Chromium", () => {
  let work: string;
  let gen: string;
  let app: HamletServer;
  let browser: Browser;
  let url: string;
  let system: EventSystem;
  const outcomes: UploadOutcome[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "hamlet-browser-uploads-"));
    // The page: generated Elm modules + the runtime modules + Main.elm, compiled by elm make.
    const schemaFile = join(work, "gallery.hamlet");
    writeFileSync(schemaFile, FIXTURE_DURABLE);
    const elmDir = join(work, "elm");
    for (const file of [...generateModules(compileSchema(schemaFile), "Api"), ...runtimeFiles()]) {
      const path = join(elmDir, "src", file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
    copyFileSync(join(repoRoot, "test", "fixtures", "upload-page", "Main.elm"), join(elmDir, "src", "Main.elm"));
    const elmJson = {
      ...ELM_JSON,
      dependencies: {
        direct: { ...ELM_JSON.dependencies.direct, "elm/browser": "1.0.2", "elm/html": "1.0.0" },
        indirect: { "elm/virtual-dom": "1.0.3" },
      },
    };
    writeFileSync(join(elmDir, "elm.json"), JSON.stringify(elmJson, null, 4));
    await run(elmBin, ["make", "src/Main.elm", "--output=main.js"], {
      cwd: elmDir,
      env: { ...process.env, ELM_HOME: elmHome },
    });
    const mainJs = readFileSync(join(elmDir, "main.js"), "utf8");

    // The server: generated uploads.ts, events.ts and server.ts on SQLite with the event store.
    gen = await generateFixture(FIXTURE_DURABLE, true);
    const uploads = (await import(join(gen, "uploads.ts"))) as {
      registerUploads(app: HamletServer, handlers: unknown, options: unknown): unknown;
    };
    const events = (await import(join(gen, "events.ts"))) as {
      registerEvents(app: HamletServer, options: unknown): EventSystem;
    };
    const server = (await import(join(gen, "server.ts"))) as {
      registerRoutes(app: HamletServer, handlers: unknown): void;
    };
    const db = await databases.open("sqlite");
    await db.transaction(async (tx) => {
      for (const sql of eventStoreStatements("sqlite")) await tx.execute(sql);
    });
    app = await createHamletServer({
      config: {
        database: { url: "sqlite::memory:", privilegeCheck: "off" },
        sessions: { secrets: ["upload-test-secret-upload-test-secret"] },
        tenants: { mode: "single" },
      },
      database: db,
      reportCrash: false,
    });
    app.addHook("onClose", () => db.close());
    const storage = createLocalStorage({ dir: join(work, "files") });
    const statuses = new Map<string, string>();
    type Payload = { image_id: string; storage_key: string };
    system = events.registerEvents(app, {
      runtime: { pollMs: 50 },
      handlers: {},
      workflows: {
        processImage: {
          measure: async (input: { trigger: Payload }) => {
            statuses.set(input.trigger.image_id, "measuring");
            const object = await storage.read(input.trigger.storage_key);
            let bytes = 0;
            for await (const chunk of object!.body) bytes += (chunk as Buffer).length;
            return { bytes };
          },
          publish: async (input: { trigger: Payload; outputs: { measure: { bytes: number } } }) => {
            statuses.set(input.trigger.image_id, `published: ${input.outputs.measure.bytes} bytes`);
          },
        },
      },
    });
    uploads.registerUploads(
      app,
      {
        addImage: async (
          _fields: unknown,
          file: { id: string; key: string },
          context: { emit(name: string, payload: Payload): Promise<unknown> },
        ) => {
          statuses.set(file.id, "pending");
          await context.emit("ImageUploaded", { image_id: file.id, storage_key: file.key });
          return { image_id: file.id };
        },
        attachment: async () => {
          throw new Error("not used here");
        },
      },
      { storage, onOutcome: (outcome: UploadOutcome) => outcomes.push(outcome) },
    );
    server.registerRoutes(app, {
      imageStatus: async (request: { id: string }) => ({ status: statuses.get(request.id) ?? "unknown" }),
    });
    app.post("/login", async (request, reply) => {
      request.session = await app.hamlet.sessions.create(request, reply, { user: "ada" });
      return { tag: "Ok" };
    });
    app.get("/", async (_request, reply) =>
      reply
        .type("text/html")
        .send(
          '<!doctype html><html><body><div id="app"></div><script src="/main.js"></script>' +
            '<script>Elm.Main.init({ node: document.getElementById("app") });</script></body></html>',
        ),
    );
    app.get("/main.js", async (_request, reply) => reply.type("text/javascript").send(mainJs));
    url = (await startServer(app, { port: 0 })).url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (gen !== undefined) rmSync(join(gen, ".."), { recursive: true, force: true });
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("picks a PNG, shows the upload's progress, the stored id and then the processed status", async () => {
    const page = await browser.newPage();
    try {
      expect((await page.request.post(`${url}/login`, { data: {} })).status()).toBe(200);
      await page.goto(url);
      const image = png(64, 64, 200 * 1024);
      const file = join(work, "sunset.png");
      writeFileSync(file, image);
      await page.setInputFiles("#file", file);
      await page.waitForFunction(() => document.querySelector("#result")?.textContent?.startsWith("stored "));
      const result = await page.textContent("#result");
      const id = result!.slice("stored ".length);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.textContent("#progress")).toBe("100%");
      expect(Number(await page.textContent("#progress-events"))).toBeGreaterThan(0);
      await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("published"), null, {
        timeout: 30_000,
      });
      expect(await page.textContent("#status")).toBe(`published: ${image.length} bytes`);
      expect(outcomes.at(-1)).toMatchObject({ upload: "AddImage", status: 200, tag: "Stored" });
    } finally {
      await page.close();
    }
  });

  it("reports a request without a session as BadStatus 401, not as a refusal of the file", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      const file = join(work, "anonymous.png");
      writeFileSync(file, png(64, 64, 10 * 1024));
      await page.setInputFiles("#file", file);
      await page.waitForFunction(() => /^(failed|refused)/.test(document.querySelector("#result")?.textContent ?? ""));
      expect(await page.textContent("#result")).toBe('failed: Bad status 401: {"tag":"Unauthorized"}');
    } finally {
      await page.close();
    }
  });

  it("refuses a file over max_size in the page, without sending it", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      const before = outcomes.length;
      const file = join(work, "huge.png");
      writeFileSync(file, png(64, 64, 300 * 1024));
      await page.setInputFiles("#file", file);
      await page.waitForFunction(() => document.querySelector("#result")?.textContent?.startsWith("refused"));
      expect(await page.textContent("#result")).toBe("refused: The file is larger than 262144 bytes.");
      expect(outcomes.length).toBe(before);
      await system.drain({ timeoutMs: 20_000 });
    } finally {
      await page.close();
    }
  });
});
