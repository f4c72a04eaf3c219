/**
 * Posts in the `posts` table (the `PostRow` model) through the generated repository. Every read
 * follows the visibility rule of visibility.ts; the timeline also pages by keyset:
 *
 * - **Keyset paging.** The timeline is newest first, ordered by `(created_at, id)`; a page starts
 *   strictly after the cursor of the previous one. With the index `posts_feed_keyset_idx`
 *   (`tenant_id, created_at, id`, migration 0006) a page is a short index range scan whatever the
 *   number of posts.
 */
import { scoped, type RepositoryDatabase } from "@hamlet/runtime-node/repository";
import type { PostRow } from "../generated/typescript/repositories.js";
import type { Post, TimelineCursor } from "../generated/typescript/types.js";
import { POST_COLUMNS, postRowOf, readableBy, type StoredPostRow } from "./visibility.js";

/** `#words` of a post body, at most 10, without duplicates. */
export function hashtags(body: string): string[] {
  const tags = new Set<string>();
  for (const match of body.matchAll(/#([\p{L}\p{N}_]+)/gu)) tags.add(match[1]!.toLowerCase());
  return [...tags].slice(0, 10);
}

/** The wire `Post` of a stored row (tags come from the body; likes and reactions are not stored yet). */
export function postOf(row: PostRow): Post {
  return {
    id: row.id,
    author: row.author,
    body: row.body,
    tags: hashtags(row.body),
    reply_to: undefined,
    likes: 0,
    visibility: row.visibility,
    created_at: row.created_at,
    reactions: {},
  };
}

export interface PageQuery {
  readonly tenant: string;
  readonly reader: string | undefined;
  readonly now: number;
  readonly author?: string | undefined;
  /** Start strictly after this post (newest first); the first page without it. */
  readonly after?: TimelineCursor | undefined;
  /** Start strictly before this time, whatever the id (the older `GetFeed` cursor). */
  readonly before?: Date | undefined;
  readonly limit: number;
}

/**
 * One page of visible posts, newest first, and the cursor of the next page when there is more:
 * one keyset query (an index range scan over `limit + 1` rows plus the invisible ones it skips).
 * The generated repository's `list` only has equality filters, so this query is written here.
 */
export async function timelinePage(
  db: RepositoryDatabase,
  query: PageQuery,
): Promise<{ posts: Post[]; next: TimelineCursor | undefined }> {
  const params: (string | number)[] = [query.tenant];
  const where = ['"tenant_id" = $1'];
  const param = (value: string | number): string => `$${params.push(value)}`;
  // One upper bound on created_at, the lowest of the cursor and now, so that the index range
  // starts at the cursor (SQLite ranges on one of several bounds, and now is usually the higher).
  const { after, before } = query;
  if (after !== undefined && after.before.getTime() <= query.now) {
    const at = param(after.before.toISOString());
    where.push(`"created_at" <= ${at}`, `("created_at" < ${at} OR "id" < ${param(after.before_id)})`);
  } else if (before !== undefined && before.getTime() <= query.now) {
    where.push(`"created_at" < ${param(before.toISOString())}`);
  } else where.push(`"created_at" <= ${param(new Date(query.now).toISOString())}`);
  // Who may read (visibility.ts); the time bound above is the rule's `created_at <= now`.
  where.push(readableBy(query.reader === undefined ? undefined : param(query.reader), undefined));
  if (query.author !== undefined) where.push(`"author" = ${param(query.author)}`);
  params.push(query.limit + 1);
  const sql =
    `SELECT ${POST_COLUMNS} FROM "posts" WHERE ${where.join(" AND ")} ` +
    `ORDER BY "created_at" DESC, "id" DESC LIMIT $${params.length}`;
  return scoped(db, query.tenant, async (tx) => {
    const found = (await tx.query<StoredPostRow>(sql, params)).map(postRowOf);
    const rows = found.slice(0, query.limit);
    const last = rows[rows.length - 1];
    const more = found.length > query.limit && last !== undefined;
    return {
      posts: rows.map(postOf),
      next: more ? { before: last.created_at, before_id: last.id } : undefined,
    };
  });
}
