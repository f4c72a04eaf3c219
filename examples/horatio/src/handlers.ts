/**
 * Horatio's endpoint handlers. Posts live in the `posts` table and submissions in `submissions`
 * (the `PostRow` and `SubmissionRow` models, through the generated repositories; see visibility.ts
 * for who may read a post, posts.ts for the keyset timeline). Every row belongs to the request's tenant. A
 * per-author counter in the KV store with a one-minute TTL, incremented atomically, implements the
 * rate limit. Submitted posts wait for their publish time and the moderation service (see
 * publishing.ts) before they become posts.
 */
import { randomUUID } from "node:crypto";
import { eventSystemOf, fail, type EndpointContext, type Failure, type KvStore } from "@hamlet/runtime-node";
import { repositories } from "../generated/typescript/repositories.js";
import type { Handlers } from "../generated/typescript/server.js";
import type { CreatePostError, Me, Uuid } from "../generated/typescript/types.js";
import { photosOf, postPhotoOf } from "./post-photos.js";
import { follow, following } from "./follows.js";
import { postOf, timelinePage } from "./posts.js";
import type { PublishedListener } from "./publishing.js";
import { readablePost } from "./visibility.js";
import { deadLetterOf, submissionOf } from "./wire.js";

export interface HandlerOptions {
  /** Posts an author may write per minute (default 30). */
  readonly postsPerMinute?: number;
  /** Handles that may not post. */
  readonly banned?: ReadonlySet<string>;
  /** Handles that may see and retry dead letters (default: none). */
  readonly admins?: ReadonlySet<string>;
  /** Whether `SignIn` signs anyone in without a password (development and tests only). */
  readonly devLogin?: boolean;
  /** Current time (default `Date.now`). */
  readonly now?: () => number;
  /** Told about every post that becomes visible at once (the live feed pushes it to the readers). */
  readonly onPublished?: PublishedListener;
}

/** The signed-in handle of a request, if any. */
export function readerOf(context: EndpointContext): string | undefined {
  const handle = context.session?.data["handle"];
  return typeof handle === "string" ? handle : undefined;
}

function authorOf(context: EndpointContext): string {
  const handle = readerOf(context);
  if (handle === undefined) throw new Error("session without a handle");
  return handle;
}

export function createHandlers(options: HandlerOptions = {}): Handlers {
  const now = options.now ?? Date.now;
  const postsPerMinute = options.postsPerMinute ?? 30;
  const banned = options.banned ?? new Set<string>();
  const admins = options.admins ?? new Set<string>();
  const me = (handle: string | undefined): Me => ({ handle, admin: handle !== undefined && admins.has(handle) });

  /** The author's handle, or a declared error when they may not post now. */
  async function mayPost(kv: KvStore, handle: string): Promise<Failure<CreatePostError> | undefined> {
    if (banned.has(handle)) return fail({ tag: "Banned", reason: "this account may not post" });
    // One atomic statement: concurrent requests cannot all read the same count (a fixed window).
    const used = await kv.increment(`rate:${handle}`, { ttlSeconds: 60 });
    if (used > postsPerMinute) return fail({ tag: "RateLimited", retry_after_s: 60 });
    return undefined;
  }

  return {
    async getMe(_request, context) {
      return me(readerOf(context));
    },

    async signIn(request, context) {
      if (!options.devLogin) return fail({ tag: "NotFound" });
      const data = { handle: request.handle };
      const { request: req, reply, session, sessions } = context;
      if (session) await sessions.rotate(req, reply, session, data);
      else await sessions.create(req, reply, data);
      return me(request.handle);
    },

    async signOut(_request, context) {
      await context.sessions.destroy(context.request, context.reply, context.session);
      return me(undefined);
    },

    // The older cursor (a time only): a page never ends inside a run of posts with the same time,
    // so `created_at < next_before` cannot skip any (unless a whole page has one time).
    async getFeed(request, context) {
      const page = await timelinePage(context.db, {
        tenant: context.tenant,
        reader: readerOf(context),
        now: now(),
        author: request.author,
        before: request.before,
        limit: request.limit,
      });
      if (page.next === undefined) return { posts: page.posts, next_before: undefined };
      const lastTime = page.next.before.getTime();
      const whole = page.posts.filter((p) => p.created_at.getTime() !== lastTime);
      const posts = whole.length > 0 ? whole : page.posts;
      return { posts, next_before: posts[posts.length - 1]!.created_at };
    },

    async getTimeline(request, context) {
      const after =
        request.before !== undefined && request.before_id !== undefined
          ? { before: request.before, before_id: request.before_id }
          : undefined;
      const page = await timelinePage(context.db, {
        tenant: context.tenant,
        reader: readerOf(context),
        now: now(),
        author: request.author,
        after,
        before: after === undefined ? request.before : undefined,
        limit: request.limit,
      });
      return { ...page, photos: await photosOf(context.db, context.tenant, page.posts) };
    },

    // The photo of a photo post the caller may read (see post-photos.ts).
    async getPostPhoto(request, context) {
      const row = await readablePost(context.db, context.tenant, request.id, readerOf(context), now());
      if (row === undefined) return fail({ tag: "NotFound" });
      const photo = await repositories(context.db, context.tenant).photoRow.get({ id: request.id });
      return { photo: photo === undefined ? undefined : postPhotoOf(photo) };
    },

    async getPost(request, context) {
      const row = await readablePost(context.db, context.tenant, request.id, readerOf(context), now());
      return row === undefined ? fail({ tag: "NotFound" }) : postOf(row);
    },

    async follow(request, context) {
      const follower = authorOf(context);
      if (request.handle !== follower) await follow(context.db, context.tenant, follower, request.handle);
      return following(context.db, context.tenant, follower);
    },

    async unfollow(request, context) {
      const follower = authorOf(context);
      await repositories(context.db, context.tenant).followRow.delete({ follower, followee: request.handle });
      return following(context.db, context.tenant, follower);
    },

    async listFollowing(_request, context) {
      return following(context.db, context.tenant, authorOf(context));
    },

    async createPost(request, context) {
      const author = authorOf(context);
      const refused = await mayPost(context.kv, author);
      if (refused) return refused;
      const row = await repositories(context.db, context.tenant).postRow.insert({
        id: randomUUID() as Uuid,
        author,
        body: request.body,
        visibility: request.visibility,
        publish_at: request.publish_at ?? null,
        // A scheduled post takes its publish time: it stays invisible until then, then sorts there.
        created_at: request.publish_at ?? new Date(now()),
      });
      const post = postOf(row);
      if (row.created_at.getTime() <= now()) context.afterCommit(() => options.onPublished?.(context.tenant, post));
      return post;
    },

    // Runs in one transaction with `emit` (`tx`, and `kv` is bound to it): a refusal or a crash
    // stores neither the submission nor its event.
    async submitPost(request, context) {
      const author = authorOf(context);
      const refused = await mayPost(context.kv, author);
      if (refused) return refused;
      const db = context.tx ?? context.db;
      const row = await repositories(db, context.tenant).submissionRow.insert({
        id: randomUUID() as Uuid,
        author,
        body: request.body,
        visibility: request.visibility,
        publish_at: request.publish_at ?? new Date(now()),
        status: "Scheduled",
        reason: null,
      });
      await context.emit("PublishScheduledPost", { post_id: row.id }, { dueAt: row.publish_at });
      return submissionOf(row);
    },

    // A submission is its author's business until it is published.
    async getSubmission(request, context) {
      const row = await repositories(context.db, context.tenant).submissionRow.get({ id: request.id });
      if (row === undefined || (row.status !== "Published" && row.author !== readerOf(context)))
        return fail({ tag: "NotFound" });
      return submissionOf(row);
    },

    async mySubmissions(_request, context) {
      const repo = repositories(context.db, context.tenant).submissionRow;
      const author = authorOf(context);
      const pending = [
        ...(await repo.list({ where: { author, status: "Scheduled" }, limit: 100 })),
        ...(await repo.list({ where: { author, status: "Rejected" }, limit: 100 })),
      ];
      pending.sort((a, b) => b.publish_at.getTime() - a.publish_at.getTime());
      return { submissions: pending.map(submissionOf) };
    },

    async listDeadLetters(_request, context) {
      if (!admins.has(authorOf(context))) return fail({ tag: "Forbidden" });
      const events = eventSystemOf(context.app);
      if (events === undefined) return { letters: [], event_store: false };
      const letters = await events.admin.listDeadLetters(context.tenant, { limit: 100 });
      return { letters: letters.map(deadLetterOf), event_store: events.durable };
    },

    async retryDeadLetter(request, context) {
      if (!admins.has(authorOf(context))) return fail({ tag: "Forbidden" });
      const events = eventSystemOf(context.app);
      if (events === undefined || !(await events.admin.retryDeadLetter(context.tenant, request.id)))
        return fail({ tag: "NotFound" });
      return { retried: true };
    },
  };
}
