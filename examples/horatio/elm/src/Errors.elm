module Errors exposing (createPost, describe, listDeadLetters, never, retryDeadLetter, signIn, submitPost)

{-| Typed request errors as sentences a person understands. The declared errors of each endpoint
come from the generated `Api.Types`; everything else (network, status, body) is described here once.
-}

import Api.Types as Types
import Hamlet.Http


{-| A request error, given how to describe the endpoint's declared errors.
-}
describe : (e -> String) -> Hamlet.Http.Error e -> String
describe declared error =
    case error of
        Hamlet.Http.Declared e ->
            declared e

        Hamlet.Http.NetworkError ->
            "Cannot reach the server. Check your connection and try again."

        Hamlet.Http.Timeout ->
            "The server took too long to answer. Try again."

        Hamlet.Http.BadStatus 401 _ ->
            "Your session has ended. Please sign in again."

        Hamlet.Http.BadStatus 400 _ ->
            "The server did not accept this input."

        Hamlet.Http.BadStatus status _ ->
            if status >= 500 then
                "Something went wrong on the server (" ++ String.fromInt status ++ "). Try again in a moment."

            else
                "The request failed (" ++ String.fromInt status ++ ")."

        Hamlet.Http.BadBody _ ->
            "The server answered something this page does not understand. Reload the page."

        Hamlet.Http.BadUrl _ ->
            "This page built a bad address. Reload the page."


never : Never -> String
never =
    Basics.never


createPost : Types.CreatePostError -> String
createPost error =
    case error of
        Types.CreatePostErrorRateLimited { retryAfterS } ->
            rateLimited retryAfterS

        Types.CreatePostErrorBanned { reason } ->
            banned reason


submitPost : Types.SubmitPostError -> String
submitPost error =
    case error of
        Types.SubmitPostErrorRateLimited { retryAfterS } ->
            rateLimited retryAfterS

        Types.SubmitPostErrorBanned { reason } ->
            banned reason


banned : String -> String
banned reason =
    "You may not post: " ++ reason ++ "."


rateLimited : Int -> String
rateLimited seconds =
    "You are posting too fast. Try again in " ++ String.fromInt seconds ++ " seconds."


signIn : Types.SignInError -> String
signIn error =
    case error of
        Types.SignInErrorNotFound ->
            "Development sign-in is off on this server (start it with HORATIO_DEV_LOGIN=1)."


listDeadLetters : Types.ListDeadLettersError -> String
listDeadLetters error =
    case error of
        Types.ListDeadLettersErrorForbidden ->
            "Only administrators can see dead letters."


retryDeadLetter : Types.RetryDeadLetterError -> String
retryDeadLetter error =
    case error of
        Types.RetryDeadLetterErrorForbidden ->
            "Only administrators can retry dead letters."

        Types.RetryDeadLetterErrorNotFound ->
            "This dead letter is gone (retried or discarded already)."
