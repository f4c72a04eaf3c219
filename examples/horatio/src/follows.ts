/**
 * Horatio's follow graph (the `FollowRow` model, table `follows`): who follows whom. A `Followers`
 * post is for its author and their followers (visibility.ts applies that rule to every read).
 */
import type { RepositoryDatabase } from "@hamlet/runtime-node/repository";
import { repositories } from "../generated/typescript/repositories.js";
import type { Following } from "../generated/typescript/types.js";

/** The handles `follower` follows, sorted. */
export async function following(db: RepositoryDatabase, tenant: string, follower: string): Promise<Following> {
  const rows = await repositories(db, tenant).followRow.list({ where: { follower }, limit: 1000 });
  return { handles: rows.map((row) => row.followee).sort() };
}

/**
 * `follower` follows `followee` from now on (already following is no error). One insert that
 * skips an existing row, so two follows at once neither fail on the key nor add a second row.
 */
export async function follow(
  db: RepositoryDatabase,
  tenant: string,
  follower: string,
  followee: string,
): Promise<void> {
  await repositories(db, tenant).followRow.insertIfAbsent({ follower, followee });
}
