/**
 * Posts in the `posts` table (the `PostRow` model) through the generated repository, and the two
 * rules every read follows:
 *
 * - **Visibility.** A post is visible to a reader when its time has come (`created_at <= now`:
 *   a post written with `publish_at` is stored with that time) and it is `Public`, or the reader
 *   wrote it, or it is `Followers` and the reader follows its author (the `follows` table,
 *   follows.ts). `Private` posts are visible to their author only.
 * - **Keyset paging.** The timeline is newest first, ordered by `(created_at, id)`; a page starts
 *   strictly after the cursor of the previous one. With the index `posts_feed_keyset_idx`
 *   (`tenant_id, created_at, id`, migration 0006) a page is a short index range scan whatever the
 *   number of posts.
 */
import { scoped, toTimestamp, type RepositoryDatabase } from "@hamlet/runtime-node/repository";
import type { PostRow } from "../generated/typescript/repositories.js";
import type { Post, TimelineCursor } from "../generated/typescript/types.js";

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

/**
 * Whether `reader` (a handle, or undefined when signed out) may see `row` at `now`;
 * `followsAuthor`: whether the reader follows the row's author.
 */
export function visibleTo(row: PostRow, reader: string | undefined, now: number, followsAuthor: boolean): boolean {
  if (row.created_at.getTime() > now) return false;
  return (
    row.visibility === "Public" ||
    row.author === reader ||
    (row.visibility === "Followers" && reader !== undefined && followsAuthor)
  );
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

/** A `posts` row as the database returns it (timestamps are text on SQLite). */
type StoredRow = Record<keyof PostRow, unknown>;

/** What the generated repository's decoder does for the same columns (it is private to repositories.ts). */
function rowOf(row: StoredRow): PostRow {
  return {
    id: String(row.id) as PostRow["id"],
    author: String(row.author),
    body: String(row.body),
    visibility: String(row.visibility) as PostRow["visibility"],
    publish_at: row.publish_at === null || row.publish_at === undefined ? null : toTimestamp(row.publish_at),
    created_at: toTimestamp(row.created_at),
  };
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
  if (query.reader === undefined) where.push(`"visibility" = 'Public'`);
  else {
    const reader = param(query.reader);
    const followed = `SELECT 1 FROM "follows" WHERE "follows"."tenant_id" = "posts"."tenant_id" AND "follower" = ${reader} AND "followee" = "posts"."author"`;
    where.push(
      `("visibility" = 'Public' OR "author" = ${reader} OR ("visibility" = 'Followers' AND EXISTS (${followed})))`,
    );
  }
  if (query.author !== undefined) where.push(`"author" = ${param(query.author)}`);
  params.push(query.limit + 1);
  const sql =
    `SELECT "id", "author", "body", "visibility", "publish_at", "created_at" FROM "posts" WHERE ${where.join(" AND ")} ` +
    `ORDER BY "created_at" DESC, "id" DESC LIMIT $${params.length}`;
  return scoped(db, query.tenant, async (tx) => {
    const found = (await tx.query<StoredRow>(sql, params)).map(rowOf);
    const rows = found.slice(0, query.limit);
    const last = rows[rows.length - 1];
    const more = found.length > query.limit && last !== undefined;
    return {
      posts: rows.map(postOf),
      next: more ? { before: last.created_at, before_id: last.id } : undefined,
    };
  });
}
