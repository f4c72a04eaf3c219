/**
 * Horatio's publishing pipeline on the event system (generated `events.ts`):
 *
 * 1. `SubmitPost` stores a submission and emits `PublishScheduledPost`, due at `publish_at`.
 * 2. When it is due, {@link publishingHandlers} asks the `Moderation` service about the text (a
 *    durable job with the service's `@retry` on the event store; fire-and-forget without it).
 * 3. The service's answer publishes the post (it appears in the feed) or rejects it.
 *
 * Every write goes through the event's transaction (`context.tx`), so it commits together with
 * the event's completion: a redelivered event finds the work done and does nothing.
 */
import { kvFor, type KvStore } from "@hamlet/runtime-node";
import { repositories } from "../generated/typescript/repositories.js";
import type {
  EventHandlerContext,
  EventHandlers,
  ServiceResponses,
  WorkflowHandlers,
} from "../generated/typescript/events.js";
import type { ModerationResponse, Post, Uuid } from "../generated/typescript/types.js";
import { postOf } from "./posts.js";

/** `moderating:<id of the PublishScheduledPost event>` → the submission it asked about. */
const MODERATING_PREFIX = "moderating:";

/** The event's transaction, scoped to its tenant. */
function txOf(context: EventHandlerContext) {
  if (context.tx === null) throw new Error("horatio needs a database for its events");
  return context.tx;
}

function kvOf(context: EventHandlerContext): KvStore {
  return kvFor(txOf(context), context.tenantId);
}

/** Told about every post that becomes visible (the live feed pushes it to the readers). */
export type PublishedListener = (tenant: string, post: Post) => void;

/** The event handlers and service reactions of the pipeline; `onPublished` hears of each publication. */
export function createPublishing(onPublished: PublishedListener = () => undefined): {
  handlers: EventHandlers;
  services: ServiceResponses;
  workflows: WorkflowHandlers;
} {
  return {
    handlers: publishingHandlers,
    services: moderationResponses(onPublished),
    workflows: photoWorkflowFor(onPublished),
  };
}

const publishingHandlers: EventHandlers = {
  async publishScheduledPost({ post_id }, context) {
    const submission = await repositories(txOf(context), context.tenantId).submissionRow.get({ id: post_id });
    if (submission === undefined || submission.status !== "Scheduled") return;
    // The service's answer finds the submission through the id of the event that asked.
    await kvOf(context).set(MODERATING_PREFIX + context.eventId, post_id);
    await context.services.moderation({ text: submission.body });
  },
};

const moderationResponses = (onPublished: PublishedListener): ServiceResponses => ({
  async moderation(response: ModerationResponse, context) {
    const kv = kvOf(context);
    const key = MODERATING_PREFIX + (context.causationId ?? "");
    const postId = await kv.get(key);
    if (typeof postId !== "string") return;
    await kv.delete(key);
    const repos = repositories(txOf(context), context.tenantId);
    const submission = await repos.submissionRow.get({ id: postId as Uuid });
    if (submission === undefined || submission.status !== "Scheduled") return;
    if (response.allowed) {
      // The post takes the submission's id and its publish time.
      const row = await repos.postRow.insert({
        id: submission.id,
        author: submission.author,
        body: submission.body,
        visibility: submission.visibility,
        publish_at: submission.publish_at,
        created_at: submission.publish_at,
      });
      await repos.submissionRow.update({ id: submission.id }, { status: "Published", reason: null });
      // Told once the post is committed: a rolled-back publication is never pushed.
      context.afterCommit(() => onPublished(context.tenantId, postOf(row)));
    } else {
      const reason = response.reason ?? "rejected by moderation";
      await repos.submissionRow.update({ id: submission.id }, { status: "Rejected", reason });
    }
  },
});

/** `photo:<photo id>` → who uploaded it and its caption (written by the upload, read by the workflow). */
export const PHOTO_PREFIX = "photo:";

/** What the upload handler keeps about a photo for the workflow. */
export interface PhotoNote {
  readonly author: string;
  readonly caption: string;
}

/**
 * The `PublishPhoto` workflow, started by `PhotoUploaded` (the upload handler emits it): each step
 * runs once and its output is kept, and the session that uploaded sees every step on `/hamlet/runs`.
 * `thumbnail` names the stored file's download URL (no resizing yet), `moderate` refuses a caption
 * with "spam", `publish` writes the post (as its author, "Photo: caption /files/PhotoUpload/<id>").
 */
export function photoWorkflowFor(onPublished: PublishedListener): WorkflowHandlers {
  return {
    publishPhoto: {
      async thumbnail({ trigger }) {
        return { thumb_url: `/files/PhotoUpload/${trigger.photo_id}` };
      },
      async moderate({ trigger, context }) {
        const note = (await kvOf(context).get(PHOTO_PREFIX + trigger.photo_id)) as PhotoNote | undefined;
        return { allowed: note !== undefined && !/spam/i.test(note.caption) };
      },
      async publish({ trigger, outputs, context }) {
        const kv = kvOf(context);
        const note = (await kv.get(PHOTO_PREFIX + trigger.photo_id)) as PhotoNote | undefined;
        if (note === undefined || !outputs.moderate.allowed) return;
        const body = `Photo: ${note.caption} ${outputs.thumbnail.thumb_url}`.slice(0, 500);
        const row = await repositories(txOf(context), context.tenantId).postRow.insert({
          id: trigger.photo_id,
          author: note.author,
          body,
          visibility: "Public",
          created_at: new Date(),
        });
        context.afterCommit(() => onPublished(context.tenantId, postOf(row)));
      },
    },
  };
}
