-- Reverts 0006_feed_keyset_index (written by hand for Horatio).
DROP INDEX "posts_feed_keyset_idx";
