module TimestampTests exposing (suite)

import Expect
import Fuzz
import Hamlet.Timestamp as Timestamp
import Json.Decode as Decode
import Test exposing (Test, describe, fuzz, test)
import Time


parsesTo : String -> Int -> Test
parsesTo text millis =
    test ("parses " ++ text) <|
        \_ -> Timestamp.fromString text |> Maybe.map Time.posixToMillis |> Expect.equal (Just millis)


rejects : String -> Test
rejects text =
    test ("rejects " ++ text) <|
        \_ -> Timestamp.fromString text |> Expect.equal Nothing


{-| Any millisecond from 0000-01-01 to 9999-12-31.
-}
wideMillis : Fuzz.Fuzzer Int
wideMillis =
    Fuzz.map2 (\days ms -> days * 86400000 + ms)
        (Fuzz.intRange -719528 2932896)
        (Fuzz.intRange 0 86399999)


monthNumber : Time.Month -> Int
monthNumber month =
    case month of
        Time.Jan ->
            1

        Time.Feb ->
            2

        Time.Mar ->
            3

        Time.Apr ->
            4

        Time.May ->
            5

        Time.Jun ->
            6

        Time.Jul ->
            7

        Time.Aug ->
            8

        Time.Sep ->
            9

        Time.Oct ->
            10

        Time.Nov ->
            11

        Time.Dec ->
            12


suite : Test
suite =
    describe "Hamlet.Timestamp"
        [ describe "fromString accepts"
            [ parsesTo "2024-03-05T07:08:09.123Z" 1709622489123
            , parsesTo "1970-01-01T00:00:00Z" 0
            , parsesTo "1969-12-31T23:59:59.999Z" -1
            , parsesTo "2000-02-29T00:00:00Z" 951782400000
            , parsesTo "1900-03-01T00:00:00Z" -2203891200000
            , parsesTo "0001-01-01T00:00:00Z" -62135596800000
            , parsesTo "9999-12-31T23:59:59.999Z" 253402300799999
            , parsesTo "2024-03-05T08:08:09.123+01:00" 1709622489123
            , parsesTo "2024-03-04T21:38:09.123-09:30" 1709622489123
            , parsesTo "2024-03-05T07:08:09.123-00:00" 1709622489123
            , parsesTo "2024-03-05t07:08:09.123z" 1709622489123
            , parsesTo "2024-03-05T07:08:09.1Z" 1709622489100
            , parsesTo "2024-03-05T07:08:09.12Z" 1709622489120
            , parsesTo "2024-03-05T07:08:09.123456789Z" 1709622489123
            , parsesTo "2024-03-05T07:08:09Z" 1709622489000
            , parsesTo "2024-02-29T12:00:00Z" 1709208000000
            ]
        , describe "fromString rejects"
            [ rejects ""
            , rejects "2024-03-05"
            , rejects "2024-03-05T07:08:09"
            , rejects "2024-13-01T00:00:00Z"
            , rejects "2024-00-01T00:00:00Z"
            , rejects "2024-02-30T00:00:00Z"
            , rejects "2023-02-29T00:00:00Z"
            , rejects "1900-02-29T00:00:00Z"
            , rejects "2024-04-31T00:00:00Z"
            , rejects "2024-01-00T00:00:00Z"
            , rejects "2024-03-05T24:00:00Z"
            , rejects "2024-03-05T23:60:00Z"
            , rejects "2024-03-05T23:59:60Z"
            , rejects "2024-03-05T07:08:09.Z"
            , rejects "2024-03-05T07:08:09.123"
            , rejects "2024-03-05T07:08:09+01"
            , rejects "2024-03-05T07:08:09+0100"
            , rejects "2024-03-05T07:08:09+24:00"
            , rejects "2024-03-05T07:08:09+01:60"
            , rejects "2024-03-05 07:08:09Z"
            , rejects "24-03-05T07:08:09Z"
            , rejects "+024-03-05T07:08:09Z"
            , rejects "2024-03-05T07:08:09ZZ"
            , rejects "2024-03-05T07:08:09.12aZ"
            , rejects "2024-3-5T07:08:09Z"
            ]
        , describe "toString"
            [ test "three fraction digits in UTC" <|
                \_ -> Timestamp.toString (Time.millisToPosix 1709622489123) |> Expect.equal "2024-03-05T07:08:09.123Z"
            , test "the epoch" <|
                \_ -> Timestamp.toString (Time.millisToPosix 0) |> Expect.equal "1970-01-01T00:00:00.000Z"
            , test "before the epoch" <|
                \_ -> Timestamp.toString (Time.millisToPosix -1) |> Expect.equal "1969-12-31T23:59:59.999Z"
            , test "leap day" <|
                \_ -> Timestamp.toString (Time.millisToPosix 951782400000) |> Expect.equal "2000-02-29T00:00:00.000Z"
            , test "year 1" <|
                \_ -> Timestamp.toString (Time.millisToPosix -62135596800000) |> Expect.equal "0001-01-01T00:00:00.000Z"
            ]
        , describe "JSON"
            [ test "decoder accepts an offset timestamp" <|
                \_ ->
                    Decode.decodeString Timestamp.decoder "\"2024-03-05T08:08:09.123+01:00\""
                        |> Expect.equal (Ok (Time.millisToPosix 1709622489123))
            , test "decoder fails on a bad date" <|
                \_ ->
                    Decode.decodeString Timestamp.decoder "\"2024-02-30T00:00:00Z\""
                        |> Expect.err
            , test "decoder fails on a number" <|
                \_ -> Decode.decodeString Timestamp.decoder "0" |> Expect.err
            , fuzz wideMillis "encode then decode is the identity" <|
                \millis ->
                    Timestamp.encode (Time.millisToPosix millis)
                        |> Decode.decodeValue Timestamp.decoder
                        |> Expect.equal (Ok (Time.millisToPosix millis))
            ]
        , describe "laws"
            [ fuzz wideMillis "toString then fromString is the identity" <|
                \millis ->
                    Timestamp.fromString (Timestamp.toString (Time.millisToPosix millis))
                        |> Expect.equal (Just (Time.millisToPosix millis))
            , fuzz wideMillis "toString agrees with elm/time" <|
                \millis ->
                    let
                        time =
                            Time.millisToPosix millis

                        pad n x =
                            String.padLeft n '0' (String.fromInt x)

                        expected =
                            pad 4 (Time.toYear Time.utc time)
                                ++ "-"
                                ++ pad 2 (monthNumber (Time.toMonth Time.utc time))
                                ++ "-"
                                ++ pad 2 (Time.toDay Time.utc time)
                                ++ "T"
                                ++ pad 2 (Time.toHour Time.utc time)
                                ++ ":"
                                ++ pad 2 (Time.toMinute Time.utc time)
                                ++ ":"
                                ++ pad 2 (Time.toSecond Time.utc time)
                                ++ "."
                                ++ pad 3 (Time.toMillis Time.utc time)
                                ++ "Z"
                    in
                    Timestamp.toString time |> Expect.equal expected
            , fuzz (Fuzz.intRange -1439 1439) "an offset shifts the instant" <|
                \offset ->
                    let
                        sign =
                            if offset < 0 then
                                "-"

                            else
                                "+"

                        pad x =
                            String.padLeft 2 '0' (String.fromInt x)

                        text =
                            "2024-03-05T12:00:00.000" ++ sign ++ pad (abs offset // 60) ++ ":" ++ pad (modBy 60 (abs offset))
                    in
                    Timestamp.fromString text
                        |> Maybe.map Time.posixToMillis
                        |> Expect.equal (Just (1709640000000 - offset * 60000))
            ]
        ]
