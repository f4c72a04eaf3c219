module Photo exposing (Msg, Photo, init, runsSubscription, subscriptions, update, view)

{-| Upload a photo with progress (generated `Api.Uploads`), then watch its `PublishPhoto` workflow
step by step as the server reports it (`Api.Sse.onRunUpdate` on `/hamlet/runs`).
-}

import Api.Sse as Sse
import Api.Types as Types
import Api.Uploads as Uploads
import Errors
import File exposing (File)
import File.Select
import Hamlet.Http
import Hamlet.Uuid
import Html exposing (Html, button, div, h2, input, li, p, progress, section, text, ul)
import Html.Attributes exposing (class, disabled, id, placeholder, value)
import Html.Events exposing (onClick, onInput)
import Json.Decode


type alias Photo =
    { file : Maybe File
    , caption : String
    , sending : Maybe Float
    , error : Maybe String
    , steps : List String
    , status : Maybe String
    }


init : Photo
init =
    { file = Nothing, caption = "", sending = Nothing, error = Nothing, steps = [], status = Nothing }


type Msg
    = PickClicked
    | Picked File
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


update : Msg -> Photo -> ( Photo, Cmd Msg )
update msg photo =
    case msg of
        PickClicked ->
            ( photo, File.Select.file Uploads.photoUploadConstraints.types Picked )

        Picked file ->
            ( { photo | file = Just file, error = Nothing }, Cmd.none )

        CaptionChanged caption ->
            ( { photo | caption = caption }, Cmd.none )

        UploadClicked ->
            case ( photo.file, album ) of
                ( Just file, Just albumId ) ->
                    ( { photo | sending = Just 0, error = Nothing, steps = [], status = Nothing }
                    , Uploads.photoUpload { baseUrl = "" }
                        Uploaded
                        { albumId = albumId
                        , caption =
                            if String.isEmpty photo.caption then
                                Nothing

                            else
                                Just photo.caption
                        }
                        file
                    )

                _ ->
                    ( { photo | error = Just "Choose a photo first." }, Cmd.none )

        Progressed fraction ->
            ( { photo | sending = Just fraction }, Cmd.none )

        Uploaded (Ok _) ->
            ( { photo | sending = Nothing, file = Nothing, caption = "", status = Just "Uploaded; processing…" }, Cmd.none )

        Uploaded (Err error) ->
            ( { photo | sending = Nothing, error = Just (describe error) }, Cmd.none )

        GotRun (Ok run) ->
            if run.workflow /= "PublishPhoto" then
                ( photo, Cmd.none )

            else
                ( { photo
                    | steps =
                        case ( run.step, run.stepStatus ) of
                            ( Just step, Just Sse.StepDone ) ->
                                photo.steps ++ [ step ++ " ✓" ]

                            ( Just step, Just Sse.StepFailed ) ->
                                photo.steps ++ [ step ++ " failed, retrying" ]

                            _ ->
                                photo.steps
                    , status =
                        case run.status of
                            Sse.Running ->
                                Just "Processing…"

                            Sse.Completed ->
                                Just "Done: the photo is processed."

                            Sse.Failed ->
                                Just "Processing failed."
                  }
                , Cmd.none
                )

        GotRun (Err _) ->
            ( photo, Cmd.none )


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
    Uploads.photoUploadProgress Progressed


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
            , button [ id "upload", onClick UploadClicked, disabled (photo.sending /= Nothing) ] [ text "Upload" ]
            ]
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
