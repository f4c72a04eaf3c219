/**
 * Horatio's endpoint handlers. Posts live in the tenant's KV store (`post:<id>`, the post's wire
 * JSON), so every tenant sees only its own posts; a per-author counter with a one-minute TTL,
 * incremented atomically, implements the rate limit. Submitted posts (`submission:<id>`) wait for
 * their publish time and the moderation service (see publishing.ts) before they become posts.
 */
import { randomUUID } from "node:crypto";
import { fail, type Failure, type JsonValue, type KvStore } from "@hamlet/runtime-node";
import type { Handlers } from "../generated/typescript/server.js";
import type { CreatePostError, Post, Uuid } from "../generated/typescript/types.js";
import { decodePost, encodePost, encodeSubmission } from "../generated/typescript/validators.js";
import { readSubmission, SUBMISSION_PREFIX } from "./publishing.js";

export interface HandlerOptions {
  /** Posts an author may write per minute (default 30). */
  readonly postsPerMinute?: number;
  /** Handles that may not post. */
  readonly banned?: ReadonlySet<string>;
  /** Current time (default `Date.now`). */
  readonly now?: () => number;
}

const POST_PREFIX = "post:";

async function allPosts(kv: KvStore): Promise<Post[]> {
  const posts: Post[] = [];
  for (const entry of await kv.list(POST_PREFIX)) {
    const decoded = decodePost(entry.value);
    if (decoded.ok) posts.push(decoded.value);
  }
  return posts;
}

/** Newest first; ties broken by id so pages are stable. */
function newestFirst(a: Post, b: Post): number {
  const diff = b.created_at.getTime() - a.created_at.getTime();
  return diff !== 0 ? diff : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** `#words` of a post body, at most 10, without duplicates. */
function hashtags(body: string): string[] {
  const tags = new Set<string>();
  for (const match of body.matchAll(/#([\p{L}\p{N}_]+)/gu)) tags.add(match[1]!.toLowerCase());
  return [...tags].slice(0, 10);
}

export function createHandlers(options: HandlerOptions = {}): Handlers {
  const now = options.now ?? Date.now;
  const postsPerMinute = options.postsPerMinute ?? 30;
  const banned = options.banned ?? new Set<string>();
  /** The author's handle, or a declared error when they may not post now. */
  async function mayPost(kv: KvStore, handle: string): Promise<Failure<CreatePostError> | undefined> {
    if (banned.has(handle)) return fail({ tag: "Banned", reason: "this account may not post" });
    // One atomic statement: concurrent requests cannot all read the same count (a fixed window).
    const used = await kv.increment(`rate:${handle}`, { ttlSeconds: 60 });
    if (used > postsPerMinute) return fail({ tag: "RateLimited", retry_after_s: 60 });
    return undefined;
  }

  function newPost(handle: string, body: string, visibility: Post["visibility"], at: Date | undefined): Post {
    return {
      id: randomUUID() as Uuid,
      author: handle,
      body,
      tags: hashtags(body),
      reply_to: undefined,
      likes: 0,
      visibility,
      created_at: at ?? new Date(now()),
      reactions: {},
    };
  }

  return {
    async getFeed(request, { kv }) {
      const visibleAt = now();
      const matching = (await allPosts(kv))
        .filter((p) => p.created_at.getTime() <= visibleAt && p.visibility === "Public")
        .filter((p) => request.author === undefined || p.author === request.author)
        .filter((p) => request.before === undefined || p.created_at.getTime() < request.before.getTime())
        .sort(newestFirst);
      const posts = matching.slice(0, request.limit);
      const last = posts[posts.length - 1];
      return {
        posts,
        next_before: matching.length > posts.length && last !== undefined ? last.created_at : undefined,
      };
    },

    async getPost(request, { kv }) {
      const stored = await kv.get(POST_PREFIX + request.id);
      const decoded = stored === undefined ? undefined : decodePost(stored);
      if (decoded === undefined || !decoded.ok) return fail({ tag: "NotFound" });
      return decoded.value;
    },

    async createPost(request, { kv, session }) {
      const handle = session.data["handle"];
      if (typeof handle !== "string") throw new Error("session without a handle");
      const refused = await mayPost(kv, handle);
      if (refused) return refused;
      const post = newPost(handle, request.body, request.visibility, request.publish_at);
      await kv.set(POST_PREFIX + post.id, encodePost(post) as JsonValue);
      return post;
    },

    // Runs in one transaction with `emit` (kv is bound to it): a refusal or a crash stores neither
    // the submission nor its event.
    async submitPost(request, { kv, session, emit }) {
      const handle = session.data["handle"];
      if (typeof handle !== "string") throw new Error("session without a handle");
      const refused = await mayPost(kv, handle);
      if (refused) return refused;
      const post = newPost(handle, request.body, request.visibility, request.publish_at);
      const submission = { post, status: "Scheduled" as const, reason: undefined };
      await kv.set(SUBMISSION_PREFIX + post.id, encodeSubmission(submission) as JsonValue);
      await emit("PublishScheduledPost", { post_id: post.id }, { dueAt: post.created_at });
      return submission;
    },

    async getSubmission(request, { kv }) {
      const submission = await readSubmission(kv, request.id);
      return submission ?? fail({ tag: "NotFound" });
    },
  };
}
