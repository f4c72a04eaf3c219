module Main exposing (main)

{-| Horatio's single-page app: sign in, read the timeline, write and schedule posts, and (for
administrators) retry dead letters. Every request goes through the generated `Api.Endpoints`,
every form is checked by the generated `Api.Validate` before it is sent.
-}

import Api.Endpoints as Api
import Api.Sse as Sse
import Api.Types as Types
import Api.Validate as Validate
import Browser
import Browser.Navigation
import Chat exposing (Chat)
import Errors
import Hamlet.Http
import Hamlet.Validate exposing (Violation)
import Html exposing (Html, button, div, form, h1, h2, input, label, li, main_, nav, option, p, section, select, span, text, textarea, ul)
import Html.Attributes exposing (class, disabled, id, placeholder, selected, type_, value)
import Html.Events exposing (onClick, onInput, onSubmit)
import Json.Decode
import Photo exposing (Photo)
import Task
import Time
import Timeline exposing (Timeline)


main : Program () Model Msg
main =
    Browser.element { init = init, update = update, view = view, subscriptions = subscriptions }


api : Api.Config
api =
    { baseUrl = "" }



-- MODEL


{-| A request's state: not asked yet, on its way, or failed with a message for the reader.
-}
type Remote a
    = Loading
    | Failed String
    | Loaded a


type Tab
    = TimelineTab
    | AdminTab


type alias Compose =
    { body : String
    , visibility : Types.Visibility
    , delaySeconds : Int
    , sending : Bool
    , violations : List Violation
    , error : Maybe String
    , notice : Maybe String
    }


type alias SignIn =
    { handle : String
    , violations : List Violation
    , error : Maybe String
    }


type alias Admin =
    { letters : Remote Types.ListDeadLettersResponse
    , message : Maybe String
    }


type alias Model =
    { me : Remote Types.Me
    , signIn : SignIn
    , timeline : Timeline
    , timelineState : Remote ()
    , loadingMore : Bool
    , compose : Compose
    , submissions : List Types.Submission
    , tab : Tab
    , admin : Admin
    , zone : Time.Zone
    , live : Sse.Connection
    , chat : Chat
    , photo : Photo
    , following : List String
    }


emptyCompose : Compose
emptyCompose =
    { body = "", visibility = Types.Public, delaySeconds = 0, sending = False, violations = [], error = Nothing, notice = Nothing }


init : () -> ( Model, Cmd Msg )
init _ =
    ( { me = Loading
      , signIn = { handle = "", violations = [], error = Nothing }
      , timeline = Timeline.empty
      , timelineState = Loading
      , loadingMore = False
      , compose = emptyCompose
      , submissions = []
      , tab = TimelineTab
      , admin = { letters = Loading, message = Nothing }
      , zone = Time.utc
      , live = Sse.Connecting
      , chat = Chat.init
      , photo = Photo.init
      , following = []
      }
    , Cmd.batch
        [ Api.getMe api GotMe {}
        , Sse.open Sse.LiveFeed
        , loadNewest
        , Task.perform GotZone Time.here
        ]
    )


loadNewest : Cmd Msg
loadNewest =
    Api.getTimeline api GotNewest Types.defaultGetTimelineRequest



-- UPDATE


type Msg
    = GotZone Time.Zone
    | GotMe (Result (Hamlet.Http.Error Never) Types.Me)
    | HandleChanged String
    | SignInSubmitted
    | SignedIn (Result (Hamlet.Http.Error Types.SignInError) Types.Me)
    | SignOutClicked
    | SignedOut (Result (Hamlet.Http.Error Never) Types.Me)
    | GotNewest (Result (Hamlet.Http.Error Never) Types.GetTimelineResponse)
    | LoadMoreClicked
    | GotOlder (Result (Hamlet.Http.Error Never) Types.GetTimelineResponse)
    | Tick Time.Posix
    | BodyChanged String
    | VisibilityChanged String
    | DelayChanged String
    | ComposeSubmitted
    | ScheduleAt Time.Posix
    | Posted (Result (Hamlet.Http.Error Types.CreatePostError) Types.Post)
    | Submitted (Result (Hamlet.Http.Error Types.SubmitPostError) Types.Submission)
    | GotSubmissions (Result (Hamlet.Http.Error Never) Types.MySubmissionsResponse)
    | ShowTab Tab
    | GotDeadLetters (Result (Hamlet.Http.Error Types.ListDeadLettersError) Types.ListDeadLettersResponse)
    | RetryClicked String
    | Retried (Result (Hamlet.Http.Error Types.RetryDeadLetterError) Types.RetryDeadLetterResponse)
    | GotFeedUpdate (Result Json.Decode.Error Types.FeedUpdate)
    | GotPostPhoto (Result (Hamlet.Http.Error Types.GetPostPhotoError) Types.GetPostPhotoResponse)
    | GotConnection (Result Json.Decode.Error ( Sse.Stream, Sse.Connection ))
    | ChatMsg Chat.Msg
    | PhotoMsg Photo.Msg
    | GotFollowing (Result (Hamlet.Http.Error Never) Types.Following)
    | FollowClicked String Bool


update : Msg -> Model -> ( Model, Cmd Msg )
update msg model =
    case msg of
        GotZone zone ->
            ( { model | zone = zone }, Cmd.none )

        GotMe result ->
            case result of
                Ok me ->
                    ( { model | me = Loaded me }, whenSignedIn me )

                Err error ->
                    ( { model | me = Failed (Errors.describe Errors.never error) }, Cmd.none )

        HandleChanged handle ->
            let
                signIn =
                    model.signIn
            in
            ( { model | signIn = { signIn | handle = String.toLower (String.trim handle), violations = [], error = Nothing } }, Cmd.none )

        SignInSubmitted ->
            let
                request =
                    { handle = model.signIn.handle }

                signIn =
                    model.signIn
            in
            case Validate.validateSignInRequest request of
                [] ->
                    ( model, Api.signIn api SignedIn request )

                violations ->
                    ( { model | signIn = { signIn | violations = violations } }, Cmd.none )

        SignedIn result ->
            let
                signIn =
                    model.signIn
            in
            case result of
                Ok _ ->
                    -- A fresh page: the chat socket connects again, now with the session.
                    ( model, Browser.Navigation.reload )

                Err error ->
                    ( { model | signIn = { signIn | error = Just (Errors.describe Errors.signIn error) } }, Cmd.none )

        SignOutClicked ->
            ( model, Api.signOut api SignedOut {} )

        SignedOut result ->
            case result of
                Ok _ ->
                    ( model, Browser.Navigation.reload )

                Err error ->
                    ( { model | me = Failed (Errors.describe Errors.never error) }, Cmd.none )

        GotNewest result ->
            case result of
                Ok page ->
                    ( { model | timeline = Timeline.withNewest page model.timeline, timelineState = Loaded () }, Cmd.none )

                Err error ->
                    ( { model | timelineState = Failed (Errors.describe Errors.never error) }, Cmd.none )

        LoadMoreClicked ->
            case model.timeline.next of
                Just cursor ->
                    ( { model | loadingMore = True }
                    , Api.getTimeline api
                        GotOlder
                        { author = Nothing, before = Just cursor.before, beforeId = Just cursor.beforeId, limit = 20 }
                    )

                Nothing ->
                    ( model, Cmd.none )

        GotFollowing result ->
            case result of
                Ok { handles } ->
                    -- Following someone may show more of their posts, unfollowing fewer.
                    ( { model
                        | following = handles
                        , timeline = Timeline.withoutFollowersPosts (\author -> not (List.member author handles) && not (isMe model author)) model.timeline
                      }
                    , loadNewest
                    )

                Err _ ->
                    ( model, Cmd.none )

        FollowClicked handle follow ->
            ( model
            , if follow then
                Api.follow api GotFollowing { handle = handle }

              else
                Api.unfollow api GotFollowing { handle = handle }
            )

        GotOlder result ->
            case result of
                Ok page ->
                    ( { model | timeline = Timeline.withPage page model.timeline, loadingMore = False, timelineState = Loaded () }, Cmd.none )

                Err error ->
                    ( { model | loadingMore = False, timelineState = Failed (Errors.describe Errors.never error) }, Cmd.none )

        Tick _ ->
            ( model
            , Cmd.batch
                [ -- The live feed brings new posts while it is open; poll only without it.
                  if model.live == Sse.Open then
                    Cmd.none

                  else
                    loadNewest
                , if signedIn model then
                    Api.mySubmissions api GotSubmissions {}

                  else
                    Cmd.none
                ]
            )

        BodyChanged body ->
            updateCompose model (\c -> { c | body = body, violations = [], error = Nothing, notice = Nothing })

        VisibilityChanged name ->
            updateCompose model (\c -> { c | visibility = visibilityFromString name })

        DelayChanged seconds ->
            updateCompose model (\c -> { c | delaySeconds = Maybe.withDefault 0 (String.toInt seconds) })

        ComposeSubmitted ->
            let
                c =
                    model.compose

                now =
                    { body = c.body, visibility = c.visibility, publishAt = Nothing }
            in
            case Validate.validateCreatePostRequest now of
                [] ->
                    if c.delaySeconds > 0 then
                        ( { model | compose = { c | sending = True } }, Task.perform ScheduleAt Time.now )

                    else
                        ( { model | compose = { c | sending = True } }, Api.createPost api Posted now )

                violations ->
                    ( { model | compose = { c | violations = violations } }, Cmd.none )

        ScheduleAt now ->
            let
                c =
                    model.compose

                request =
                    { body = c.body
                    , visibility = c.visibility
                    , publishAt = Just (Time.millisToPosix (Time.posixToMillis now + c.delaySeconds * 1000))
                    }
            in
            case Validate.validateSubmitPostRequest request of
                [] ->
                    ( model, Api.submitPost api Submitted request )

                violations ->
                    ( { model | compose = { c | sending = False, violations = violations } }, Cmd.none )

        Posted result ->
            case result of
                Ok post ->
                    ( { model
                        | compose = { emptyCompose | notice = Just "Posted." }
                        , timeline = Timeline.withNewest { posts = [ post ], next = Nothing, photos = [] } model.timeline
                      }
                    , Cmd.none
                    )

                Err error ->
                    composeFailed model (Errors.describe Errors.createPost error)

        Submitted result ->
            case result of
                Ok submission ->
                    ( { model
                        | compose = { emptyCompose | notice = Just "Scheduled: it appears once its time has come and moderation allows it." }
                        , submissions = submission :: model.submissions
                      }
                    , Cmd.none
                    )

                Err error ->
                    composeFailed model (Errors.describe Errors.submitPost error)

        GotSubmissions result ->
            case result of
                Ok response ->
                    ( { model | submissions = response.submissions }, Cmd.none )

                Err _ ->
                    ( model, Cmd.none )

        ShowTab AdminTab ->
            let
                admin =
                    model.admin
            in
            ( { model | tab = AdminTab, admin = { admin | letters = Loading } }, Api.listDeadLetters api GotDeadLetters {} )

        ShowTab tab ->
            ( { model | tab = tab }, Cmd.none )

        GotDeadLetters result ->
            let
                admin =
                    model.admin
            in
            case result of
                Ok letters ->
                    ( { model | admin = { admin | letters = Loaded letters } }, Cmd.none )

                Err error ->
                    ( { model | admin = { admin | letters = Failed (Errors.describe Errors.listDeadLetters error) } }, Cmd.none )

        RetryClicked eventId ->
            ( model, Api.retryDeadLetter api Retried { id = eventId } )

        Retried result ->
            let
                admin =
                    model.admin
            in
            case result of
                Ok _ ->
                    ( { model | admin = { admin | message = Just "Retried: it is being delivered again." } }
                    , Api.listDeadLetters api GotDeadLetters {}
                    )

                Err error ->
                    ( { model | admin = { admin | message = Just (Errors.describe Errors.retryDeadLetter error) } }, Cmd.none )

        GotFeedUpdate (Ok (Types.Posted { post })) ->
            ( { model
                | timeline = Timeline.withNewest { posts = [ post ], next = Nothing, photos = [] } model.timeline

                -- A published submission is a post now (same id).
                , submissions = List.filter (\s -> s.post.id /= post.id) model.submissions
              }
              -- A live post comes without its photo: ask for it (none for a text post).
            , Api.getPostPhoto api GotPostPhoto { id = post.id }
            )

        GotPostPhoto result ->
            ( { model | timeline = Result.withDefault model.timeline (Result.map (\{ photo } -> Maybe.withDefault model.timeline (Maybe.map (\p -> Timeline.withPhoto p model.timeline) photo)) result) }
            , Cmd.none
            )

        GotFeedUpdate (Ok (Types.Deleted { id })) ->
            ( { model | timeline = Timeline.without id model.timeline }, Cmd.none )

        GotFeedUpdate _ ->
            ( model, Cmd.none )

        GotConnection (Ok ( Sse.LiveFeed, connection )) ->
            ( { model | live = connection }
              -- Back after a gap: catch up on what the stream did not replay.
            , if connection == Sse.Open && model.live /= Sse.Open then
                loadNewest

              else
                Cmd.none
            )

        GotConnection _ ->
            ( model, Cmd.none )

        PhotoMsg photoMsg ->
            let
                ( photo, cmd ) =
                    Photo.update photoMsg model.photo
            in
            ( { model | photo = photo }, Cmd.map PhotoMsg cmd )

        ChatMsg chatMsg ->
            let
                ( chat, cmd ) =
                    Chat.update chatMsg model.chat
            in
            ( { model | chat = chat }, Cmd.map ChatMsg cmd )


updateCompose : Model -> (Compose -> Compose) -> ( Model, Cmd Msg )
updateCompose model change =
    ( { model | compose = change model.compose }, Cmd.none )


composeFailed : Model -> String -> ( Model, Cmd Msg )
composeFailed model message =
    let
        c =
            model.compose
    in
    ( { model | compose = { c | sending = False, error = Just message } }, Cmd.none )


whenSignedIn : Types.Me -> Cmd Msg
whenSignedIn me =
    case me.handle of
        Just _ ->
            Cmd.batch [ Api.mySubmissions api GotSubmissions {}, Sse.open Sse.HamletRuns, Api.listFollowing api GotFollowing {} ]

        Nothing ->
            Cmd.none


isMe : Model -> String -> Bool
isMe model author =
    case model.me of
        Loaded { handle } ->
            handle == Just author

        _ ->
            False


signedIn : Model -> Bool
signedIn model =
    case model.me of
        Loaded { handle } ->
            handle /= Nothing

        _ ->
            False


visibilityFromString : String -> Types.Visibility
visibilityFromString name =
    case name of
        "Followers" ->
            Types.Followers

        "Private" ->
            Types.Private

        _ ->
            Types.Public


subscriptions : Model -> Sub Msg
subscriptions _ =
    Sub.batch
        [ Sse.onLiveFeed GotFeedUpdate
        , Sse.onConnection GotConnection
        , Sub.map ChatMsg Chat.subscriptions
        , Sub.map PhotoMsg Photo.subscriptions
        , Sub.map PhotoMsg Photo.runsSubscription

        -- The state of scheduled posts (and new posts while the live feed is down), every few seconds.
        , Time.every 3000 Tick
        ]



-- VIEW


view : Model -> Html Msg
view model =
    div [ class "app" ]
        [ nav [ class "bar" ]
            (h1 [] [ text "Horatio" ] :: viewLive model.live :: viewAccount model)
        , main_ []
            (case model.tab of
                TimelineTab ->
                    viewHome model

                AdminTab ->
                    [ viewAdmin model ]
            )
        ]


viewLive : Sse.Connection -> Html msg
viewLive connection =
    case connection of
        Sse.Open ->
            span [ id "live", class "live on" ] [ text "● live" ]

        Sse.Reconnecting _ ->
            span [ id "live", class "live" ] [ text "reconnecting…" ]

        Sse.Connecting ->
            span [ id "live", class "live" ] [ text "connecting…" ]

        Sse.Closed ->
            span [ id "live", class "live" ] [ text "offline" ]


viewAccount : Model -> List (Html Msg)
viewAccount model =
    case model.me of
        Loading ->
            [ span [ class "muted" ] [ text "Loading…" ] ]

        Failed message ->
            [ span [ class "error" ] [ text message ] ]

        Loaded me ->
            case me.handle of
                Just handle ->
                    [ span [ id "me", class "me" ] [ text ("@" ++ handle) ] ]
                        ++ (if me.admin then
                                [ tabButton model TimelineTab "Timeline", tabButton model AdminTab "Admin" ]

                            else
                                []
                           )
                        ++ [ button [ class "link", onClick SignOutClicked ] [ text "Sign out" ] ]

                Nothing ->
                    []


tabButton : Model -> Tab -> String -> Html Msg
tabButton model tab title =
    button
        [ class
            (if model.tab == tab then
                "tab active"

             else
                "tab"
            )
        , onClick (ShowTab tab)
        ]
        [ text title ]


viewHome : Model -> List (Html Msg)
viewHome model =
    [ case model.me of
        Loaded { handle } ->
            case handle of
                Just _ ->
                    viewCompose model.compose

                Nothing ->
                    viewSignIn model.signIn

        _ ->
            text ""
    , viewSubmissions model
    , case model.me of
        Loaded { handle } ->
            case handle of
                Just me ->
                    div []
                        [ Html.map PhotoMsg (Photo.view model.photo)
                        , Html.map ChatMsg (Chat.view me model.chat)
                        ]

                Nothing ->
                    text ""

        _ ->
            text ""
    , viewTimeline model
    ]


viewSignIn : SignIn -> Html Msg
viewSignIn signIn =
    form [ id "sign-in", class "card", onSubmit SignInSubmitted ]
        [ h2 [] [ text "Sign in" ]
        , p [ class "muted" ] [ text "Development sign-in: pick any handle (3 to 20 lowercase letters, digits or _)." ]
        , input [ id "handle", placeholder "your_handle", value signIn.handle, onInput HandleChanged ] []
        , viewViolations signIn.violations
        , viewError signIn.error
        , button [ type_ "submit" ] [ text "Sign in" ]
        ]


viewCompose : Compose -> Html Msg
viewCompose c =
    form [ id "compose", class "card", onSubmit ComposeSubmitted ]
        [ textarea [ id "body", placeholder "What's happening? #tags welcome", value c.body, onInput BodyChanged ] []
        , div [ class "row" ]
            [ label []
                [ text "Who sees it "
                , select [ id "visibility", onInput VisibilityChanged ]
                    (List.map
                        (\v ->
                            option [ value (Types.visibilityToString v), selected (v == c.visibility) ]
                                [ text (Types.visibilityToString v) ]
                        )
                        [ Types.Public, Types.Followers, Types.Private ]
                    )
                ]
            , label []
                [ text "When "
                , select [ id "delay", onInput DelayChanged ]
                    (List.map
                        (\( seconds, name ) ->
                            option [ value (String.fromInt seconds), selected (seconds == c.delaySeconds) ] [ text name ]
                        )
                        [ ( 0, "now" ), ( 5, "in 5 seconds" ), ( 60, "in a minute" ), ( 600, "in 10 minutes" ), ( 3600, "in an hour" ) ]
                    )
                ]
            , span [ class "count" ] [ text (String.fromInt (String.length c.body) ++ "/500") ]
            , button [ type_ "submit", disabled c.sending ]
                [ text
                    (if c.sending then
                        "Sending…"

                     else if c.delaySeconds > 0 then
                        "Schedule"

                     else
                        "Post"
                    )
                ]
            ]
        , viewViolations c.violations
        , viewError c.error
        , case c.notice of
            Just notice ->
                p [ class "notice" ] [ text notice ]

            Nothing ->
                text ""
        ]


viewSubmissions : Model -> Html Msg
viewSubmissions model =
    if List.isEmpty model.submissions then
        text ""

    else
        section [ id "submissions", class "card" ]
            [ h2 [] [ text "Scheduled" ]
            , ul []
                (List.map
                    (\s ->
                        li [ class "submission" ]
                            [ span [ class ("status " ++ Types.submissionStatusToString s.status) ] [ text (Types.submissionStatusToString s.status) ]
                            , text (" " ++ Timeline.formatTime model.zone s.post.createdAt ++ " — " ++ s.post.body)
                            , case s.reason of
                                Just reason ->
                                    span [ class "error" ] [ text (" (" ++ reason ++ ")") ]

                                Nothing ->
                                    text ""
                            ]
                    )
                    model.submissions
                )
            ]


{-| A post, and under it a follow/unfollow button for its author when someone else is signed in.
-}
viewPostWithFollow : Model -> Types.Post -> Html Msg
viewPostWithFollow model post =
    case model.me of
        Loaded { handle } ->
            if handle /= Nothing && handle /= Just post.author then
                let
                    following =
                        List.member post.author model.following
                in
                div [ class "post-row" ]
                    [ Timeline.viewPost model.zone (Timeline.photoOf model.timeline post) post
                    , Timeline.followButton { author = post.author, following = following, onToggle = FollowClicked post.author (not following) }
                    ]

            else
                Timeline.viewPost model.zone (Timeline.photoOf model.timeline post) post

        _ ->
            Timeline.viewPost model.zone (Timeline.photoOf model.timeline post) post


viewTimeline : Model -> Html Msg
viewTimeline model =
    section [ id "timeline" ]
        [ h2 [] [ text "Timeline" ]
        , case model.timelineState of
            Loading ->
                p [ class "muted" ] [ text "Loading posts…" ]

            Failed message ->
                p [ class "error" ] [ text message ]

            Loaded () ->
                if List.isEmpty model.timeline.posts then
                    p [ class "muted" ] [ text "No posts yet." ]

                else
                    text ""
        , div [ class "posts" ] (List.map (viewPostWithFollow model) model.timeline.posts)
        , case model.timeline.next of
            Just _ ->
                button [ id "load-more", class "wide", onClick LoadMoreClicked, disabled model.loadingMore ]
                    [ text
                        (if model.loadingMore then
                            "Loading…"

                         else
                            "Load more"
                        )
                    ]

            Nothing ->
                text ""
        ]


viewAdmin : Model -> Html Msg
viewAdmin model =
    section [ id "admin", class "card" ]
        [ h2 [] [ text "Dead letters" ]
        , viewError model.admin.message
        , case model.admin.letters of
            Loading ->
                p [ class "muted" ] [ text "Loading dead letters…" ]

            Failed message ->
                p [ class "error" ] [ text message ]

            Loaded response ->
                if not response.eventStore then
                    p [ class "muted" ] [ text "The event store is off: failed events are kept in memory only and lost on restart." ]

                else if List.isEmpty response.letters then
                    p [ class "muted" ] [ text "No dead letters. Everything was delivered." ]

                else
                    ul [ class "letters" ] (List.map (viewLetter model.zone) response.letters)
        , button [ class "link", onClick (ShowTab AdminTab) ] [ text "Refresh" ]
        ]


viewLetter : Time.Zone -> Types.DeadLetter -> Html Msg
viewLetter zone letter =
    li [ class "letter" ]
        [ div []
            [ span [ class "name" ] [ text letter.name ]
            , span [ class "muted" ] [ text (" " ++ Timeline.formatTime zone letter.createdAt ++ ", " ++ String.fromInt letter.attempts ++ " attempt(s)") ]
            ]
        , p [ class "error" ] [ text (Maybe.withDefault "no error recorded" letter.lastError) ]
        , p [ class "payload" ] [ text letter.payload ]
        , button [ class "retry", onClick (RetryClicked letter.id) ] [ text "Retry" ]
        ]


viewViolations : List Violation -> Html msg
viewViolations violations =
    if List.isEmpty violations then
        text ""

    else
        ul [ class "violations" ] (List.map (\v -> li [] [ text (fieldName v.path ++ ": " ++ v.message) ]) violations)


{-| `$.body` → `body`.
-}
fieldName : String -> String
fieldName path =
    if String.startsWith "$." path then
        String.dropLeft 2 path

    else
        path


viewError : Maybe String -> Html msg
viewError error =
    case error of
        Just message ->
            p [ class "error", Html.Attributes.attribute "role" "alert" ] [ text message ]

        Nothing ->
            text ""
