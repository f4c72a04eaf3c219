module UrlTests exposing (suite)

import Expect
import Hamlet.Url as Url
import Test exposing (Test, describe, test)


suite : Test
suite =
    describe "Hamlet.Url"
        [ test "plain segments" <|
            \_ -> Url.path [ "api", "posts", "42" ] |> Expect.equal "/api/posts/42"
        , test "no segments" <|
            \_ -> Url.path [] |> Expect.equal "/"
        , test "spaces, slashes and reserved characters are escaped" <|
            \_ -> Url.path [ "users", "a b/c?d#e" ] |> Expect.equal "/users/a%20b%2Fc%3Fd%23e"
        , test "unicode is UTF-8 percent-encoded" <|
            \_ -> Url.path [ "é😀" ] |> Expect.equal "/%C3%A9%F0%9F%98%80"
        , test "empty query adds nothing" <|
            \_ -> Url.withQuery "/api/posts" [] |> Expect.equal "/api/posts"
        , test "query keys and values are escaped" <|
            \_ ->
                Url.withQuery "/search" [ ( "q", "a&b=c d" ), ( "sort key", "é" ) ]
                    |> Expect.equal "/search?q=a%26b%3Dc%20d&sort%20key=%C3%A9"
        , test "repeated keys for lists" <|
            \_ ->
                Url.withQuery "/posts" [ ( "tag", "x/y" ), ( "tag", "z" ) ]
                    |> Expect.equal "/posts?tag=x%2Fy&tag=z"
        , test "appends to an existing query" <|
            \_ -> Url.withQuery "/posts?page=2" [ ( "q", "x" ) ] |> Expect.equal "/posts?page=2&q=x"
        , test "with a base URL" <|
            \_ ->
                Url.withQuery ("https://api.example.com" ++ Url.path [ "v1", "a b" ]) [ ( "x", "1" ) ]
                    |> Expect.equal "https://api.example.com/v1/a%20b?x=1"
        ]
