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
import { kvFor, PermanentEventError, type KvStore } from "@hamlet/runtime-node";
import { repositories } from "../generated/typescript/repositories.js";
import type {
  EventHandlerContext,
  EventHandlers,
  ServiceResponses,
  WorkflowHandlers,
} from "../generated/typescript/events.js";
import type { ModerationResponse, Post, Uuid } from "../generated/typescript/types.js";
import { postOf } from "./posts.js";
import { thumbnailUrl, type Thumbnails } from "./thumbnails.js";

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
export function createPublishing(
  onPublished: PublishedListener,
  photos: PhotoPipeline,
): {
  handlers: EventHandlers;
  services: ServiceResponses;
  workflows: WorkflowHandlers;
} {
  return {
    handlers: publishingHandlers,
    services: moderationResponses(onPublished),
    workflows: photoWorkflowFor(onPublished, photos),
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

/** What the `PublishPhoto` steps use besides the database and the services (app.ts builds them). */
export interface PhotoPipeline {
  /** The `ImageResizer` worker pool and the upload storage (thumbnails.ts). */
  readonly thumbnails: Thumbnails;
}

/**
 * The `PublishPhoto` workflow, started by `PhotoUploaded` (the upload handler emits it): each step
 * runs once and its output is kept, and the session that uploaded sees every step on `/hamlet/runs`.
 * `thumbnail` has the `ImageResizer` worker shrink the photo to 480 px (its progress shown live on
 * the photo card) and stores the result beside it (a file that is not an image fails the run with `ProcessingFailed`; a crashed or timed-out
 * thread fails the attempt, which is retried); `moderate` asks the `Moderation` service about the
 * caption and waits for its answer (`awaitService`: a durable call with the service's `@retry`; the
 * step shows as waiting meanwhile, and a refusal or a call that runs out of attempts fails the run,
 * which an admin's retry of the call's dead letter resumes); `publish` writes the post.
 */
export function photoWorkflowFor(onPublished: PublishedListener, photos: PhotoPipeline): WorkflowHandlers {
  return {
    publishPhoto: {
      async thumbnail({ trigger, context, progress }) {
        // The worker's progress goes to /hamlet/runs as it comes; no transaction is open meanwhile
        // (the first statement below opens it), so other writes go on while the worker runs.
        const made = await photos.thumbnails.make(context.tenantId, trigger.photo_id, trigger.storage_key, progress);
        await repositories(txOf(context), context.tenantId).photoRow.update(
          { id: trigger.photo_id },
          { thumbnail_key: made.key, thumbnail_width: made.width, thumbnail_height: made.height },
        );
        return { thumb_url: thumbnailUrl(trigger.photo_id) };
      },
      async moderate({ trigger, context, awaitService }) {
        // Runs again from here when the answer arrives: only reads before the call.
        const photo = await repositories(txOf(context), context.tenantId).photoRow.get({ id: trigger.photo_id });
        if (photo === undefined) return { allowed: false };
        if (photo.caption === "") return { allowed: true };
        const outcome = await awaitService.moderation({ text: photo.caption });
        if (outcome.ok) return { allowed: outcome.answer.allowed };
        throw new PermanentEventError(`the moderation service ${outcome.reason} the caption: ${outcome.error}`);
      },
      async publish({ trigger, outputs, context }) {
        const repos = repositories(txOf(context), context.tenantId);
        const photo = await repos.photoRow.get({ id: trigger.photo_id });
        if (photo === undefined || !outputs.moderate.allowed) return;
        const row = await repos.postRow.insert({
          id: trigger.photo_id,
          author: photo.author,
          body: (photo.caption.trim() || "A photo").slice(0, 500),
          visibility: "Public",
          created_at: new Date(),
        });
        context.afterCommit(() => onPublished(context.tenantId, postOf(row)));
      },
    },
  };
}
