module Timeline exposing (Timeline, empty, followButton, formatTime, viewPost, withNewest, withPage, without, withoutFollowersPosts)

{-| The posts on screen, newest first, and where the next page starts (the keyset cursor the
server gave with the last page).
-}

import Api.Types as Types
import Hamlet.Uuid
import Html exposing (Html, article, button, div, header, p, span, strong, text)
import Html.Attributes exposing (class, title)
import Html.Events exposing (onClick)
import Time


type alias Timeline =
    { posts : List Types.Post
    , next : Maybe Types.TimelineCursor
    }


empty : Timeline
empty =
    { posts = [], next = Nothing }


{-| Appends an older page ("load more").
-}
withPage : Types.GetTimelineResponse -> Timeline -> Timeline
withPage page timeline =
    { posts = merge page.posts timeline.posts, next = page.next }


{-| Puts the newest posts on top, keeping what was already loaded (and its cursor).
-}
withNewest : Types.GetTimelineResponse -> Timeline -> Timeline
withNewest page timeline =
    if List.isEmpty timeline.posts then
        { posts = page.posts, next = page.next }

    else
        { timeline | posts = merge page.posts timeline.posts }


{-| Drops a post (deleted).
-}
without : Hamlet.Uuid.Uuid -> Timeline -> Timeline
without id timeline =
    { timeline | posts = List.filter (\post -> post.id /= id) timeline.posts }


{-| Drops the `Followers` posts of the authors for whom `unfollowed` is true (the reader stopped following them).
-}
withoutFollowersPosts : (String -> Bool) -> Timeline -> Timeline
withoutFollowersPosts unfollowed timeline =
    { timeline | posts = List.filter (\post -> post.visibility /= Types.Followers || not (unfollowed post.author)) timeline.posts }


{-| "Follow @ada" or "Unfollow @ada".
-}
followButton : { author : String, following : Bool, onToggle : msg } -> Html msg
followButton { author, following, onToggle } =
    button [ class "follow", onClick onToggle ]
        [ text
            ((if following then
                "Unfollow @"

              else
                "Follow @"
             )
                ++ author
            )
        ]


{-| Both lists, without duplicates, newest first (ties by id, as the server orders them).
-}
merge : List Types.Post -> List Types.Post -> List Types.Post
merge new old =
    let
        key post =
            Hamlet.Uuid.toString post.id

        oldKeys =
            List.map key old

        fresh =
            List.filter (\post -> not (List.member (key post) oldKeys)) new
    in
    (fresh ++ old)
        |> List.sortWith
            (\a b ->
                case compare (Time.posixToMillis b.createdAt) (Time.posixToMillis a.createdAt) of
                    EQ ->
                        compare (key b) (key a)

                    order ->
                        order
            )


viewPost : Time.Zone -> Types.Post -> Html msg
viewPost zone post =
    article [ class "post" ]
        [ header []
            [ strong [ class "author" ] [ text ("@" ++ post.author) ]
            , span [ class "time", title (Types.visibilityToString post.visibility) ] [ text (formatTime zone post.createdAt) ]
            , visibilityBadge post.visibility
            ]
        , p [ class "body" ] [ text post.body ]
        , if List.isEmpty post.tags then
            text ""

          else
            div [ class "tags" ] (List.map (\tag -> span [ class "tag" ] [ text ("#" ++ tag) ]) post.tags)
        ]


visibilityBadge : Types.Visibility -> Html msg
visibilityBadge visibility =
    case visibility of
        Types.Public ->
            text ""

        Types.Followers ->
            span [ class "badge" ] [ text "followers" ]

        Types.Private ->
            span [ class "badge" ] [ text "private" ]


{-| `2026-11-30 21:40:05` in the reader's time zone.
-}
formatTime : Time.Zone -> Time.Posix -> String
formatTime zone time =
    let
        two n =
            String.padLeft 2 '0' (String.fromInt n)
    in
    String.fromInt (Time.toYear zone time)
        ++ "-"
        ++ two (monthNumber (Time.toMonth zone time))
        ++ "-"
        ++ two (Time.toDay zone time)
        ++ " "
        ++ two (Time.toHour zone time)
        ++ ":"
        ++ two (Time.toMinute zone time)
        ++ ":"
        ++ two (Time.toSecond zone time)


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
