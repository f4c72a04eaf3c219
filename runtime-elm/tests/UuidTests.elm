module UuidTests exposing (suite)

import Expect
import Hamlet.Uuid as Uuid
import Json.Decode as Decode
import Json.Encode as Encode
import Test exposing (Test, describe, test)


rejects : String -> Test
rejects text =
    test ("rejects " ++ text) <|
        \_ -> Uuid.fromString text |> Expect.equal Nothing


suite : Test
suite =
    describe "Hamlet.Uuid"
        [ test "accepts lower case" <|
            \_ ->
                Uuid.fromString "123e4567-e89b-12d3-a456-426614174000"
                    |> Maybe.map Uuid.toString
                    |> Expect.equal (Just "123e4567-e89b-12d3-a456-426614174000")
        , test "lower-cases upper case" <|
            \_ ->
                Uuid.fromString "123E4567-E89B-12D3-A456-426614174000"
                    |> Maybe.map Uuid.toString
                    |> Expect.equal (Just "123e4567-e89b-12d3-a456-426614174000")
        , test "equal regardless of input case" <|
            \_ ->
                Uuid.fromString "ABCDEF00-0000-0000-0000-000000000000"
                    |> Expect.equal (Uuid.fromString "abcdef00-0000-0000-0000-000000000000")
        , test "accepts the nil uuid" <|
            \_ -> Uuid.fromString "00000000-0000-0000-0000-000000000000" |> Expect.notEqual Nothing
        , rejects ""
        , rejects "123e4567e89b12d3a456426614174000"
        , rejects "{123e4567-e89b-12d3-a456-426614174000}"
        , rejects "urn:uuid:123e4567-e89b-12d3-a456-426614174000"
        , rejects "123e4567-e89b-12d3-a456-42661417400g"
        , rejects "123e4567-e89b-12d3-a456-4266141740000"
        , rejects "123e4567-e89b-12d3a-456-426614174000"
        , rejects " 123e4567-e89b-12d3-a456-426614174000"
        , test "decoder round trip" <|
            \_ ->
                Decode.decodeString Uuid.decoder "\"123E4567-E89B-12D3-A456-426614174000\""
                    |> Result.map (Uuid.encode >> Encode.encode 0)
                    |> Expect.equal (Ok "\"123e4567-e89b-12d3-a456-426614174000\"")
        , test "decoder names the problem" <|
            \_ ->
                case Decode.decodeString Uuid.decoder "\"nope\"" of
                    Ok _ ->
                        Expect.fail "decoded a non-UUID"

                    Err err ->
                        Decode.errorToString err
                            |> String.contains "expected a UUID"
                            |> Expect.equal True
        ]
