module Hamlet.Http exposing
    ( Error(..), errorToString, mapError
    , expectJson, expectEmpty
    , jsonResolver, emptyResolver
    , noErrors, fromResponse
    )

{-| HTTP helpers used by Hamlet's generated request functions.

Every generated endpoint call produces a `Result (Error e) a`, where `e` is the
endpoint's declared error type (or `Never` when it declares none) and `a` its
success type.

@docs Error, errorToString, mapError
@docs expectJson, expectEmpty
@docs jsonResolver, emptyResolver
@docs noErrors, fromResponse

-}

import Http
import Json.Decode as Decode


{-| What can go wrong when calling an endpoint.

  - `BadUrl url`: the URL given to the request was not valid.
  - `Timeout`: the request took longer than its timeout.
  - `NetworkError`: the server could not be reached (offline, DNS, CORS, ...).
  - `BadStatus status body`: the server answered with a non-2xx status whose body
    is not one of the endpoint's declared errors. Carries the status code and
    the raw response body.
  - `BadBody message`: the server answered 2xx but the body did not decode;
    carries the JSON decoding error text.
  - `Declared e`: the server answered with a non-2xx status and a body that
    decodes as one of the endpoint's declared errors.

-}
type Error e
    = BadUrl String
    | Timeout
    | NetworkError
    | BadStatus Int String
    | BadBody String
    | Declared e


{-| A human-readable description of an error, given a way to describe the
declared errors.

    errorToString (\_ -> "not found") Timeout == "The request timed out"

-}
errorToString : (e -> String) -> Error e -> String
errorToString declaredToString error =
    case error of
        BadUrl url ->
            "Bad URL: " ++ url

        Timeout ->
            "The request timed out"

        NetworkError ->
            "Network error: the server could not be reached"

        BadStatus status body ->
            if String.isEmpty body then
                "Bad status " ++ String.fromInt status

            else
                "Bad status " ++ String.fromInt status ++ ": " ++ body

        BadBody message ->
            "Unexpected response body: " ++ message

        Declared e ->
            declaredToString e


{-| Transform the declared error, keeping every other case as it is.
-}
mapError : (e -> f) -> Error e -> Error f
mapError f error =
    case error of
        BadUrl url ->
            BadUrl url

        Timeout ->
            Timeout

        NetworkError ->
            NetworkError

        BadStatus status body ->
            BadStatus status body

        BadBody message ->
            BadBody message

        Declared e ->
            Declared (f e)


{-| Expect a JSON response.

  - 2xx: the body is decoded with the success decoder; if that fails the
    result is `BadBody` with the decoding error text.
  - any other status: the body is tried with the error decoder; on success the
    result is `Declared e`, otherwise `BadStatus status body`.

-}
expectJson : (Result (Error e) a -> msg) -> Decode.Decoder e -> Decode.Decoder a -> Http.Expect msg
expectJson toMsg errorDecoder decoder =
    Http.expectStringResponse toMsg (handle errorDecoder (decodeBody decoder))


{-| Like `expectJson` for endpoints whose success response has no body (or a
body to ignore): any 2xx response gives `Ok ()`. Non-2xx responses are handled
exactly as in `expectJson`.
-}
expectEmpty : (Result (Error e) () -> msg) -> Decode.Decoder e -> Http.Expect msg
expectEmpty toMsg errorDecoder =
    Http.expectStringResponse toMsg (handle errorDecoder (\_ -> Ok ()))


{-| The `Task` version of `expectJson`, for `Http.task`.
-}
jsonResolver : Decode.Decoder e -> Decode.Decoder a -> Http.Resolver (Error e) a
jsonResolver errorDecoder decoder =
    Http.stringResolver (handle errorDecoder (decodeBody decoder))


{-| The `Task` version of `expectEmpty`, for `Http.task`.
-}
emptyResolver : Decode.Decoder e -> Http.Resolver (Error e) ()
emptyResolver errorDecoder =
    Http.stringResolver (handle errorDecoder (\_ -> Ok ()))


{-| The error decoder for endpoints that declare no errors: it always fails, so
every non-2xx response becomes `BadStatus`.
-}
noErrors : Decode.Decoder Never
noErrors =
    Decode.fail "this endpoint declares no errors"


{-| Interpret a raw string response the way `expectJson` does. Useful for
custom `Http.expectStringResponse` / `Http.stringResolver` uses and for tests.
-}
fromResponse : Decode.Decoder e -> Decode.Decoder a -> Http.Response String -> Result (Error e) a
fromResponse errorDecoder decoder =
    handle errorDecoder (decodeBody decoder)



-- INTERNAL


decodeBody : Decode.Decoder a -> String -> Result (Error e) a
decodeBody decoder body =
    case Decode.decodeString decoder body of
        Ok value ->
            Ok value

        Err err ->
            Err (BadBody (Decode.errorToString err))


handle : Decode.Decoder e -> (String -> Result (Error e) a) -> Http.Response String -> Result (Error e) a
handle errorDecoder onSuccess response =
    case response of
        Http.BadUrl_ url ->
            Err (BadUrl url)

        Http.Timeout_ ->
            Err Timeout

        Http.NetworkError_ ->
            Err NetworkError

        Http.BadStatus_ metadata body ->
            case Decode.decodeString errorDecoder body of
                Ok declared ->
                    Err (Declared declared)

                Err _ ->
                    Err (BadStatus metadata.statusCode body)

        Http.GoodStatus_ _ body ->
            onSuccess body
