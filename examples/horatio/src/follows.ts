/**
 * Horatio's follow graph (the `FollowRow` model, table `follows`): who follows whom, and who may
 * hear of a post live. A `Followers` post is for its author and their followers, a `Private` one
 * for its author only (posts.ts applies the same rule to every read).
 */
import { scoped, type RepositoryDatabase } from "@hamlet/runtime-node/repository";
import { repositories } from "../generated/typescript/repositories.js";
import type { Following, Post } from "../generated/typescript/types.js";

/** The handles `follower` follows, sorted. */
export async function following(db: RepositoryDatabase, tenant: string, follower: string): Promise<Following> {
  const rows = await repositories(db, tenant).followRow.list({ where: { follower }, limit: 1000 });
  return { handles: rows.map((row) => row.followee).sort() };
}

/** Whether `follower` follows `followee`. */
export async function follows(
  db: RepositoryDatabase,
  tenant: string,
  follower: string,
  followee: string,
): Promise<boolean> {
  return (await repositories(db, tenant).followRow.get({ follower, followee })) !== undefined;
}

/** The handles that may see `post` (undefined: everybody). */
export async function audienceOf(db: RepositoryDatabase, tenant: string, post: Post): Promise<Set<string> | undefined> {
  if (post.visibility === "Public") return undefined;
  const audience = new Set([post.author]);
  if (post.visibility === "Followers") {
    const rows = await repositories(db, tenant).followRow.list({ where: { followee: post.author }, limit: 10_000 });
    for (const row of rows) audience.add(row.follower);
  }
  return audience;
}

/**
 * The live sessions of the tenant whose signed-in handle is in `handles`: one read of the
 * tenant's unexpired sessions (the runtime's `hamlet_sessions`, where `data` is the JSON the
 * sign-in stored), so its cost grows with the tenant's signed-in sessions, paid per non-public post.
 */
export async function sessionsOf(
  db: RepositoryDatabase,
  tenant: string,
  handles: ReadonlySet<string>,
): Promise<string[]> {
  if (handles.size === 0) return [];
  const rows = await scoped(db, tenant, (tx) =>
    tx.query<{ id: string; data: string }>(
      "SELECT id, data FROM hamlet_sessions WHERE tenant_id = $1 AND expires_at > $2",
      [tenant, Date.now()],
    ),
  );
  return rows
    .filter((row) => {
      try {
        const handle = (JSON.parse(row.data) as { handle?: unknown }).handle;
        return typeof handle === "string" && handles.has(handle);
      } catch {
        return false;
      }
    })
    .map((row) => row.id);
}
