/**
 * Who may read a post: the one rule, written once as an SQL condition on a `posts` row
 * ({@link readableBy}) and used by every read: GetPost and GetPostPhoto ({@link readablePost}),
 * the timeline and the feed (posts.ts `timelinePage`) and the live feed ({@link liveAudience}).
 *
 * A post is readable by a reader when its time has come (`created_at <= now`: a post written
 * with `publish_at` is stored with that time) and it is `Public`, or the reader wrote it, or it
 * is `Followers` and the reader follows its author (the `follows` table). `Private` posts are
 * readable by their author only. Signed-out readers see `Public` posts.
 */
import { scoped, toTimestamp, type RepositoryDatabase, type SqlValue } from "@hamlet/runtime-node/repository";
import type { PostRow } from "../generated/typescript/repositories.js";
import type { Post } from "../generated/typescript/types.js";

/**
 * The condition that `reader` (an SQL expression giving a handle; undefined when signed out) may
 * read the `"posts"` row of the query. `now` is an SQL expression of the current time, or
 * undefined when the caller bounds `created_at` by now itself (the timeline's keyset bound, which
 * must be a single upper bound for the index range to start at the cursor).
 */
export function readableBy(reader: string | undefined, now: string | undefined): string {
  const conditions = now === undefined ? [] : [`"posts"."created_at" <= ${now}`];
  if (reader === undefined) conditions.push(`"posts"."visibility" = 'Public'`);
  else {
    const follows =
      `SELECT 1 FROM "follows" WHERE "follows"."tenant_id" = "posts"."tenant_id" ` +
      `AND "follows"."follower" = ${reader} AND "follows"."followee" = "posts"."author"`;
    conditions.push(
      `("posts"."visibility" = 'Public' OR "posts"."author" = ${reader} ` +
        `OR ("posts"."visibility" = 'Followers' AND EXISTS (${follows})))`,
    );
  }
  return conditions.join(" AND ");
}

/** The columns of `PostRow`, as `SELECT` lists them. */
export const POST_COLUMNS = `"posts"."id", "posts"."author", "posts"."body", "posts"."visibility", "posts"."publish_at", "posts"."created_at"`;

/** A `posts` row as the database returns it (timestamps are text on SQLite). */
export type StoredPostRow = Record<keyof PostRow, unknown>;

/** What the generated repository's decoder does for the same columns (it is private to repositories.ts). */
export function postRowOf(row: StoredPostRow): PostRow {
  return {
    id: String(row.id) as PostRow["id"],
    author: String(row.author),
    body: String(row.body),
    visibility: String(row.visibility) as PostRow["visibility"],
    publish_at: row.publish_at === null || row.publish_at === undefined ? null : toTimestamp(row.publish_at),
    created_at: toTimestamp(row.created_at),
  };
}

/** Post `id` of `tenant` when `reader` (a handle, or undefined when signed out) may read it at `now`. */
export async function readablePost(
  db: RepositoryDatabase,
  tenant: string,
  id: string,
  reader: string | undefined,
  now: number,
): Promise<PostRow | undefined> {
  const params: SqlValue[] = [tenant, id, new Date(now).toISOString()];
  const who = reader === undefined ? undefined : `$${params.push(reader)}`;
  const sql =
    `SELECT ${POST_COLUMNS} FROM "posts" WHERE "posts"."tenant_id" = $1 AND "posts"."id" = $2 ` +
    `AND ${readableBy(who, "$3")}`;
  const rows = await scoped(db, tenant, (tx) => tx.query<StoredPostRow>(sql, params));
  return rows[0] === undefined ? undefined : postRowOf(rows[0]);
}

/**
 * The signed-in handle of a session row (`hamlet_sessions.data` is the JSON that sign-in stored,
 * `{"handle": ...}`). The same expression is indexed with the tenant by migration
 * 0012_sessions_handle_index, so finding a handle's sessions is an index lookup.
 */
function sessionHandle(db: RepositoryDatabase, table: string): string {
  return db.dialect === "sqlite"
    ? `json_extract(${table}."data", '$.handle')`
    : `((${table}."data"::jsonb) ->> 'handle')`;
}

/**
 * Who hears of `post` on the live feed at `now`: `"tenant"` when signed-out readers may read it
 * (every reader of the tenant), else the ids of the sessions whose handle may (unexpired by the
 * wall clock, as the session manager expires them). One query answers both.
 * Only the author and their followers can read a post that is not public, so those are the
 * candidates (the `follows_followee_follower_idx` index), their sessions are found by the handle index, and
 * {@link readableBy} decides: the cost grows with the audience, not with the tenant's sessions.
 */
export async function liveAudience(
  db: RepositoryDatabase,
  tenant: string,
  post: Post,
  now: number,
): Promise<"tenant" | string[]> {
  const handle = sessionHandle(db, `"s"`);
  const signedOut = readableBy(undefined, "$5");
  // A row without a session id: signed-out readers may read the post, so everyone hears of it.
  const everyone = `SELECT NULL AS "id" FROM "posts" WHERE "posts"."tenant_id" = $1 AND "posts"."id" = $2 AND ${signedOut}`;
  // CROSS JOIN keeps SQLite's join order: the post first (one that signed-out readers may read
  // stops there), then the candidates, then each one's sessions by index.
  // `SELECT $3`, not `CAST($3 AS TEXT)`: a TEXT-affinity candidate would make SQLite compare the
  // indexed expression (no affinity) after conversion, and scan the tenant's sessions instead.
  const sessions =
    `SELECT "s"."id" FROM "posts" CROSS JOIN "reader" CROSS JOIN "hamlet_sessions" AS "s" ` +
    `WHERE "posts"."tenant_id" = $1 AND "posts"."id" = $2 AND NOT (${signedOut}) ` +
    `AND "s"."tenant_id" = $1 AND ${handle} = "reader"."handle" AND "s"."expires_at" > $4 ` +
    `AND ${readableBy(`"reader"."handle"`, "$5")}`;
  const sql =
    `WITH "reader" ("handle") AS (SELECT $3 UNION ` +
    `SELECT "follower" FROM "follows" WHERE "tenant_id" = $1 AND "followee" = $3) ` +
    `${everyone} UNION ALL ${sessions}`;
  const params: SqlValue[] = [tenant, post.id, post.author, Date.now(), new Date(now).toISOString()];
  const rows = await scoped(db, tenant, (tx) => tx.query<{ id: string | null }>(sql, params));
  if (rows.some((row) => row.id === null)) return "tenant";
  return rows.map((row) => row.id as string);
}
