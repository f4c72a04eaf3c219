/** Rows and runtime records as the schema's wire types (the generated encoders take it from there). */
import type { StoredEvent } from "@hamlet/runtime-node";
import type { SubmissionRow } from "../generated/typescript/repositories.js";
import type { DeadLetter, Submission } from "../generated/typescript/types.js";
import { hashtags } from "./posts.js";

/** A submission and the post it becomes (same id; its time is the publish time). */
export function submissionOf(row: SubmissionRow): Submission {
  return {
    post: {
      id: row.id,
      author: row.author,
      body: row.body,
      tags: hashtags(row.body),
      reply_to: undefined,
      likes: 0,
      visibility: row.visibility,
      created_at: row.publish_at,
      reactions: {},
    },
    status: row.status,
    reason: row.reason ?? undefined,
  };
}

/** A dead letter for the admin view: the payload as JSON text, the last error as stored. */
export function deadLetterOf(event: StoredEvent): DeadLetter {
  return {
    id: event.id,
    name: event.name,
    attempts: event.attempts,
    last_error: event.lastError ?? undefined,
    payload: JSON.stringify(event.payload),
    created_at: new Date(event.createdAt),
  };
}
