module Hamlet.Url exposing (path, withQuery)

{-| Building request URLs in generated request functions.

    withQuery (path [ "api", "posts", "a b" ]) [ ( "tag", "x/y" ), ( "tag", "z" ) ]
        == "/api/posts/a%20b?tag=x%2Fy&tag=z"

@docs path, withQuery

-}

import Url


{-| An absolute path from segments, each percent-encoded (as JavaScript's
`encodeURIComponent`: `/`, `?`, `#`, spaces and non-ASCII characters are escaped),
so a segment can never add or remove path levels.

    path [ "users", "ada/lovelace" ] == "/users/ada%2Flovelace"

    path [] == "/"

-}
path : List String -> String
path segments =
    "/" ++ String.join "/" (List.map Url.percentEncode segments)


{-| Add query parameters to a URL; keys and values are percent-encoded. Keys may
repeat (one pair per element of a list parameter). Nothing is added when the
list is empty; `&` is used when the URL already has a query.

    withQuery "/search" [ ( "q", "a&b" ) ] == "/search?q=a%26b"

    withQuery "/search" [] == "/search"

-}
withQuery : String -> List ( String, String ) -> String
withQuery url params =
    case params of
        [] ->
            url

        _ ->
            let
                separator =
                    if String.contains "?" url then
                        "&"

                    else
                        "?"
            in
            url
                ++ separator
                ++ String.join "&"
                    (List.map (\( key, value ) -> Url.percentEncode key ++ "=" ++ Url.percentEncode value) params)
