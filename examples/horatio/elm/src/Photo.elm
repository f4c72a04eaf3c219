module Photo exposing (Msg, Photo, init, runsSubscription, subscriptions, update, view)

{-| Upload a photo: the chosen image is first shrunk to at most 2048 px in a Web Worker (the
`ImageResizer` worker of app.hamlet, through the generated `Api.Workers`; its body is
workers/image-resizer.ts) with its progress shown, then sent with upload progress (generated
`Api.Uploads`, `photoUploadBytes`), then its `PublishPhoto` workflow is shown step by step as the
server reports it (`Api.Sse.onRunUpdate` on `/hamlet/runs`). When the worker cannot resize the
image, the file is uploaded as it was chosen.
-}

import Api.Sse as Sse
import Api.Types as Types
import Api.Uploads as Uploads
import Api.Workers as Workers
import Errors
import File exposing (File)
import File.Select
import Hamlet.Bytes
import Hamlet.Http
import Hamlet.Uuid
import Html exposing (Html, button, div, h2, input, li, p, progress, section, text, ul)
import Html.Attributes exposing (class, disabled, id, placeholder, value)
import Html.Events exposing (onClick, onInput)
import Json.Decode
import Task


type alias Photo =
    { file : Maybe File
    , caption : String
    , job : Int
    , resizing : Maybe Float
    , resized : Maybe Types.ResizedImage
    , notice : Maybe String
    , sending : Maybe Float
    , error : Maybe String
    , steps : List String
    , status : Maybe String
    }


init : Photo
init =
    { file = Nothing
    , caption = ""
    , job = 0
    , resizing = Nothing
    , resized = Nothing
    , notice = Nothing
    , sending = Nothing
    , error = Nothing
    , steps = []
    , status = Nothing
    }


type Msg
    = PickClicked
    | Picked File
    | Read String
    | Resizing Workers.JobId Workers.ImageResizerEvent
    | CaptionChanged String
    | UploadClicked
    | Progressed Float
    | Uploaded (Result (Hamlet.Http.Error (Uploads.UploadError Never)) Types.PhotoUploadResponse)
    | GotRun (Result Json.Decode.Error Sse.RunUpdate)


{-| Photos of one shared album.
-}
album : Maybe Hamlet.Uuid.Uuid
album =
    Hamlet.Uuid.fromString "0a1b2c3d-0000-4000-8000-00000000a1b0"


{-| Longest side of what is uploaded, in pixels.
-}
maxSide : Int
maxSide =
    2048


update : Msg -> Photo -> ( Photo, Cmd Msg )
update msg photo =
    case msg of
        PickClicked ->
            ( photo, File.Select.file Uploads.photoUploadConstraints.types Picked )

        Picked file ->
            ( { photo | file = Just file, job = photo.job + 1, resizing = Just 0, resized = Nothing, notice = Nothing, error = Nothing }
            , Task.perform Read (File.toUrl file)
            )

        Read dataUrl ->
            -- A data URL is the file's base64 text after the comma.
            case Hamlet.Bytes.fromBase64 (afterComma dataUrl) of
                Just image ->
                    ( photo, Workers.startImageResizer (jobId photo) { image = image, maxSide = maxSide } )

                Nothing ->
                    ( { photo | resizing = Nothing, notice = Just "This file cannot be read; it will be sent as it is." }, Cmd.none )

        Resizing job event ->
            if job /= jobId photo then
                ( photo, Cmd.none )

            else
                case event of
                    Workers.ImageResizerProgress { percent } ->
                        ( { photo | resizing = Just percent }, Cmd.none )

                    Workers.ImageResizerOutput image ->
                        ( { photo | resizing = Nothing, resized = Just image, notice = Just (describeResized image) }, Cmd.none )

                    Workers.ImageResizerError { error } ->
                        ( { photo | resizing = Nothing, notice = Just ("Not resized (" ++ error ++ "); it will be sent as it is.") }, Cmd.none )

                    Workers.ImageResizerFailed failure ->
                        ( { photo | resizing = Nothing, notice = Just ("Not resized (" ++ Workers.failureToString failure ++ "); it will be sent as it is.") }, Cmd.none )

        CaptionChanged caption ->
            ( { photo | caption = caption }, Cmd.none )

        UploadClicked ->
            case ( photo.file, album ) of
                ( Just file, Just albumId ) ->
                    let
                        fields =
                            { albumId = albumId
                            , caption =
                                if String.isEmpty photo.caption then
                                    Nothing

                                else
                                    Just photo.caption
                            }

                        send =
                            case Maybe.andThen (\image -> Maybe.map (Tuple.pair image.contentType) (Hamlet.Bytes.toBytes image.image)) photo.resized of
                                Just ( mime, bytes ) ->
                                    Uploads.photoUploadBytes { baseUrl = "" } Uploaded fields { mime = mime, bytes = bytes }

                                Nothing ->
                                    Uploads.photoUpload { baseUrl = "" } Uploaded fields file
                    in
                    ( { photo | sending = Just 0, error = Nothing, steps = [], status = Nothing }, send )

                _ ->
                    ( { photo | error = Just "Choose a photo first." }, Cmd.none )

        Progressed fraction ->
            ( { photo | sending = Just fraction }, Cmd.none )

        Uploaded (Ok _) ->
            ( { photo | sending = Nothing, file = Nothing, resized = Nothing, notice = Nothing, caption = "", status = Just "Uploaded; processing…" }, Cmd.none )

        Uploaded (Err error) ->
            ( { photo | sending = Nothing, error = Just (describe error) }, Cmd.none )

        GotRun (Ok run) ->
            if run.workflow /= "PublishPhoto" then
                ( photo, Cmd.none )

            else
                ( { photo
                    | steps =
                        case ( run.step, run.stepStatus ) of
                            ( Just step, Just Sse.StepRunning ) ->
                                -- The thumbnail worker's progress, live; a late one never hides the step's end.
                                if finished step photo.steps then
                                    photo.steps

                                else
                                    withoutLive step photo.steps ++ [ running step run.progress ]

                            ( Just step, Just Sse.StepWaiting ) ->
                                -- With several server processes a step's end may arrive before its wait.
                                if finished step photo.steps then
                                    photo.steps

                                else
                                    withoutLive step photo.steps ++ [ waiting step ]

                            ( Just step, Just Sse.StepDone ) ->
                                withoutLive step photo.steps ++ [ step ++ " ✓" ]

                            ( Just step, Just Sse.StepFailed ) ->
                                withoutLive step photo.steps ++ [ step ++ " failed" ]

                            _ ->
                                photo.steps
                    , status =
                        case run.status of
                            Sse.Running ->
                                Just "Processing…"

                            Sse.Completed ->
                                Just "Done: the photo is processed."

                            Sse.Failed ->
                                Just "Processing failed: the photo could not be published."
                  }
                , Cmd.none
                )

        GotRun (Err _) ->
            ( photo, Cmd.none )


{-| Whether the step's end was shown already (with several server processes it may arrive first).
-}
finished : String -> List String -> Bool
finished step steps =
    List.member (step ++ " ✓") steps || List.member (step ++ " failed") steps


{-| The steps shown without the live line (progress or waiting) of `step`.
-}
withoutLive : String -> List String -> List String
withoutLive step =
    List.filter (not << String.startsWith (step ++ ": "))


{-| How a running step that reported progress is shown: the `thumbnail` step reports the
`ImageResizer` worker's `ResizeProgress`.
-}
running : String -> Maybe Json.Decode.Value -> String
running step progress =
    case Maybe.map (Json.Decode.decodeValue Types.resizeProgressDecoder) progress of
        Just (Ok { percent }) ->
            step ++ ": " ++ String.fromInt (round percent) ++ "%"

        _ ->
            step ++ ": running…"


{-| How a step that waits for a service (the `moderate` step asks the moderation service) is shown
until it finishes.
-}
waiting : String -> String
waiting step =
    step ++ ": waiting for the service…"


afterComma : String -> String
afterComma text =
    case String.indexes "," text of
        comma :: _ ->
            String.dropLeft (comma + 1) text

        [] ->
            ""


jobId : Photo -> Workers.JobId
jobId photo =
    "photo-" ++ String.fromInt photo.job


describeResized : Types.ResizedImage -> String
describeResized image =
    "Ready to send: "
        ++ String.fromInt image.width
        ++ "×"
        ++ String.fromInt image.height
        ++ ", "
        ++ String.fromInt (Hamlet.Bytes.width image.image // 1024)
        ++ " KB."


describe : Hamlet.Http.Error (Uploads.UploadError Never) -> String
describe error =
    case error of
        Hamlet.Http.Declared (Uploads.Refused refusal) ->
            Uploads.refusalToString refusal

        Hamlet.Http.Declared (Uploads.Failed e) ->
            never e

        other ->
            Errors.describe (\_ -> "") (Hamlet.Http.mapError (\_ -> ()) other)


subscriptions : Sub Msg
subscriptions =
    Sub.batch [ Uploads.photoUploadProgress Progressed, Workers.onImageResizer Resizing ]


runsSubscription : Sub Msg
runsSubscription =
    Sse.onRunUpdate GotRun


view : Photo -> Html Msg
view photo =
    section [ id "photo", class "card" ]
        [ h2 [] [ text "Photo" ]
        , div [ class "row" ]
            [ button [ id "pick-photo", class "link", onClick PickClicked ]
                [ text (Maybe.withDefault "Choose a photo…" (Maybe.map File.name photo.file)) ]
            , input [ id "caption", placeholder "Caption", value photo.caption, onInput CaptionChanged ] []
            , button [ id "upload", onClick UploadClicked, disabled (photo.sending /= Nothing || photo.resizing /= Nothing) ] [ text "Upload" ]
            ]
        , case photo.resizing of
            Just percent ->
                div [ id "resize-progress", class "row" ]
                    [ progress [ Html.Attributes.max "100", value (String.fromInt (round percent)) ] []
                    , text ("Resizing in a Web Worker: " ++ String.fromInt (round percent) ++ " %")
                    ]

            Nothing ->
                text ""
        , case photo.notice of
            Just notice ->
                p [ id "resize-result", class "muted" ] [ text notice ]

            Nothing ->
                text ""
        , case photo.sending of
            Just fraction ->
                div [ class "row" ]
                    [ progress [ Html.Attributes.max "100", value (String.fromInt (round (fraction * 100))) ] []
                    , text (String.fromInt (round (fraction * 100)) ++ " %")
                    ]

            Nothing ->
                text ""
        , case photo.error of
            Just error ->
                p [ class "error" ] [ text error ]

            Nothing ->
                text ""
        , ul [ class "steps" ] (List.map (\step -> li [] [ text step ]) photo.steps)
        , case photo.status of
            Just status ->
                p [ id "photo-status", class "notice" ] [ text status ]

            Nothing ->
                text ""
        ]
