module HttpTests exposing (suite)

import Dict
import Expect
import Hamlet.Http as HamletHttp exposing (Error(..))
import Http
import Json.Decode as Decode
import Test exposing (Test, describe, test)


type NotFound
    = NotFound String


notFoundDecoder : Decode.Decoder NotFound
notFoundDecoder =
    Decode.field "notFound" (Decode.map NotFound Decode.string)


metadata : Int -> Http.Metadata
metadata status =
    { url = "/x", statusCode = status, statusText = "", headers = Dict.empty }


handle : Http.Response String -> Result (Error NotFound) Int
handle =
    HamletHttp.fromResponse notFoundDecoder Decode.int


suite : Test
suite =
    describe "Hamlet.Http"
        [ test "2xx decodes the body" <|
            \_ -> handle (Http.GoodStatus_ (metadata 200) "42") |> Expect.equal (Ok 42)
        , test "2xx with a bad body is BadBody" <|
            \_ ->
                case handle (Http.GoodStatus_ (metadata 201) "\"x\"") of
                    Err (BadBody _) ->
                        Expect.pass

                    other ->
                        Expect.fail ("expected BadBody, got " ++ Debug.toString other)
        , test "a declared error is Declared" <|
            \_ ->
                handle (Http.BadStatus_ (metadata 404) "{\"notFound\":\"post 3\"}")
                    |> Expect.equal (Err (Declared (NotFound "post 3")))
        , test "an undeclared error is BadStatus with the body" <|
            \_ ->
                handle (Http.BadStatus_ (metadata 500) "oops")
                    |> Expect.equal (Err (BadStatus 500 "oops"))
        , test "noErrors makes every non-2xx BadStatus" <|
            \_ ->
                HamletHttp.fromResponse HamletHttp.noErrors Decode.int (Http.BadStatus_ (metadata 400) "{}")
                    |> Expect.equal (Err (BadStatus 400 "{}"))
        , test "transport errors" <|
            \_ ->
                [ handle Http.Timeout_, handle Http.NetworkError_, handle (Http.BadUrl_ "::") ]
                    |> Expect.equal [ Err Timeout, Err NetworkError, Err (BadUrl "::") ]
        , test "errorToString uses the declared describer" <|
            \_ ->
                HamletHttp.errorToString (\(NotFound what) -> "not found: " ++ what) (Declared (NotFound "post"))
                    |> Expect.equal "not found: post"
        , test "errorToString for BadStatus" <|
            \_ -> HamletHttp.errorToString never (BadStatus 503 "busy") |> Expect.equal "Bad status 503: busy"
        , test "mapError maps only Declared" <|
            \_ ->
                [ HamletHttp.mapError String.length (Declared "abc"), HamletHttp.mapError String.length Timeout ]
                    |> Expect.equal [ Declared 3, Timeout ]
        ]
