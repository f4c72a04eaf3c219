module Hamlet.Bytes exposing
    ( Bytes, fromBase64, toBase64, decoder, encode
    , fromBytes, toBytes, width
    )

{-| `Bytes` values on the wire: base64 text (standard alphabet `A-Z a-z 0-9 + /`,
padded with `=`, no line breaks).

The type has the same name as elm/bytes' `Bytes.Bytes`: refer to it qualified as
`Hamlet.Bytes.Bytes`, and import elm/bytes under an alias when both are needed.

@docs Bytes, fromBase64, toBase64, decoder, encode
@docs fromBytes, toBytes, width

-}

import Bytes as ElmBytes
import Bytes.Decode as ElmDecode
import Bytes.Encode as ElmEncode
import Json.Decode as Decode
import Json.Encode as Encode


{-| Binary data, held as its canonical base64 text, so `==` compares contents.
-}
type Bytes
    = Bytes String


{-| Accept canonical base64 only: length a multiple of 4, standard alphabet,
`=` padding only at the end (at most two), and unused bits of the last
character zero. The empty string is zero bytes.

    fromBase64 "aGk=" /= Nothing

    fromBase64 "aGk" == Nothing

    fromBase64 "aGl=" == Nothing

-}
fromBase64 : String -> Maybe Bytes
fromBase64 text =
    if isCanonical text then
        Just (Bytes text)

    else
        Nothing


{-| The base64 text.
-}
toBase64 : Bytes -> String
toBase64 (Bytes text) =
    text


{-| Decode a base64 string; fails with a clear message when it is not valid base64.
-}
decoder : Decode.Decoder Bytes
decoder =
    Decode.string
        |> Decode.andThen
            (\text ->
                case fromBase64 text of
                    Just bytes ->
                        Decode.succeed bytes

                    Nothing ->
                        Decode.fail "expected base64 text (standard alphabet, padded with =)"
            )


{-| Encode as a base64 string.
-}
encode : Bytes -> Encode.Value
encode bytes =
    Encode.string (toBase64 bytes)


{-| From elm/bytes' `Bytes.Bytes` (for example a file read with elm/file).
-}
fromBytes : ElmBytes.Bytes -> Bytes
fromBytes bytes =
    Bytes (encodeBase64 (toByteList bytes))


{-| To elm/bytes' `Bytes.Bytes`. Always `Just` for values built by this module.
-}
toBytes : Bytes -> Maybe ElmBytes.Bytes
toBytes (Bytes text) =
    decodeBase64 text
        |> Maybe.map (\list -> ElmEncode.encode (ElmEncode.sequence (List.map ElmEncode.unsignedInt8 list)))


{-| The number of bytes (not base64 characters).
-}
width : Bytes -> Int
width (Bytes text) =
    let
        padding =
            if String.endsWith "==" text then
                2

            else if String.endsWith "=" text then
                1

            else
                0
    in
    String.length text // 4 * 3 - padding



-- INTERNAL


{-| Whether `text` is canonical base64, checked without decoding it (a photo's megabytes of text
are checked in one pass over the characters): every character but the last four is in the
alphabet, and the last four decode (their padding and unused bits are right).
-}
isCanonical : String -> Bool
isCanonical text =
    let
        length =
            String.length text
    in
    (modBy 4 length == 0)
        && String.all isAlphabet (String.dropRight 4 text)
        && (length == 0 || decodeBase64 (String.right 4 text) /= Nothing)


isAlphabet : Char -> Bool
isAlphabet char =
    Char.isAlphaNum char || char == '+' || char == '/'


toByteList : ElmBytes.Bytes -> List Int
toByteList bytes =
    let
        step ( remaining, acc ) =
            if remaining <= 0 then
                ElmDecode.succeed (ElmDecode.Done (List.reverse acc))

            else
                ElmDecode.map (\byte -> ElmDecode.Loop ( remaining - 1, byte :: acc )) ElmDecode.unsignedInt8
    in
    ElmDecode.decode (ElmDecode.loop ( ElmBytes.width bytes, [] ) step) bytes
        |> Maybe.withDefault []


encodeBase64 : List Int -> String
encodeBase64 bytes =
    encodeHelp bytes []
        |> List.reverse
        |> String.concat


encodeHelp : List Int -> List String -> List String
encodeHelp bytes acc =
    case bytes of
        a :: b :: c :: rest ->
            let
                n =
                    a * 65536 + b * 256 + c
            in
            encodeHelp rest (String.fromList [ sextet (n // 262144), sextet (n // 4096), sextet (n // 64), sextet n ] :: acc)

        [ a, b ] ->
            let
                n =
                    a * 65536 + b * 256
            in
            String.fromList [ sextet (n // 262144), sextet (n // 4096), sextet (n // 64), '=' ] :: acc

        [ a ] ->
            let
                n =
                    a * 65536
            in
            String.fromList [ sextet (n // 262144), sextet (n // 4096), '=', '=' ] :: acc

        [] ->
            acc


{-| The base64 character for the low six bits of a number.
-}
sextet : Int -> Char
sextet number =
    let
        n =
            modBy 64 number
    in
    if n < 26 then
        Char.fromCode (65 + n)

    else if n < 52 then
        Char.fromCode (97 + n - 26)

    else if n < 62 then
        Char.fromCode (48 + n - 52)

    else if n == 62 then
        '+'

    else
        '/'


sextetValue : Char -> Maybe Int
sextetValue char =
    let
        code =
            Char.toCode char
    in
    if code >= 65 && code <= 90 then
        Just (code - 65)

    else if code >= 97 && code <= 122 then
        Just (code - 97 + 26)

    else if code >= 48 && code <= 57 then
        Just (code - 48 + 52)

    else if char == '+' then
        Just 62

    else if char == '/' then
        Just 63

    else
        Nothing


{-| The bytes of canonical base64 text, or `Nothing` when it is not canonical base64.
-}
decodeBase64 : String -> Maybe (List Int)
decodeBase64 text =
    if modBy 4 (String.length text) /= 0 then
        Nothing

    else
        decodeHelp (String.toList text) []


decodeHelp : List Char -> List Int -> Maybe (List Int)
decodeHelp chars acc =
    case chars of
        [] ->
            Just (List.reverse acc)

        [ c1, c2, '=', '=' ] ->
            case ( sextetValue c1, sextetValue c2 ) of
                ( Just a, Just b ) ->
                    if modBy 16 b == 0 then
                        Just (List.reverse ((a * 4 + b // 16) :: acc))

                    else
                        Nothing

                _ ->
                    Nothing

        [ c1, c2, c3, '=' ] ->
            case ( sextetValue c1, sextetValue c2, sextetValue c3 ) of
                ( Just a, Just b, Just c ) ->
                    if modBy 4 c == 0 then
                        let
                            n =
                                a * 262144 + b * 4096 + c * 64
                        in
                        Just (List.reverse (modBy 256 (n // 256) :: (n // 65536) :: acc))

                    else
                        Nothing

                _ ->
                    Nothing

        c1 :: c2 :: c3 :: c4 :: rest ->
            case ( ( sextetValue c1, sextetValue c2 ), ( sextetValue c3, sextetValue c4 ) ) of
                ( ( Just a, Just b ), ( Just c, Just d ) ) ->
                    let
                        n =
                            a * 262144 + b * 4096 + c * 64 + d
                    in
                    decodeHelp rest (modBy 256 n :: modBy 256 (n // 256) :: (n // 65536) :: acc)

                _ ->
                    Nothing

        _ ->
            Nothing
