/**
 * The photos of photo posts (a photo post has its photo's id; see the `PublishPhoto` workflow in
 * publishing.ts): the `PhotoRow` model says which posts are photos and where their thumbnails are.
 */
import type { Database } from "@hamlet/runtime-node";
import { repositories, type PhotoRow } from "../generated/typescript/repositories.js";
import type { Post, PostPhoto } from "../generated/typescript/types.js";
import { thumbnailUrl } from "./thumbnails.js";

/** The photo of a post as clients see it; undefined until its thumbnail exists. */
export function postPhotoOf(row: PhotoRow): PostPhoto | undefined {
  if (row.thumbnail_key === null || row.thumbnail_width === null || row.thumbnail_height === null) return undefined;
  return {
    post_id: row.id,
    caption: row.caption,
    thumbnail_url: thumbnailUrl(row.id),
    full_url: `/files/PhotoUpload/${row.id}`,
    width: row.thumbnail_width,
    height: row.thumbnail_height,
  };
}

/** The photos of the given (already visible) posts, in their order, read in one query. */
export async function photosOf(db: Database, tenant: string, posts: readonly Post[]): Promise<PostPhoto[]> {
  const rows = await repositories(db, tenant).photoRow.getMany(posts.map((post) => ({ id: post.id })));
  return rows.flatMap((row) => postPhotoOf(row) ?? []);
}
