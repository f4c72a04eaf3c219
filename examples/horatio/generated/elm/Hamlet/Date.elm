module Hamlet.Date exposing
    ( Date, fromParts, toParts
    , fromString, toString, decoder, encode
    , compare
    )

{-| `Date` values on the wire: a calendar date `YYYY-MM-DD` (no time, no zone).

@docs Date, fromParts, toParts
@docs fromString, toString, decoder, encode
@docs compare

-}

import Json.Decode as Decode
import Json.Encode as Encode


{-| A valid calendar date in the proleptic Gregorian calendar, years 0 to 9999.
Build one with `fromParts` or `fromString`; `==` compares dates.
-}
type Date
    = Date { year : Int, month : Int, day : Int }


{-| Build a date from year, month (1-12) and day, if it exists.

    fromParts 2024 2 29 /= Nothing

    fromParts 2023 2 29 == Nothing

-}
fromParts : Int -> Int -> Int -> Maybe Date
fromParts year month day =
    if year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth year month then
        Just (Date { year = year, month = month, day = day })

    else
        Nothing


{-| The year, month (1-12) and day of a date.
-}
toParts : Date -> { year : Int, month : Int, day : Int }
toParts (Date parts) =
    parts


{-| Parse `YYYY-MM-DD` (exactly four, two and two digits).

    Maybe.map toString (fromString "2024-03-05") == Just "2024-03-05"

    fromString "2024-13-01" == Nothing

-}
fromString : String -> Maybe Date
fromString text =
    if String.length text /= 10 || String.slice 4 5 text /= "-" || String.slice 7 8 text /= "-" then
        Nothing

    else
        case ( digits 0 4 text, digits 5 7 text, digits 8 10 text ) of
            ( Just year, Just month, Just day ) ->
                fromParts year month day

            _ ->
                Nothing


{-| Format as `YYYY-MM-DD`.
-}
toString : Date -> String
toString (Date { year, month, day }) =
    pad 4 year ++ "-" ++ pad 2 month ++ "-" ++ pad 2 day


{-| Decode a `YYYY-MM-DD` string; fails with a message naming the bad value.
-}
decoder : Decode.Decoder Date
decoder =
    Decode.string
        |> Decode.andThen
            (\text ->
                case fromString text of
                    Just date ->
                        Decode.succeed date

                    Nothing ->
                        Decode.fail ("expected a date such as 2024-03-05, got \"" ++ text ++ "\"")
            )


{-| Encode as a `YYYY-MM-DD` string.
-}
encode : Date -> Encode.Value
encode date =
    Encode.string (toString date)


{-| Chronological order, for `List.sortWith`.
-}
compare : Date -> Date -> Order
compare (Date a) (Date b) =
    Basics.compare ( a.year, a.month, a.day ) ( b.year, b.month, b.day )



-- INTERNAL


digits : Int -> Int -> String -> Maybe Int
digits from to text =
    let
        part =
            String.slice from to text
    in
    if String.length part == to - from && String.all Char.isDigit part then
        String.toInt part

    else
        Nothing


pad : Int -> Int -> String
pad width n =
    String.padLeft width '0' (String.fromInt n)


daysInMonth : Int -> Int -> Int
daysInMonth year month =
    case month of
        2 ->
            if (modBy 4 year == 0 && modBy 100 year /= 0) || modBy 400 year == 0 then
                29

            else
                28

        4 ->
            30

        6 ->
            30

        9 ->
            30

        11 ->
            30

        _ ->
            31
