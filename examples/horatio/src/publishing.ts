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
import { kvFor, type JsonValue, type KvStore } from "@hamlet/runtime-node";
import type {
  EventHandlerContext,
  EventHandlers,
  ServiceResponses,
  WorkflowHandlers,
} from "../generated/typescript/events.js";
import type { ModerationResponse, Submission, Uuid } from "../generated/typescript/types.js";
import { decodeSubmission, encodePost, encodeSubmission } from "../generated/typescript/validators.js";

export const SUBMISSION_PREFIX = "submission:";
/** `moderating:<id of the PublishScheduledPost event>` → the post it asked about. */
const MODERATING_PREFIX = "moderating:";

export async function readSubmission(kv: KvStore, id: string): Promise<Submission | undefined> {
  const stored = await kv.get(SUBMISSION_PREFIX + id);
  const decoded = stored === undefined ? undefined : decodeSubmission(stored);
  return decoded?.ok ? decoded.value : undefined;
}

/** The tenant's KV store inside the event's transaction. */
function kvOf(context: EventHandlerContext): KvStore {
  if (context.tx === null) throw new Error("horatio needs a database for its events");
  return kvFor(context.tx, context.tenantId);
}

async function save(kv: KvStore, submission: Submission): Promise<void> {
  await kv.set(SUBMISSION_PREFIX + submission.post.id, encodeSubmission(submission) as JsonValue);
}

export const publishingHandlers: EventHandlers = {
  async publishScheduledPost({ post_id }, context) {
    const kv = kvOf(context);
    const submission = await readSubmission(kv, post_id);
    if (submission === undefined || submission.status !== "Scheduled") return;
    // The service's answer finds the post through the id of the event that asked.
    await kv.set(MODERATING_PREFIX + context.eventId, post_id);
    await context.services.moderation({ text: submission.post.body });
  },
};

export const moderationResponses: ServiceResponses = {
  async moderation(response: ModerationResponse, context) {
    const kv = kvOf(context);
    const key = MODERATING_PREFIX + (context.causationId ?? "");
    const postId = await kv.get(key);
    if (typeof postId !== "string") return;
    await kv.delete(key);
    const submission = await readSubmission(kv, postId as Uuid);
    if (submission === undefined || submission.status !== "Scheduled") return;
    if (response.allowed) {
      await kv.set(`post:${postId}`, encodePost(submission.post) as JsonValue);
      await save(kv, { ...submission, status: "Published", reason: undefined });
    } else {
      await save(kv, { ...submission, status: "Rejected", reason: response.reason ?? "rejected by moderation" });
    }
  },
};

/**
 * The `PublishPhoto` workflow. Photo uploads are not served yet (nothing emits `PhotoUploaded`),
 * so these steps only derive names; they exist so the workflow is registered and type-checked.
 */
export const photoWorkflow: WorkflowHandlers = {
  publishPhoto: {
    async thumbnail({ trigger }) {
      return { thumb_url: `/thumbnails/${trigger.storage_key}` };
    },
    async moderate() {
      return { allowed: true };
    },
    async publish() {},
  },
};
