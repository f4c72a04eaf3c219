/**
 * The files of a new project (`hamletc init`): a schema, a server with handlers, an Elm front
 * end served on the same origin, and the configuration that builds them. test/user-project.test.ts
 * installs the packed packages into a fresh project and runs all of it.
 */

export const HAMLET_TOML = `# Hamlet project settings. See \`hamletc --help\` and the README for every key.
[hamlet]
schema = ["schema/*.hamlet"]
out = "generated"

[hamlet.features]
database = true
event_store = true
`;

export const schema = (name: string) => `// Your API, in one place: types, endpoints and tables.
package ${name}

/// A short message.
record Note {
  id: Uuid
  text: String @length(1, 280)
  created_at: Timestamp
}

/// The newest notes first.
endpoint ListNotes: GET "/api/notes" {
  request { limit: Int @range(1, 100) = 20 }
  response { notes: List<Note> }
}

/// Write a note.
endpoint CreateNote: POST "/api/notes" {
  request { text: String @length(1, 280) }
  response Note
  errors { TooLong { max: Int } }
}

/// Notes as stored.
@table("notes")
model NoteRow {
  id: Uuid @primary @default(uuid)
  text: String
  created_at: Timestamp @default(now)
}
`;

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      rootDir: ".",
      outDir: "dist",
      types: ["node"],
    },
    include: ["src", "generated/typescript"],
  },
  null,
  2,
)}
`;

/** The official packages generated Elm and `src/Main.elm` use, pinned (see runtime-elm/README.md). */
export const ELM_JSON = `${JSON.stringify(
  {
    type: "application",
    "source-directories": ["src", "generated/elm"],
    "elm-version": "0.19.1",
    dependencies: {
      direct: {
        "elm/browser": "1.0.2",
        "elm/bytes": "1.0.8",
        "elm/core": "1.0.5",
        "elm/html": "1.0.0",
        "elm/http": "2.0.0",
        "elm/json": "1.1.3",
        "elm/regex": "1.0.0",
        "elm/time": "1.0.0",
        "elm/url": "1.0.0",
      },
      indirect: { "elm/file": "1.0.5", "elm/virtual-dom": "1.0.3" },
    },
    "test-dependencies": { direct: {}, indirect: {} },
  },
  null,
  4,
)}
`;

export const GITIGNORE = `node_modules/
dist/
elm-stuff/
# The SQLite database and other local state of the development server.
.hamlet/
# Compiled by elm make (npm run build).
public/main.js
`;

export const SERVER_TS = `/**
 * The API server: the generated routes with your handlers, and the Elm front end (public/) on
 * the same origin. Environment: PORT (default 8080), HOST (default 127.0.0.1), DATABASE_URL
 * (default sqlite:.hamlet/app.db), HAMLET_SESSION_SECRET (required when NODE_ENV=production).
 * Outside production, pending migrations from generated/sql are applied at start-up.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHamletServer, serveStaticFiles, startServer } from "@hamlet/runtime-node";
import { repositories } from "../generated/typescript/repositories.js";
import { registerRoutes, type Handlers } from "../generated/typescript/server.js";
import type { Note, Uuid } from "../generated/typescript/types.js";
import type { NoteRow } from "../generated/typescript/repositories.js";

// This file runs as dist/src/server.js; the project folder is two levels up.
const root = fileURLToPath(new URL("../../", import.meta.url));
const production = process.env["NODE_ENV"] === "production";

function toNote(row: NoteRow): Note {
  return { id: row.id as Uuid, text: row.text, created_at: new Date(row.created_at) };
}

const handlers: Handlers = {
  async listNotes({ limit }, { db, tenant }) {
    const rows = await repositories(db, tenant).noteRow.list();
    rows.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    return { notes: rows.slice(0, limit).map(toNote) };
  },
  async createNote({ text }, { db, tenant }) {
    return toNote(await repositories(db, tenant).noteRow.insert({ text }));
  },
};

const secret = process.env["HAMLET_SESSION_SECRET"];
if (secret === undefined && production) throw new Error("Set HAMLET_SESSION_SECRET (at least 32 bytes).");

const app = await createHamletServer({
  config: {
    database: { url: process.env["DATABASE_URL"] ?? \`sqlite:\${join(root, ".hamlet", "app.db")}\` },
    sessions: { secrets: [secret ?? "development-only-secret-change-me-0123456789"] },
    tenants: { mode: "single", tenant: "default" },
  },
  ...(production ? {} : { migrations: join(root, "generated", "sql") }),
});
registerRoutes(app, handlers);
serveStaticFiles(app, { root: join(root, "public") });

const { url } = await startServer(app, {
  port: Number(process.env["PORT"] ?? 8080),
  host: process.env["HOST"] ?? "127.0.0.1",
});
console.log(\`listening on \${url}\`);
`;

export const MAIN_ELM = `module Main exposing (main)

{-| The front end: lists notes and writes new ones through the generated client. -}

import Api.Endpoints as Endpoints
import Api.Types as Types
import Browser
import Hamlet.Http
import Html exposing (Html)
import Html.Attributes as Attributes
import Html.Events as Events


type alias Model =
    { notes : List Types.Note
    , draft : String
    , problem : Maybe String
    }


type Msg
    = GotNotes (Result (Hamlet.Http.Error Never) Types.ListNotesResponse)
    | Created (Result (Hamlet.Http.Error Types.CreateNoteError) Types.Note)
    | Edited String
    | Submitted


{-| \`""\`: the API is on the server this page came from.
-}
api : Endpoints.Config
api =
    { baseUrl = "" }


main : Program () Model Msg
main =
    Browser.element
        { init = \\_ -> ( { notes = [], draft = "", problem = Nothing }, Endpoints.listNotes api GotNotes { limit = 20 } )
        , update = update
        , view = view
        , subscriptions = \\_ -> Sub.none
        }


update : Msg -> Model -> ( Model, Cmd Msg )
update msg model =
    case msg of
        GotNotes (Ok response) ->
            ( { model | notes = response.notes, problem = Nothing }, Cmd.none )

        GotNotes (Err error) ->
            ( { model | problem = Just (Hamlet.Http.errorToString never error) }, Cmd.none )

        Created (Ok note) ->
            ( { model | notes = note :: model.notes, draft = "", problem = Nothing }, Cmd.none )

        Created (Err error) ->
            ( { model | problem = Just (Hamlet.Http.errorToString createError error) }, Cmd.none )

        Edited text ->
            ( { model | draft = text }, Cmd.none )

        Submitted ->
            ( model, Endpoints.createNote api Created { text = model.draft } )


createError : Types.CreateNoteError -> String
createError error =
    case error of
        Types.TooLong { max } ->
            "At most " ++ String.fromInt max ++ " characters."


view : Model -> Html Msg
view model =
    Html.main_ []
        [ Html.h1 [] [ Html.text "Notes" ]
        , Html.form [ Events.onSubmit Submitted ]
            [ Html.input [ Attributes.value model.draft, Events.onInput Edited ] []
            , Html.button [] [ Html.text "Add" ]
            ]
        , Html.p [] [ Html.text (Maybe.withDefault "" model.problem) ]
        , Html.ul [] (List.map (\\note -> Html.li [] [ Html.text note.text ]) model.notes)
        ]
`;

export const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Notes</title>
    <script src="/main.js"></script>
  </head>
  <body>
    <div id="app"></div>
    <script>
      Elm.Main.init({ node: document.getElementById("app") });
    </script>
  </body>
</html>
`;
