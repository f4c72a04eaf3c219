module BytesTests exposing (suite)

import Bytes as ElmBytes
import Bytes.Decode as ElmDecode
import Bytes.Encode as ElmEncode
import Expect
import Fuzz
import Hamlet.Bytes as Bytes
import Json.Decode as Decode
import Test exposing (Test, describe, fuzz, test)


fromList : List Int -> ElmBytes.Bytes
fromList list =
    ElmEncode.encode (ElmEncode.sequence (List.map ElmEncode.unsignedInt8 list))


toList : ElmBytes.Bytes -> Maybe (List Int)
toList bytes =
    ElmDecode.decode (ElmDecode.loop ( ElmBytes.width bytes, [] ) step) bytes


step : ( Int, List Int ) -> ElmDecode.Decoder (ElmDecode.Step ( Int, List Int ) (List Int))
step ( n, acc ) =
    if n <= 0 then
        ElmDecode.succeed (ElmDecode.Done (List.reverse acc))

    else
        ElmDecode.map (\b -> ElmDecode.Loop ( n - 1, b :: acc )) ElmDecode.unsignedInt8


encodes : List Int -> String -> Test
encodes list text =
    test ("encodes " ++ text) <|
        \_ -> Bytes.fromBytes (fromList list) |> Bytes.toBase64 |> Expect.equal text


decodes : String -> List Int -> Test
decodes text list =
    test ("decodes " ++ text) <|
        \_ ->
            Bytes.fromBase64 text
                |> Maybe.andThen Bytes.toBytes
                |> Maybe.andThen toList
                |> Expect.equal (Just list)


rejects : String -> Test
rejects text =
    test ("rejects " ++ text) <|
        \_ -> Bytes.fromBase64 text |> Expect.equal Nothing


suite : Test
suite =
    describe "Hamlet.Bytes"
        [ encodes [] ""
        , encodes [ 104, 105 ] "aGk="
        , encodes [ 0, 1, 2, 253, 254, 255 ] "AAEC/f7/"
        , encodes [ 251, 255 ] "+/8="
        , encodes [ 77 ] "TQ=="
        , encodes [ 77, 97, 110 ] "TWFu"
        , decodes "" []
        , decodes "TQ==" [ 77 ]
        , decodes "TWE=" [ 77, 97 ]
        , decodes "TWFu" [ 77, 97, 110 ]
        , decodes "AAEC/f7/" [ 0, 1, 2, 253, 254, 255 ]
        , rejects "TWF"
        , rejects "TQ="
        , rejects "T==="
        , rejects "===="
        , rejects "TQ==TWFu"
        , rejects "TW=u"
        , rejects "TR=="
        , rejects "TWF="
        , rejects "TWF-"
        , rejects "TWF_"
        , rejects "TW Fu"
        , rejects "TWFu\n"
        , test "width counts bytes" <|
            \_ -> Bytes.fromBase64 "TWE=" |> Maybe.map Bytes.width |> Expect.equal (Just 2)
        , test "decoder fails on invalid base64" <|
            \_ -> Decode.decodeString Bytes.decoder "\"abc\"" |> Expect.err
        , fuzz (Fuzz.list (Fuzz.intRange 0 255)) "bytes -> base64 -> bytes is the identity" <|
            \list ->
                Bytes.fromBytes (fromList list)
                    |> Bytes.encode
                    |> Decode.decodeValue Bytes.decoder
                    |> Result.toMaybe
                    |> Maybe.andThen Bytes.toBytes
                    |> Maybe.andThen toList
                    |> Expect.equal (Just list)
        , fuzz (Fuzz.list (Fuzz.intRange 0 255)) "width is the byte count" <|
            \list -> Bytes.fromBytes (fromList list) |> Bytes.width |> Expect.equal (List.length list)
        ]
