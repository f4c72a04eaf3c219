module Timeline exposing (Timeline, empty, followButton, formatTime, photoOf, viewPost, withNewest, withPage, withPhoto, without, withoutFollowersPosts)

{-| The posts on screen, newest first, where the next page starts (the keyset cursor the server
gave with the last page), and the photos of the photo posts among them, by post id.
-}

import Api.Types as Types
import Dict exposing (Dict)
import Hamlet.Uuid
import Html exposing (Html, a, article, button, div, header, img, p, span, strong, text)
import Html.Attributes exposing (alt, attribute, class, height, href, src, target, title, width)
import Html.Events exposing (onClick)
import Time


type alias Timeline =
    { posts : List Types.Post
    , next : Maybe Types.TimelineCursor
    , photos : Dict String Types.PostPhoto
    }


empty : Timeline
empty =
    { posts = [], next = Nothing, photos = Dict.empty }


{-| Appends an older page ("load more").
-}
withPage : Types.GetTimelineResponse -> Timeline -> Timeline
withPage page timeline =
    { posts = merge page.posts timeline.posts, next = page.next, photos = addPhotos page.photos timeline.photos }


{-| Puts the newest posts on top, keeping what was already loaded (and its cursor).
-}
withNewest : Types.GetTimelineResponse -> Timeline -> Timeline
withNewest page timeline =
    if List.isEmpty timeline.posts then
        { posts = page.posts, next = page.next, photos = addPhotos page.photos timeline.photos }

    else
        { timeline | posts = merge page.posts timeline.posts, photos = addPhotos page.photos timeline.photos }


{-| Adds the photo of a post (one that arrived live, without its photo).
-}
withPhoto : Types.PostPhoto -> Timeline -> Timeline
withPhoto photo timeline =
    { timeline | photos = addPhotos [ photo ] timeline.photos }


{-| The photo of a post, when it is a photo post.
-}
photoOf : Timeline -> Types.Post -> Maybe Types.PostPhoto
photoOf timeline post =
    Dict.get (Hamlet.Uuid.toString post.id) timeline.photos


addPhotos : List Types.PostPhoto -> Dict String Types.PostPhoto -> Dict String Types.PostPhoto
addPhotos photos known =
    List.foldl (\photo -> Dict.insert (Hamlet.Uuid.toString photo.postId) photo) known photos


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


viewPost : Time.Zone -> Maybe Types.PostPhoto -> Types.Post -> Html msg
viewPost zone photo post =
    article [ class "post" ]
        [ header []
            [ strong [ class "author" ] [ text ("@" ++ post.author) ]
            , span [ class "time", title (Types.visibilityToString post.visibility) ] [ text (formatTime zone post.createdAt) ]
            , visibilityBadge post.visibility
            ]
        , case photo of
            Just shown ->
                a [ class "photo", href shown.fullUrl, target "_blank", title "Open the full photo" ]
                    [ img
                        [ src shown.thumbnailUrl
                        , alt (photoAlt shown)
                        , width shown.width
                        , height shown.height
                        , attribute "loading" "lazy"
                        ]
                        []
                    ]

            Nothing ->
                text ""
        , p [ class "body" ] [ text post.body ]
        , if List.isEmpty post.tags then
            text ""

          else
            div [ class "tags" ] (List.map (\tag -> span [ class "tag" ] [ text ("#" ++ tag) ]) post.tags)
        ]


photoAlt : Types.PostPhoto -> String
photoAlt photo =
    if String.isEmpty photo.caption then
        "A photo"

    else
        photo.caption


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
