module ValidateTests exposing (suite)

import Expect
import Hamlet.Validate as Validate exposing (Violation)
import Test exposing (Test, describe, test)


at : String -> String -> List Violation
at path message =
    [ { path = path, message = message } ]


suite : Test
suite =
    describe "Hamlet.Validate"
        [ describe "paths"
            [ test "root, field, index" <|
                \_ ->
                    Validate.root
                        |> Validate.field "posts"
                        |> Validate.index 3
                        |> Validate.field "body"
                        |> Expect.equal "$.posts[3].body"
            ]
        , describe "stringLength"
            [ test "too short" <|
                \_ ->
                    Validate.stringLength { min = Just 2, max = Nothing } "$.name" "a"
                        |> Expect.equal (at "$.name" "expected at least 2 characters")
            , test "too long" <|
                \_ ->
                    Validate.stringLength { min = Nothing, max = Just 3 } "$.name" "abcd"
                        |> Expect.equal (at "$.name" "expected at most 3 characters")
            , test "within bounds" <|
                \_ -> Validate.stringLength { min = Just 1, max = Just 4 } "$" "abcd" |> Expect.equal []
            , test "no bounds" <|
                \_ -> Validate.stringLength { min = Nothing, max = Nothing } "$" "" |> Expect.equal []
            , test "counts code points, not UTF-16 units" <|
                \_ -> Validate.stringLength { min = Nothing, max = Just 2 } "$" "😀😀" |> Expect.equal []
            , test "counts code points when too long" <|
                \_ ->
                    Validate.stringLength { min = Nothing, max = Just 2 } "$" "😀😀😀"
                        |> Expect.equal (at "$" "expected at most 2 characters")
            ]
        , describe "intRange"
            [ test "below" <|
                \_ -> Validate.intRange { min = Just 0, max = Just 10 } "$.n" -1 |> Expect.equal (at "$.n" "expected at least 0")
            , test "above" <|
                \_ -> Validate.intRange { min = Just 0, max = Just 10 } "$.n" 11 |> Expect.equal (at "$.n" "expected at most 10")
            , test "bounds are inclusive" <|
                \_ ->
                    Validate.intRange { min = Just 0, max = Just 10 } "$.n" 0
                        ++ Validate.intRange { min = Just 0, max = Just 10 } "$.n" 10
                        |> Expect.equal []
            ]
        , describe "floatRange"
            [ test "below" <|
                \_ -> Validate.floatRange { min = Just 0.5, max = Nothing } "$.x" 0.25 |> Expect.equal (at "$.x" "expected at least 0.5")
            , test "above, whole number printed like JavaScript" <|
                \_ -> Validate.floatRange { min = Nothing, max = Just 2 } "$.x" 2.5 |> Expect.equal (at "$.x" "expected at most 2")
            , test "inside" <|
                \_ -> Validate.floatRange { min = Just 0, max = Just 1 } "$.x" 1 |> Expect.equal []
            ]
        , describe "listLength"
            [ test "too few" <|
                \_ -> Validate.listLength { min = Just 1, max = Nothing } "$.tags" [] |> Expect.equal (at "$.tags" "expected at least 1 item")
            , test "too many" <|
                \_ -> Validate.listLength { min = Nothing, max = Just 2 } "$.tags" [ 1, 2, 3 ] |> Expect.equal (at "$.tags" "expected at most 2 items")
            , test "fine" <|
                \_ -> Validate.listLength { min = Just 1, max = Just 2 } "$.tags" [ 1, 2 ] |> Expect.equal []
            ]
        , describe "pattern"
            [ test "matches" <|
                \_ -> Validate.pattern "^[a-z]+$" "$.handle" "ada" |> Expect.equal []
            , test "does not match" <|
                \_ -> Validate.pattern "^[a-z]+$" "$.handle" "Ada" |> Expect.equal (at "$.handle" "expected to match pattern ^[a-z]+$")
            , test "is unanchored like RegExp.test" <|
                \_ -> Validate.pattern "[0-9]" "$" "a1b" |> Expect.equal []
            , test "an invalid pattern is a violation, not a crash" <|
                \_ -> Validate.pattern "([a-z" "$.handle" "ada" |> Expect.equal (at "$.handle" "invalid pattern ([a-z")
            ]
        , describe "email"
            [ test "accepts a plain address" <|
                \_ -> Validate.email "$.email" "ada@example.com" |> Expect.equal []
            , test "accepts upper case and plus" <|
                \_ -> Validate.email "$.email" "Ada.Lovelace+x@Mail.Example.CO.UK" |> Expect.equal []
            , test "rejects a missing @" <|
                \_ -> Validate.email "$.email" "ada.example.com" |> Expect.equal (at "$.email" "expected an email address")
            , test "rejects a missing domain dot" <|
                \_ -> Validate.email "$.email" "ada@localhost" |> Expect.equal (at "$.email" "expected an email address")
            , test "rejects spaces" <|
                \_ -> Validate.email "$.email" "ada @example.com" |> Expect.equal (at "$.email" "expected an email address")
            ]
        , describe "url"
            [ test "accepts https" <|
                \_ -> Validate.url "$.site" "https://example.com/a?b=c#d" |> Expect.equal []
            , test "accepts http with a port" <|
                \_ -> Validate.url "$.site" "http://localhost:8080" |> Expect.equal []
            , test "rejects a relative path" <|
                \_ -> Validate.url "$.site" "/a/b" |> Expect.equal (at "$.site" "expected a URL")
            , test "rejects other schemes" <|
                \_ -> Validate.url "$.site" "ftp://example.com" |> Expect.equal (at "$.site" "expected a URL")
            , test "rejects plain text" <|
                \_ -> Validate.url "$.site" "not a url" |> Expect.equal (at "$.site" "expected a URL")
            ]
        , describe "combinators"
            [ test "each indexes paths" <|
                \_ ->
                    Validate.each (Validate.stringLength { min = Just 1, max = Nothing }) "$.tags" [ "a", "", "b", "" ]
                        |> Expect.equal
                            [ { path = "$.tags[1]", message = "expected at least 1 character" }
                            , { path = "$.tags[3]", message = "expected at least 1 character" }
                            ]
            , test "optional skips Nothing" <|
                \_ -> Validate.optional (Validate.intRange { min = Just 1, max = Nothing }) "$.n" Nothing |> Expect.equal []
            , test "optional checks Just" <|
                \_ ->
                    Validate.optional (Validate.intRange { min = Just 1, max = Nothing }) "$.n" (Just 0)
                        |> Expect.equal (at "$.n" "expected at least 1")
            ]
        ]
