module Hamlet.Validate exposing
    ( Violation
    , root, field, index
    , stringLength, intRange, floatRange, listLength
    , pattern, email, url
    , each, optional
    )

{-| Client-side checks of schema constraints, called by generated validators
before a request is sent. The TypeScript server runs the same checks with the
same paths and messages.

Every check takes its settings, then the path of the value, then the value,
and returns the violations found (an empty list when the value is fine).

    stringLength { min = Just 1, max = Just 280 } "$.posts[3].body" ""
        == [ { path = "$.posts[3].body", message = "expected at least 1 character" } ]

@docs Violation
@docs root, field, index
@docs stringLength, intRange, floatRange, listLength
@docs pattern, email, url
@docs each, optional

-}

import Regex
import Url


{-| A broken constraint: where (a JSON path such as `$.posts[3].body`) and what
was expected.
-}
type alias Violation =
    { path : String
    , message : String
    }



-- PATHS


{-| The path of the value being validated: `"$"`.
-}
root : String
root =
    "$"


{-| The path of a field, for pipelines: `root |> field "posts"` is `"$.posts"`.
-}
field : String -> String -> String
field name parent =
    parent ++ "." ++ name


{-| The path of a list element: `root |> field "posts" |> index 3` is `"$.posts[3]"`.
-}
index : Int -> String -> String
index i parent =
    parent ++ "[" ++ String.fromInt i ++ "]"



-- CHECKS


{-| `@length(min, max)`: the number of characters, counted as Unicode code
points (an emoji is one character, a lone surrogate too), as the server counts
them. Messages: `expected at least N characters`, `expected at most N characters` (`1 character`).
-}
stringLength : { min : Maybe Int, max : Maybe Int } -> String -> String -> List Violation
stringLength bounds path value =
    let
        -- UTF-16 units minus surrogate pairs (String.foldl would pair a high
        -- surrogate with whatever unit follows it).
        count =
            String.length value - List.length (Regex.find surrogatePair value)
    in
    bounded bounds path count (\n -> "expected at least " ++ plural n "character") (\n -> "expected at most " ++ plural n "character")


{-| `@range(min, max)`, `@min`, `@max` on integers (bounds inclusive).
Messages: `expected at least N`, `expected at most N`.
-}
intRange : { min : Maybe Int, max : Maybe Int } -> String -> Int -> List Violation
intRange bounds path value =
    bounded bounds path value (\n -> "expected at least " ++ String.fromInt n) (\n -> "expected at most " ++ String.fromInt n)


{-| `@range(min, max)`, `@min`, `@max` on floats (bounds inclusive). Numbers are
written as `String.fromFloat` writes them (`2`, `0.5`), as JavaScript does.
Messages: `expected at least N`, `expected at most N`.
-}
floatRange : { min : Maybe Float, max : Maybe Float } -> String -> Float -> List Violation
floatRange bounds path value =
    bounded bounds path value (\n -> "expected at least " ++ String.fromFloat n) (\n -> "expected at most " ++ String.fromFloat n)


{-| `@minItems`, `@maxItems` on lists.
Messages: `expected at least N items`, `expected at most N items`.
-}
listLength : { min : Maybe Int, max : Maybe Int } -> String -> List a -> List Violation
listLength bounds path value =
    bounded bounds path (List.length value) (\n -> "expected at least " ++ plural n "item") (\n -> "expected at most " ++ plural n "item")


{-| `@pattern(P)`: the value must contain a match of the JavaScript regular
expression `P` (like `RegExp.prototype.test`, so anchor with `^...$` to match
the whole value). Message: `expected to match pattern P`. A pattern that is not
a valid regular expression gives the violation `invalid pattern P` instead of
crashing.
-}
pattern : String -> String -> String -> List Violation
pattern source path value =
    case Regex.fromString source of
        Just regex ->
            if Regex.contains regex value then
                []

            else
                [ { path = path, message = "expected to match pattern " ++ source } ]

        Nothing ->
            [ { path = path, message = "invalid pattern " ++ source } ]


{-| `@format(email)`: an email address (the same expression as ajv-formats'
`email` format, case-insensitive). Message: `expected an email address`.
-}
email : String -> String -> List Violation
email path value =
    if Regex.contains emailRegex value then
        []

    else
        [ { path = path, message = "expected an email address" } ]


{-| `@format(url)`: an absolute `http://` or `https://` URL with a host, as
elm/url's `Url.fromString` accepts. Message: `expected a URL`.
-}
url : String -> String -> List Violation
url path value =
    case Url.fromString value of
        Just parsed ->
            if String.isEmpty parsed.host then
                [ { path = path, message = "expected a URL" } ]

            else
                []

        Nothing ->
            [ { path = path, message = "expected a URL" } ]



-- COMBINATORS


{-| Check every element of a list, with paths `path[0]`, `path[1]`, ...

    each (stringLength { min = Just 1, max = Nothing }) "$.tags" [ "a", "" ]
        == [ { path = "$.tags[1]", message = "expected at least 1 character" } ]

-}
each : (String -> a -> List Violation) -> String -> List a -> List Violation
each check path values =
    List.concat (List.indexedMap (\i value -> check (index i path) value) values)


{-| Check an optional value only when it is present.
-}
optional : (String -> a -> List Violation) -> String -> Maybe a -> List Violation
optional check path maybeValue =
    case maybeValue of
        Just value ->
            check path value

        Nothing ->
            []



-- INTERNAL


bounded : { min : Maybe number, max : Maybe number } -> String -> number -> (number -> String) -> (number -> String) -> List Violation
bounded bounds path value tooSmall tooBig =
    let
        low =
            case bounds.min of
                Just min ->
                    if value < min then
                        [ { path = path, message = tooSmall min } ]

                    else
                        []

                Nothing ->
                    []

        high =
            case bounds.max of
                Just max ->
                    if value > max then
                        [ { path = path, message = tooBig max } ]

                    else
                        []

                Nothing ->
                    []
    in
    low ++ high


surrogatePair : Regex.Regex
surrogatePair =
    Regex.fromString "[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]"
        |> Maybe.withDefault Regex.never


emailRegex : Regex.Regex
emailRegex =
    Regex.fromStringWith { caseInsensitive = True, multiline = False }
        "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"
        |> Maybe.withDefault Regex.never


{-| `1 character`, `2 characters`: the count and the noun, plural unless the count is 1.
-}
plural : Int -> String -> String
plural n noun =
    String.fromInt n
        ++ " "
        ++ noun
        ++ (if n == 1 then
                ""

            else
                "s"
           )
