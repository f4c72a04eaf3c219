/**
 * Typed Web Workers in real headless Chromium: a schema with one `worker` is compiled; its Elm
 * (`Api/Workers.elm` port module, compiled with the real `elm make` into a `Browser.element`
 * page) and TypeScript (`web-workers.ts`, the worker body bundled for the browser with esbuild)
 * are emitted; `runtime-elm/js/worker.js` wires the ports. The page starts runs and shows what
 * Elm decoded: progress then the output, two runs at once, a run past `timeoutMs` (`TimedOut`),
 * a cancelled run, the declared error,
 * a rejected input and a rejected output (both with the validator's path), a crash, and a reply
 * from a rogue worker that fails Elm's decoder (a typed failure, not a half-typed value).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumReady, launchChromium } from "./support/chromium.js";
import { repoRoot } from "./support/corpus.js";
import { elmReady } from "./support/elm-home.js";
import { ELM_JSON, emitElm, runElmAsync } from "./support/elm-project.js";
import { compileSchema, emitTypescript, tmpRoot, writeFiles } from "./support/ts-emit.js";

const hasChromium = chromiumReady("test/browser-webworker.test.ts");
const ready = elmReady("test/browser-webworker.test.ts");

const SCHEMA = `package webworker_test

/// Counts to a number, reporting progress.
worker Counter {
  input CountJob { upto: Int @range(1, 1000), mode: String }
  progress CountProgress { done: Int, percent: Float @range(0, 100) }
  output CountDone { total: Int }
  error CountRefused { reason: String }
}
`;

/** The worker body, as an app writes it against the generated module. */
const BODY = `import { defineWebWorkerCounter } from "./typescript/web-workers.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

defineWebWorkerCounter(async (job, { progress, fail }) => {
  switch (job.mode) {
    case "refuse":
      return fail({ reason: "not today" });
    case "bad-output":
      return { total: 1.5 };
    case "crash":
      throw new Error("the body threw");
    case "slow":
      await sleep(60_000);
  }
  for (let i = 1; i <= 4; i++) {
    await sleep(10);
    progress({ done: i, percent: i * 25 });
  }
  return { total: job.upto * 2 };
});
`;

/** A worker that answers with a reply the worker body's validators would never let through. */
const ROGUE = `self.onmessage = () => self.postMessage({ tag: "output", value: { total: "many" } });`;

const MAIN = `module Main exposing (main)

import Api.Workers as Workers exposing (CounterEvent(..))
import Browser
import Html exposing (Html, button, div, li, text, ul)
import Html.Attributes exposing (id)
import Html.Events exposing (onClick)


type alias Model =
    List String


type Msg
    = Start String String Int
    | Cancel String
    | Got Workers.JobId CounterEvent


main : Program () Model Msg
main =
    Browser.element
        { init = \\_ -> ( [], Cmd.none )
        , update = update
        , view = view
        , subscriptions = \\_ -> Workers.onCounter Got
        }


update : Msg -> Model -> ( Model, Cmd Msg )
update msg model =
    case msg of
        Start job mode upto ->
            ( model, Workers.startCounter job { upto = upto, mode = mode } )

        Cancel job ->
            ( model, Workers.cancelCounter job )

        Got job event ->
            ( model ++ [ job ++ " " ++ describe event ], Cmd.none )


describe : CounterEvent -> String
describe event =
    case event of
        CounterProgress p ->
            "progress " ++ String.fromInt p.done ++ " " ++ String.fromFloat p.percent

        CounterOutput o ->
            "output " ++ String.fromInt o.total

        CounterError e ->
            "error " ++ e.reason

        CounterFailed f ->
            "failed " ++ Workers.failureToString f


view : Model -> Html Msg
view model =
    div []
        [ button [ id "run", onClick (Start "a" "count" 21) ] [ text "run" ]
        , button [ id "run2", onClick (Start "g" "count" 5) ] [ text "run2" ]
        , button [ id "slow", onClick (Start "b" "slow" 1) ] [ text "slow" ]
        , button [ id "cancel", onClick (Cancel "b") ] [ text "cancel" ]
        , button [ id "refuse", onClick (Start "c" "refuse" 1) ] [ text "refuse" ]
        , button [ id "bad-input", onClick (Start "d" "count" 5000) ] [ text "bad input" ]
        , button [ id "bad-output", onClick (Start "e" "bad-output" 1) ] [ text "bad output" ]
        , button [ id "crash", onClick (Start "f" "crash" 1) ] [ text "crash" ]
        , ul [ id "log" ] (List.map (\\line -> li [] [ text line ]) model)
        ]
`;

/** The same worker body written in Elm: a `Platform.worker` on the generated Api.WorkerBodies. */
const ELM_BODY = `module Body exposing (main)

import Api.Types exposing (CountJob)
import Api.WorkerBodies as Bodies
import Platform
import Task


type Msg
    = Got (Result String CountJob)
    | Finish CountJob


main : Program () () Msg
main =
    Platform.worker
        { init = \\_ -> ( (), Cmd.none )
        , update = update
        , subscriptions = \\_ -> Bodies.onCounterInput Got
        }


{-| Cmd.batch promises no order between commands: the output goes out in a later update than the progress.
-}
update : Msg -> () -> ( (), Cmd Msg )
update msg model =
    case msg of
        Got (Ok job) ->
            if job.mode == "refuse" then
                ( model, Bodies.counterError { reason = "Elm says no" } )

            else
                ( model, Cmd.batch [ Bodies.counterProgress { done = 1, percent = 50 }, Task.perform (\\_ -> Finish job) (Task.succeed ()) ] )

        Finish job ->
            ( model, Bodies.counterOutput { total = job.upto * 3 } )

        Got (Err message) ->
            ( model, Bodies.rejectCounterInput message )
`;

/** The Elm body's Web Worker: loads the compiled program, then wires its ports. */
const ELM_ENTRY = `import { connectWorkerBody } from "../../../runtime-elm/js/worker-body.js";

declare const self: { importScripts(url: string): void; Elm: { Body: { init(): never } } };
self.importScripts("/body-elm.js");
connectWorkerBody(self.Elm.Body.init(), "Counter");
`;

const INDEX = `<!doctype html>
<html>
  <body>
    <div id="app"></div>
    <script src="/elm.js"></script>
    <script type="module">
      import { connectWorkers } from "/worker.js";
      const app = Elm.Main.init({ node: document.getElementById("app") });
      const scripts = { "?rogue": "/rogue.js", "?elm": "/elm-body.worker.js" };
      const script = scripts[location.search] ?? "/counter.worker.js";
      const options = location.search === "?timeout" ? { timeoutMs: { Counter: 300 } } : {};
      window.connection = connectWorkers(app, { Counter: () => new Worker(script) }, options);
      document.body.dataset.ready = "yes";
    </script>
  </body>
</html>
`;

const dir = join(tmpRoot, `browser-webworker-${process.pid}`);

describe.skipIf(!hasChromium || !ready)("typed Web Workers from Elm, in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const site = join(dir, "site");
    mkdirSync(site, { recursive: true });
    writeFileSync(join(dir, "schema.hamlet"), SCHEMA);
    const schema = compileSchema(join(dir, "schema.hamlet"));

    // The worker body, bundled for the browser: it must not pull in any Node module.
    writeFiles(join(dir, "typescript"), await emitTypescript(schema, "../../../../runtime-node/src/index.js"));
    writeFileSync(join(dir, "body.ts"), BODY);
    await build({
      entryPoints: [join(dir, "body.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      outfile: join(site, "counter.worker.js"),
      logLevel: "silent",
    });
    writeFileSync(join(site, "rogue.js"), ROGUE);
    writeFileSync(join(site, "worker.js"), readFileSync(join(repoRoot, "runtime-elm", "js", "worker.js")));
    writeFileSync(join(site, "index.html"), INDEX);

    // The Elm page, with the real compiler.
    const elm = join(dir, "elm");
    const elmJson = {
      ...ELM_JSON,
      dependencies: {
        direct: { ...ELM_JSON.dependencies.direct, "elm/browser": "1.0.2", "elm/html": "1.0.0" },
        indirect: { ...ELM_JSON.dependencies.indirect, "elm/virtual-dom": "1.0.3" },
      },
    };
    writeFiles(join(elm, "src"), new Map((await emitElm(schema)).map((f) => [f.path, f.content])));
    writeFileSync(join(elm, "src", "Main.elm"), MAIN);
    writeFileSync(join(elm, "elm.json"), `${JSON.stringify(elmJson, null, 4)}\n`);
    const made = await runElmAsync(elm, ["make", "src/Main.elm", `--output=${join(site, "elm.js")}`]);
    expect(made.status, made.output).toBe(0);
    writeFileSync(join(elm, "src", "Body.elm"), ELM_BODY);
    const body = await runElmAsync(elm, ["make", "src/Body.elm", `--output=${join(site, "body-elm.js")}`]);
    expect(body.status, body.output).toBe(0);
    writeFileSync(join(dir, "elm-entry.ts"), ELM_ENTRY);
    await build({
      entryPoints: [join(dir, "elm-entry.ts")],
      bundle: true,
      platform: "browser",
      format: "iife",
      outfile: join(site, "elm-body.worker.js"),
      logLevel: "silent",
    });

    server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const file = join(site, path === "/" ? "index.html" : path.slice(1));
      if (!file.startsWith(site) || !existsSync(file)) return void response.writeHead(404).end();
      const type = file.endsWith(".html") ? "text/html" : "text/javascript";
      response.writeHead(200, { "content-type": type }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(query = ""): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(`${url}/${query}`);
    await page.locator("body[data-ready=yes]").waitFor({ timeout: 30_000 });
    return { page, problems };
  }

  /** The lines the Elm page shows for one job. */
  async function lines(page: Page, job: string): Promise<string[]> {
    const all = await page.locator("#log li").allTextContents();
    return all.filter((line) => line.startsWith(`${job} `)).map((line) => line.slice(job.length + 1));
  }

  async function until(page: Page, job: string, count: number): Promise<string[]> {
    await expect.poll(async () => (await lines(page, job)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count);
    return lines(page, job);
  }

  it("shows typed progress and then the output, for two runs at once", async () => {
    const { page, problems } = await open();
    await page.click("#run");
    await page.click("#run2");
    expect(await until(page, "a", 5)).toEqual([
      "progress 1 25",
      "progress 2 50",
      "progress 3 75",
      "progress 4 100",
      "output 42",
    ]);
    expect(await until(page, "g", 5)).toEqual(expect.arrayContaining(["progress 4 100", "output 10"]));
    // Each run's Worker is stopped once it ended.
    expect(await page.evaluate(() => (window as unknown as WithConnection).connection.running("Counter"))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("ends a run that outlives connectWorkers' timeoutMs with a typed TimedOut failure, and stops its Worker", async () => {
    const { page, problems } = await open("?timeout");
    await page.click("#slow");
    expect(await until(page, "b", 1)).toEqual(["failed timed out after 300 ms"]);
    expect(await page.evaluate(() => (window as unknown as WithConnection).connection.running("Counter"))).toEqual([]);
    // A run that ends in time is not touched by the timer.
    await page.click("#run");
    expect(await until(page, "a", 5)).toEqual(expect.arrayContaining(["progress 4 100", "output 42"]));
    await page.waitForTimeout(400);
    expect(await lines(page, "a")).toHaveLength(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("cancels a run, reports the declared error, rejected messages and a crash as typed failures", async () => {
    const { page, problems } = await open();
    await page.click("#slow");
    await expect
      .poll(() => page.evaluate(() => (window as unknown as WithConnection).connection.running("Counter")))
      .toEqual(["b"]);
    await page.click("#cancel");
    expect(await until(page, "b", 1)).toEqual(["failed cancelled"]);
    await page.click("#refuse");
    expect(await until(page, "c", 1)).toEqual(["error not today"]);
    await page.click("#bad-input");
    expect(await until(page, "d", 1)).toEqual([expect.stringMatching(/^failed invalid input: \$\.upto /)]);
    await page.click("#bad-output");
    expect(await until(page, "e", 1)).toEqual([
      expect.stringMatching(/^failed invalid output from the worker: \$\.total /),
    ]);
    await page.click("#crash");
    expect(await until(page, "f", 1)).toEqual(["failed the worker crashed: the body threw"]);
    expect(await page.evaluate(() => (window as unknown as WithConnection).connection.running("Counter"))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("runs a worker body written in Elm (Platform.worker on Api.WorkerBodies)", async () => {
    const { page, problems } = await open("?elm");
    await page.click("#run");
    expect(await until(page, "a", 2)).toEqual(["progress 1 50", "output 63"]);
    await page.click("#refuse");
    expect(await until(page, "c", 1)).toEqual(["error Elm says no"]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("turns a reply that fails Elm's decoder into a typed failure", async () => {
    const { page, problems } = await open("?rogue");
    await page.click("#run");
    const [line] = await until(page, "a", 1);
    expect(line).toMatch(/^failed invalid output from the worker: \$ /);
    expect(line).toContain("Expecting an INT");
    expect(problems).toEqual([]);
    await page.close();
  });
});

interface WithConnection {
  connection: { running(worker: string): string[] };
}
