module Hamlet.Timestamp exposing (fromString, toString, decoder, encode)

{-| `Timestamp` values on the wire: RFC 3339 text, held as `Time.Posix`.

Parsing accepts `YYYY-MM-DDTHH:MM:SS`, optional fractional seconds (any number
of digits; milliseconds are kept, further digits are truncated) and a `Z` or
`+hh:mm` / `-hh:mm` offset. `T` and `Z` may be lower case. Dates and times are
checked: month 13, February 30 (or 29 outside leap years), hour 24, minute 60
and second 60 (leap seconds) are rejected.

Encoding is always UTC with exactly three fraction digits:
`2024-03-05T07:08:09.123Z`. Instants outside 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z are
rejected (`9999-12-31T23:59:59-01:00` is in year 10000 in UTC), since they could not be encoded
in that form and read back.

@docs fromString, toString, decoder, encode

-}

import Json.Decode as Decode
import Json.Encode as Encode
import Time


{-| Parse an RFC 3339 timestamp.

    fromString "2024-03-05T08:08:09.123+01:00"
        == Just (Time.millisToPosix 1709622489123)

    fromString "2024-02-30T00:00:00Z" == Nothing

-}
fromString : String -> Maybe Time.Posix
fromString text =
    let
        sep i =
            String.slice i (i + 1) text
    in
    if String.length text < 20 then
        Nothing

    else if sep 4 /= "-" || sep 7 /= "-" || (sep 10 /= "T" && sep 10 /= "t") || sep 13 /= ":" || sep 16 /= ":" then
        Nothing

    else
        case
            ( ( digits 0 4 text, digits 5 7 text, digits 8 10 text )
            , ( digits 11 13 text, digits 14 16 text, digits 17 19 text )
            )
        of
            ( ( Just year, Just month, Just day ), ( Just hour, Just minute, Just second ) ) ->
                case parseRest (String.dropLeft 19 text) of
                    Just ( millis, offsetMinutes ) ->
                        let
                            valid =
                                (month >= 1 && month <= 12)
                                    && (day >= 1 && day <= daysInMonth year month)
                                    && (hour <= 23 && minute <= 59 && second <= 59)

                            seconds =
                                daysFromCivil year month day
                                    * 86400
                                    + (hour * 3600 + minute * 60 + second)
                                    - offsetMinutes
                                    * 60

                            posix =
                                seconds * 1000 + millis
                        in
                        -- The UTC instant must be in years 0000-9999: `toString` could not write
                        -- anything else as RFC 3339, so it would not read back.
                        if valid && posix >= minMillis && posix <= maxMillis then
                            Just (Time.millisToPosix posix)

                        else
                            Nothing

                    Nothing ->
                        Nothing

            _ ->
                Nothing


{-| Format as RFC 3339 in UTC with exactly three fraction digits.

    toString (Time.millisToPosix 1709622489123) == "2024-03-05T07:08:09.123Z"

-}
toString : Time.Posix -> String
toString time =
    let
        millis =
            Time.posixToMillis time

        days =
            floorDiv millis 86400000

        msOfDay =
            millis - days * 86400000

        civil =
            civilFromDays days

        year =
            if civil.year < 0 then
                "-" ++ pad 4 (negate civil.year)

            else
                pad 4 civil.year
    in
    year
        ++ "-"
        ++ pad 2 civil.month
        ++ "-"
        ++ pad 2 civil.day
        ++ "T"
        ++ pad 2 (msOfDay // 3600000)
        ++ ":"
        ++ pad 2 (modBy 60 (msOfDay // 60000))
        ++ ":"
        ++ pad 2 (modBy 60 (msOfDay // 1000))
        ++ "."
        ++ pad 3 (modBy 1000 msOfDay)
        ++ "Z"


{-| Decode an RFC 3339 string; fails with a message naming the bad value.
-}
decoder : Decode.Decoder Time.Posix
decoder =
    Decode.string
        |> Decode.andThen
            (\text ->
                case fromString text of
                    Just time ->
                        Decode.succeed time

                    Nothing ->
                        Decode.fail ("expected an RFC 3339 timestamp such as 2024-03-05T07:08:09.123Z, got \"" ++ text ++ "\"")
            )


{-| Encode as an RFC 3339 string (see `toString`).
-}
encode : Time.Posix -> Encode.Value
encode time =
    Encode.string (toString time)



-- INTERNAL


{-| Parse what follows the seconds: optional fraction, then the offset.
Returns milliseconds and the offset in minutes east of UTC.
-}
parseRest : String -> Maybe ( Int, Int )
parseRest rest =
    if String.startsWith "." rest then
        let
            afterDot =
                String.dropLeft 1 rest

            fraction =
                takeDigits afterDot
        in
        if String.isEmpty fraction then
            Nothing

        else
            parseOffset (String.dropLeft (String.length fraction) afterDot)
                |> Maybe.map
                    (\offset ->
                        ( String.left 3 (fraction ++ "00")
                            |> String.toInt
                            |> Maybe.withDefault 0
                        , offset
                        )
                    )

    else
        parseOffset rest |> Maybe.map (\offset -> ( 0, offset ))


parseOffset : String -> Maybe Int
parseOffset text =
    if text == "Z" || text == "z" then
        Just 0

    else if String.length text == 6 && String.slice 3 4 text == ":" then
        let
            sign =
                case String.left 1 text of
                    "+" ->
                        Just 1

                    "-" ->
                        Just -1

                    _ ->
                        Nothing
        in
        case ( sign, digits 1 3 text, digits 4 6 text ) of
            ( Just s, Just hours, Just minutes ) ->
                if hours <= 23 && minutes <= 59 then
                    Just (s * (hours * 60 + minutes))

                else
                    Nothing

            _ ->
                Nothing

    else
        Nothing


takeDigits : String -> String
takeDigits text =
    String.foldl
        (\c ( acc, going ) ->
            if going && Char.isDigit c then
                ( String.cons c acc, True )

            else
                ( acc, False )
        )
        ( "", True )
        text
        |> Tuple.first
        |> String.reverse


{-| The number held by characters `from` to `to` (exclusive), all ASCII digits.
-}
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


isLeapYear : Int -> Bool
isLeapYear year =
    (modBy 4 year == 0 && modBy 100 year /= 0) || modBy 400 year == 0


daysInMonth : Int -> Int -> Int
daysInMonth year month =
    case month of
        2 ->
            if isLeapYear year then
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


floorDiv : Int -> Int -> Int
floorDiv a b =
    (a - modBy b a) // b


{-| Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
days-from-civil algorithm).
-}
daysFromCivil : Int -> Int -> Int -> Int
daysFromCivil year month day =
    let
        y =
            if month <= 2 then
                year - 1

            else
                year

        era =
            floorDiv y 400

        yearOfEra =
            y - era * 400

        shiftedMonth =
            modBy 12 (month + 9)

        dayOfYear =
            (153 * shiftedMonth + 2) // 5 + day - 1

        dayOfEra =
            yearOfEra * 365 + yearOfEra // 4 - yearOfEra // 100 + dayOfYear
    in
    era * 146097 + dayOfEra - 719468


{-| The inverse of `daysFromCivil`.
-}
civilFromDays : Int -> { year : Int, month : Int, day : Int }
civilFromDays days =
    let
        z =
            days + 719468

        era =
            floorDiv z 146097

        dayOfEra =
            z - era * 146097

        yearOfEra =
            (dayOfEra - dayOfEra // 1460 + dayOfEra // 36524 - dayOfEra // 146096) // 365

        dayOfYear =
            dayOfEra - (365 * yearOfEra + yearOfEra // 4 - yearOfEra // 100)

        shiftedMonth =
            (5 * dayOfYear + 2) // 153

        day =
            dayOfYear - (153 * shiftedMonth + 2) // 5 + 1

        month =
            if shiftedMonth < 10 then
                shiftedMonth + 3

            else
                shiftedMonth - 9

        year =
            yearOfEra + era * 400
    in
    { year =
        if month <= 2 then
            year + 1

        else
            year
    , month = month
    , day = day
    }


{-| 0000-01-01T00:00:00.000Z -}
minMillis : Int
minMillis =
    -62167219200000


{-| 9999-12-31T23:59:59.999Z -}
maxMillis : Int
maxMillis =
    253402300799999
