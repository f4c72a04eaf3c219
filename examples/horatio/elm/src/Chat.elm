module Chat exposing (Chat, Msg, init, subscriptions, update, view)

{-| The chat room, over the generated `Api.WebSocket` ports (the socket itself is
runtime-elm/js/websocket.js, started in public/app.js). The server writes the author in front of
each message ("alice: hi"), tells who is online (`Presence`) and who is typing (`Typing`, with the
handle as its room).
-}

import Api.WebSocket as Ws
import Html exposing (Html, button, div, form, h2, input, li, p, section, span, text, ul)
import Html.Attributes exposing (class, disabled, id, placeholder, value)
import Html.Events exposing (onInput, onSubmit)
import Json.Decode


room : String
room =
    "lobby"


type alias Chat =
    { messages : List String
    , online : List String
    , typing : Maybe String
    , draft : String
    , state : Ws.ConnectionState
    , problem : Maybe String
    }


init : Chat
init =
    { messages = [], online = [], typing = Nothing, draft = "", state = Ws.Connecting, problem = Nothing }


type Msg
    = GotMessage (Result Json.Decode.Error { room : String, text : String })
    | GotPresence (Result Json.Decode.Error { room : String, online : List String })
    | GotTyping (Result Json.Decode.Error { room : String })
    | GotState Ws.ConnectionState
    | GotProblem Ws.Problem
    | DraftChanged String
    | Send


update : Msg -> Chat -> ( Chat, Cmd Msg )
update msg chat =
    case msg of
        GotMessage (Ok message) ->
            ( { chat | messages = List.take 50 (message.text :: chat.messages), typing = Nothing }, Cmd.none )

        GotPresence (Ok presence) ->
            ( { chat | online = presence.online }, Cmd.none )

        GotTyping (Ok typing) ->
            ( { chat | typing = Just typing.room }, Cmd.none )

        GotState state ->
            ( { chat | state = state }, Cmd.none )

        GotProblem problem ->
            ( { chat | problem = Just (describe problem) }, Cmd.none )

        DraftChanged draft ->
            ( { chat | draft = draft, problem = Nothing }
            , if String.isEmpty chat.draft && not (String.isEmpty draft) then
                Ws.sendTyping { room = room }

              else
                Cmd.none
            )

        Send ->
            if String.isEmpty (String.trim chat.draft) then
                ( chat, Cmd.none )

            else
                ( { chat | draft = "" }, Ws.sendChatMessage { room = room, text = chat.draft } )

        _ ->
            ( chat, Cmd.none )


describe : Ws.Problem -> String
describe problem =
    case problem of
        Ws.Refused Ws.RateLimited ->
            "Slow down: the server refused a message sent too fast."

        Ws.Refused (Ws.InvalidMessage issues) ->
            "The server refused the message: " ++ String.join ", " (List.map .message issues)

        Ws.Refused _ ->
            "The server refused a message."

        Ws.UnexpectedFrame _ ->
            "The server sent something this page does not understand."

        Ws.SendsDropped n ->
            String.fromInt n ++ " message(s) could not be sent while offline."


subscriptions : Sub Msg
subscriptions =
    Sub.batch
        [ Ws.onChatMessage GotMessage
        , Ws.onPresence GotPresence
        , Ws.onTyping GotTyping
        , Ws.onChatConnectionChange GotState
        , Ws.onChatProblem GotProblem
        ]


view : String -> Chat -> Html Msg
view me chat =
    section [ id "chat", class "card" ]
        [ h2 [] [ text "Chat" ]
        , p [ class "muted" ]
            [ text
                (case chat.state of
                    Ws.Connected ->
                        "Online: " ++ String.join ", " chat.online

                    Ws.Connecting ->
                        "Connecting…"

                    Ws.Disconnected _ ->
                        "Disconnected; reconnecting…"
                )
            ]
        , case chat.typing of
            Just handle ->
                if handle /= me then
                    p [ class "muted typing" ] [ text (handle ++ " is typing…") ]

                else
                    text ""

            Nothing ->
                text ""
        , ul [ class "messages" ] (List.map (\message -> li [] [ text message ]) (List.reverse chat.messages))
        , form [ class "row", onSubmit Send ]
            [ input [ id "chat-input", placeholder "Say something", value chat.draft, onInput DraftChanged ] []
            , button [ disabled (chat.state /= Ws.Connected) ] [ text "Send" ]
            ]
        , case chat.problem of
            Just problem ->
                p [ class "error" ] [ text problem ]

            Nothing ->
                div [] []
        ]
