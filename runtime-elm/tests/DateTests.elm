module DateTests exposing (suite)

import Expect
import Fuzz
import Hamlet.Date as Date
import Json.Decode as Decode
import Json.Encode as Encode
import Test exposing (Test, describe, fuzz3, test)


roundTrips : String -> Test
roundTrips text =
    test ("round trips " ++ text) <|
        \_ -> Date.fromString text |> Maybe.map Date.toString |> Expect.equal (Just text)


rejects : String -> Test
rejects text =
    test ("rejects " ++ text) <|
        \_ -> Date.fromString text |> Expect.equal Nothing


suite : Test
suite =
    describe "Hamlet.Date"
        [ roundTrips "2024-03-05"
        , roundTrips "2024-02-29"
        , roundTrips "2000-02-29"
        , roundTrips "0000-01-01"
        , roundTrips "9999-12-31"
        , rejects "2023-02-29"
        , rejects "1900-02-29"
        , rejects "2024-02-30"
        , rejects "2024-13-01"
        , rejects "2024-00-10"
        , rejects "2024-06-31"
        , rejects "2024-06-00"
        , rejects "2024-6-1"
        , rejects "2024-03-05T00:00:00Z"
        , rejects "20240305"
        , rejects "+024-03-05"
        , rejects ""
        , test "fromParts and toParts" <|
            \_ ->
                Date.fromParts 2024 2 29
                    |> Maybe.map Date.toParts
                    |> Expect.equal (Just { year = 2024, month = 2, day = 29 })
        , test "fromParts rejects a missing day" <|
            \_ -> Date.fromParts 2023 2 29 |> Expect.equal Nothing
        , test "compare is chronological" <|
            \_ ->
                Maybe.map2 Date.compare (Date.fromString "2023-12-31") (Date.fromString "2024-01-01")
                    |> Expect.equal (Just LT)
        , test "decoder fails on a bad date" <|
            \_ -> Decode.decodeString Date.decoder "\"2024-02-30\"" |> Expect.err
        , fuzz3 (Fuzz.intRange 0 9999) (Fuzz.intRange 1 12) (Fuzz.intRange 1 28) "encode then decode is the identity" <|
            \y m d ->
                case Date.fromParts y m d of
                    Just date ->
                        Date.encode date
                            |> Decode.decodeValue Date.decoder
                            |> Expect.equal (Ok date)

                    Nothing ->
                        Expect.fail "valid parts were rejected"
        , test "encode writes text" <|
            \_ ->
                Date.fromParts 7 1 2
                    |> Maybe.map (Date.encode >> Encode.encode 0)
                    |> Expect.equal (Just "\"0007-01-02\"")
        ]
