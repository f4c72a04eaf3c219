module Hamlet.Uuid exposing (Uuid, fromString, toString, decoder, encode)

{-| `Uuid` values on the wire: the canonical 8-4-4-4-12 hexadecimal form.

@docs Uuid, fromString, toString, decoder, encode

-}

import Json.Decode as Decode
import Json.Encode as Encode


{-| A UUID, held in lower case canonical form, so `==` compares UUIDs.
Any version (including the nil UUID) is accepted.
-}
type Uuid
    = Uuid String


{-| Parse `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in either case;
the result is lower case). Braces, `urn:uuid:` prefixes and missing hyphens
are rejected.

    Maybe.map toString (fromString "123E4567-E89B-12D3-A456-426614174000")
        == Just "123e4567-e89b-12d3-a456-426614174000"

-}
fromString : String -> Maybe Uuid
fromString text =
    let
        groups =
            String.split "-" text
    in
    if List.map String.length groups == [ 8, 4, 4, 4, 12 ] && List.all (String.all Char.isHexDigit) groups then
        Just (Uuid (String.toLower text))

    else
        Nothing


{-| The canonical lower case text.
-}
toString : Uuid -> String
toString (Uuid text) =
    text


{-| Decode a UUID string; fails with a message naming the bad value.
-}
decoder : Decode.Decoder Uuid
decoder =
    Decode.string
        |> Decode.andThen
            (\text ->
                case fromString text of
                    Just uuid ->
                        Decode.succeed uuid

                    Nothing ->
                        Decode.fail ("expected a UUID such as 123e4567-e89b-12d3-a456-426614174000, got \"" ++ text ++ "\"")
            )


{-| Encode as the canonical lower case string.
-}
encode : Uuid -> Encode.Value
encode uuid =
    Encode.string (toString uuid)
