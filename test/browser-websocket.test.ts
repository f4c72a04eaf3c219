/**
 * Issue 15 end to end in headless Chromium: a chat schema's generated TypeScript (`serveChat`) on
 * the runtime's server (SQLite file, real sessions), its generated `Api/WebSocket.elm` compiled
 * with the real `elm make` into a page that runtime-elm/js/websocket.js connects. Two browser
 * contexts (two sessions, each signed in through a test login route) exchange chat messages and
 * typing notices through the server; a frame the server refuses reaches Elm as a typed problem, a
 * frame the generated decoder refuses as an `Err`;
 * the server restarts, the pages reconnect by themselves, a message sent while the server was
 * down is delivered from the queue, and messages flow again. On PostgreSQL, two pages on two
 * server instances talk through the message bus.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumReady, launchChromium } from "./support/chromium.js";
import type { Database } from "../runtime-node/src/db/database.js";
import { openPostgresDatabase } from "../runtime-node/src/db/postgres.js";
import { openSqliteDatabase } from "../runtime-node/src/db/sqlite.js";
import { createHamletServer, startServer, type HamletServer } from "../runtime-node/src/server.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { ensureRuntimeTables } from "../runtime-node/test/support/runtime-tables.js";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import { ELM_JSON, elmProject, elmReady, emitElm, runElmAsync } from "./support/elm-project.js";
import { emitTypescript, tmpRoot, writeFiles } from "./support/ts-emit.js";

const hasChromium = chromiumReady("test/browser-websocket.test.ts");
const ready = hasChromium && elmReady("test/browser-websocket.test.ts");

const SCHEMA = `package chatroom

/// Chat between signed-in users; the server fills in \`from\`.
@auth(session)
websocket Chat: "/ws/chat" {
  ChatMessage { room: String @length(1, 40), text: String @length(1, 500), from: String? }
  Typing { room: String @length(1, 40), from: String? }
}
`;

/** A chat page: every state change, message, typing notice and problem is shown in the DOM. */
const MAIN_ELM = `module Main exposing (main)

import Api.WebSocket as Ws
import Browser
import Html exposing (Html, button, div, input, li, text, ul)
import Html.Attributes exposing (id, value)
import Html.Events exposing (onClick, onInput)
import Json.Decode as Decode


type alias Model =
    { user : String, draft : String, lines : List String, typing : String, states : List String, problems : List String }


type Msg
    = Draft String
    | Send
    | GotChat (Result Decode.Error { room : String, text : String, from : Maybe String })
    | GotTyping (Result Decode.Error { room : String, from : Maybe String })
    | Connection Ws.ConnectionState
    | Problem Ws.Problem


main : Program { user : String } Model Msg
main =
    Browser.element
        { init = \\flags -> ( { user = flags.user, draft = "", lines = [], typing = "", states = [], problems = [] }, Cmd.none )
        , update = update
        , view = view
        , subscriptions =
            \\_ ->
                Sub.batch
                    [ Ws.onChatMessage GotChat
                    , Ws.onTyping GotTyping
                    , Ws.onChatConnectionChange Connection
                    , Ws.onChatProblem Problem
                    ]
        }


update : Msg -> Model -> ( Model, Cmd Msg )
update msg model =
    case msg of
        Draft draft ->
            ( { model | draft = draft }, Ws.sendTyping { room = "lobby", from = Nothing } )

        Send ->
            ( { model | draft = "" }, Ws.sendChatMessage { room = "lobby", text = model.draft, from = Nothing } )

        GotChat (Ok message) ->
            ( { model | lines = model.lines ++ [ Maybe.withDefault "?" message.from ++ ": " ++ message.text ] }, Cmd.none )

        GotChat (Err error) ->
            ( { model | problems = model.problems ++ [ "undecodable: " ++ Decode.errorToString error ] }, Cmd.none )

        GotTyping (Ok notice) ->
            if notice.from == Just model.user then
                ( model, Cmd.none )

            else
                ( { model | typing = Maybe.withDefault "?" notice.from ++ " is typing" }, Cmd.none )

        GotTyping (Err error) ->
            ( { model | problems = model.problems ++ [ "undecodable: " ++ Decode.errorToString error ] }, Cmd.none )

        Connection state ->
            ( { model | states = model.states ++ [ stateText state ] }, Cmd.none )

        Problem problem ->
            ( { model | problems = model.problems ++ [ problemText problem ] }, Cmd.none )


stateText : Ws.ConnectionState -> String
stateText state =
    case state of
        Ws.Connecting ->
            "connecting"

        Ws.Connected ->
            "connected"

        Ws.Disconnected d ->
            "disconnected:" ++ String.fromInt d.code


problemText : Ws.Problem -> String
problemText problem =
    case problem of
        Ws.Refused (Ws.InvalidMessage issues) ->
            "refused: " ++ String.join ", " (List.map .path issues)

        Ws.Refused _ ->
            "refused"

        Ws.UnexpectedFrame frame ->
            "unexpected: " ++ frame

        Ws.SendsDropped count ->
            "dropped: " ++ String.fromInt count


view : Model -> Html Msg
view model =
    div []
        [ div [ id "state" ] [ text (Maybe.withDefault "" (List.head (List.reverse model.states))) ]
        , div [ id "history" ] [ text (String.join " " model.states) ]
        , div [ id "typing" ] [ text model.typing ]
        , ul [ id "messages" ] (List.map (\\line -> li [] [ text line ]) model.lines)
        , ul [ id "problems" ] (List.map (\\line -> li [] [ text line ]) model.problems)
        , input [ id "draft", value model.draft, onInput Draft ] []
        , button [ id "send", onClick Send ] [ text "Send" ]
        ]
`;

function pageHtml(user: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>chat</title><script src="/main.js"></script></head>
<body><div id="app"></div>
<script type="module">
import { connectWebSocket } from "/websocket.js";
const app = Elm.Main.init({ node: document.getElementById("app"), flags: { user: ${JSON.stringify(user)} } });
window.chat = connectWebSocket(app, { name: "Chat", url: "/ws/chat", minDelayMs: 100, maxDelayMs: 800 });
</script></body></html>`;
}

/** What the test uses of the generated `websocket.ts` (imported at run time, after it is emitted). */
type ChatFrame = { readonly tag: string } & Record<string, unknown>;
interface ChatContext {
  readonly session: { readonly data: Record<string, unknown> } | null;
  send(message: ChatFrame): void;
  broadcast(message: ChatFrame): Promise<void>;
}
type ChatHandler = (message: ChatFrame, context: ChatContext) => unknown;
interface ChatModule {
  serveChat(app: HamletServer, handlers: { onChatMessage: ChatHandler; onTyping: ChatHandler }): unknown;
}

const pg = postgresAvailable ? usePostgres() : null;

describe.skipIf(!ready)("two Elm chat pages over the generated WebSocket module, in Chromium", () => {
  const dir = join(tmpRoot, `browser-websocket-${process.pid}`);
  let chat: ChatModule;
  let mainJs: string;
  let db: Database;
  let app: HamletServer | undefined;
  let port = 0;
  let url: string;
  let browser: Browser;

  /** The chat app on `database`; `databaseUrl` also gives the bus its LISTEN connection on PostgreSQL. */
  async function createChatServer(database: Database, databaseUrl: string): Promise<HamletServer> {
    const server = await createHamletServer({
      config: {
        database: { url: databaseUrl },
        sessions: { secrets: ["browser-ws-secret-browser-ws-secret"], ttlSeconds: 600 },
        tenants: { mode: "single" },
      },
      database,
    });
    server.get<{ Querystring: { user: string } }>("/login", async (request, reply) => {
      request.session = await server.hamlet.sessions.create(request, reply, { user: request.query.user });
      return reply.redirect("/");
    });
    server.get("/", async (request, reply) => {
      const session = await server.hamlet.sessions.load(request, reply);
      if (session === null) return reply.code(401).send("sign in first");
      return reply.type("text/html").send(pageHtml(String(session.data["user"])));
    });
    server.get("/favicon.ico", (_request, reply) => reply.code(204).send());
    server.get("/main.js", (_request, reply) => reply.type("text/javascript").send(mainJs));
    server.get("/websocket.js", (_request, reply) =>
      reply.type("text/javascript").send(readFileSync(join(repoRoot, "runtime-elm", "js", "websocket.js"), "utf8")),
    );
    // The server decides who receives what: here everyone in the tenant, signed with the sender's name.
    const signed: ChatHandler = (message, context) => {
      // A frame the page's generated decoder must refuse (room is not a string), for the Err path.
      if (message["text"] === "send me garbage") return context.send({ tag: "ChatMessage", room: 5 });
      return context.broadcast({ ...message, from: String(context.session?.data["user"]) });
    };
    chat.serveChat(server, { onChatMessage: signed, onTyping: signed });
    return server;
  }

  async function startChatServer(): Promise<void> {
    const server = await createChatServer(db, "sqlite:unused");
    const started = await startServer(server, { port });
    url = started.url;
    port = Number(new URL(url).port);
    app = server;
  }

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, "chatroom.hamlet");
    writeFileSync(entry, SCHEMA);
    const { schema, diagnostics } = compile({ entries: [entry], features: { database: true, eventStore: false } });
    expect(diagnostics).toEqual([]);

    // The generated server side, importing the runtime from this repository's sources.
    const tsDir = join(dir, "ts");
    const runtime = relative(tsDir, join(repoRoot, "runtime-node", "src", "index.js"));
    writeFiles(tsDir, await emitTypescript(schema!, runtime));
    chat = (await import(join(tsDir, "websocket.ts"))) as ChatModule;

    // The generated Elm side, compiled with the page by the real Elm compiler.
    const elmJson = {
      ...ELM_JSON,
      dependencies: {
        direct: { ...ELM_JSON.dependencies.direct, "elm/browser": "1.0.2", "elm/html": "1.0.0" },
        indirect: { ...ELM_JSON.dependencies.indirect, "elm/virtual-dom": "1.0.3" },
      },
    };
    const project = elmProject([...(await emitElm(schema!)), { path: "Main.elm", content: MAIN_ELM }]);
    try {
      writeFileSync(join(project.dir, "elm.json"), JSON.stringify(elmJson, null, 4));
      const made = await runElmAsync(project.dir, ["make", "src/Main.elm", "--output=main.js"]);
      expect(made.status, made.output).toBe(0);
      mainJs = readFileSync(join(project.dir, "main.js"), "utf8");
    } finally {
      project.cleanup();
    }

    db = openSqliteDatabase(join(dir, "chat.db"));
    await ensureRuntimeTables(db);
    await startChatServer();
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(user: string, at = url): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error" && !/WebSocket connection/.test(message.text())) errors.push(message.text());
    });
    await page.goto(`${at}/login?user=${user}`);
    await expect.poll(() => page.locator("#state").textContent(), { timeout: 20_000 }).toBe("connected");
    return { page, errors };
  }

  const lines = (page: Page) => page.locator("#messages li").allTextContents();
  const problems = (page: Page) => page.locator("#problems li").allTextContents();

  async function say(page: Page, text: string): Promise<void> {
    await page.locator("#draft").fill(text);
    await page.locator("#send").click();
  }

  it("exchanges messages and typing notices, reports refusals, and reconnects after a server restart", async () => {
    const ada = await signIn("ada");
    const bob = await signIn("bob");
    expect(app!.hamlet).toBeDefined();

    // Typing notices: Ada types, Bob sees it (and Ada does not see her own).
    await ada.page.locator("#draft").fill("hel");
    await expect.poll(() => bob.page.locator("#typing").textContent(), { timeout: 10_000 }).toBe("ada is typing");
    expect(await ada.page.locator("#typing").textContent()).toBe("");

    // Chat messages both ways, signed by the server with the sender's session.
    await say(ada.page, "hello bob");
    await expect.poll(() => lines(bob.page), { timeout: 10_000 }).toEqual(["ada: hello bob"]);
    await say(bob.page, "hi ada");
    await expect.poll(() => lines(ada.page), { timeout: 10_000 }).toEqual(["ada: hello bob", "bob: hi ada"]);
    await expect.poll(() => lines(bob.page)).toEqual(["ada: hello bob", "bob: hi ada"]);

    // An empty message breaks `@length(1, 500)`: the server's validator refuses it and Elm gets a typed refusal.
    await ada.page.locator("#send").click();
    await expect.poll(() => problems(ada.page), { timeout: 10_000 }).toEqual(["refused: $.text"]);
    expect(await lines(bob.page)).toHaveLength(2);

    // A frame that does not decode reaches the subscription as an Err (shown by the page), not a crash.
    await say(ada.page, "send me garbage");
    await expect.poll(async () => (await problems(ada.page)).length, { timeout: 10_000 }).toBe(2);
    expect((await problems(ada.page))[1]).toMatch(/^undecodable: .*room/s);
    expect(await lines(ada.page)).toHaveLength(2);

    // The server goes away: both pages see the 1001 close and start reconnecting on their own.
    await app!.close();
    app = undefined;
    for (const { page } of [ada, bob])
      await expect
        .poll(() => page.locator("#history").textContent(), { timeout: 10_000 })
        .toContain("disconnected:1001");
    // Sent while the server is down (the typing notice of the input and the message): queued in the companion.
    await say(ada.page, "sent while down");
    // Polled: the click reaches the companion through Elm's update and port, which a loaded CI machine can delay.
    await expect
      .poll(() => ada.page.evaluate(() => (window as unknown as { chat: { queued(): number } }).chat.queued()), {
        timeout: 10_000,
      })
      .toBe(2);

    await startChatServer();
    for (const { page } of [ada, bob])
      await expect.poll(() => page.locator("#state").textContent(), { timeout: 20_000 }).toBe("connected");
    // The queued message went out on reconnect (Ada receives her own broadcast).
    await expect.poll(() => lines(ada.page), { timeout: 10_000 }).toContain("ada: sent while down");
    await say(bob.page, "back again");
    await expect.poll(() => lines(ada.page), { timeout: 10_000 }).toContain("bob: back again");
    await say(ada.page, "welcome back");
    await expect.poll(() => lines(bob.page), { timeout: 10_000 }).toContain("ada: welcome back");

    // The sessions survived the restart (same database): the server still knows who is who.
    expect(await lines(bob.page)).toContain("ada: welcome back");
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 120_000);

  it.skipIf(!postgresAvailable)(
    "pages on two server instances sharing PostgreSQL talk through the bus (LISTEN/NOTIFY)",
    async () => {
      // Two app instances in this process, each with its own pool and LISTEN connection, like two
      // processes behind a load balancer (runtime-node/test/websocket.test.ts also runs real ones).
      const databaseUrl = await pg!.createDatabase();
      const databases = [openPostgresDatabase(databaseUrl), openPostgresDatabase(databaseUrl)];
      await ensureRuntimeTables(databases[0]!);
      const servers = await Promise.all(databases.map((database) => createChatServer(database, databaseUrl)));
      try {
        const [first, second] = await Promise.all(servers.map((server) => startServer(server, { port: 0 })));
        const ada = await signIn("ada", first!.url);
        const bob = await signIn("bob", second!.url);
        await ada.page.locator("#draft").fill("h");
        await expect.poll(() => bob.page.locator("#typing").textContent(), { timeout: 10_000 }).toBe("ada is typing");
        await say(ada.page, "from the first server");
        await expect.poll(() => lines(bob.page), { timeout: 10_000 }).toEqual(["ada: from the first server"]);
        await say(bob.page, "from the second");
        await expect
          .poll(() => lines(ada.page), { timeout: 10_000 })
          .toEqual(["ada: from the first server", "bob: from the second"]);
        expect([...ada.errors, ...bob.errors]).toEqual([]);
      } finally {
        for (const server of servers) await server.close();
        for (const database of databases) await database.close();
      }
    },
    120_000,
  );
});
