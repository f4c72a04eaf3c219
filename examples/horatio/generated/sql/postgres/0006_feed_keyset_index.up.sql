-- Migration 0006_feed_keyset_index: written by hand for Horatio (not generated from a model).
-- The timeline is paged by keyset, newest first: (created_at, id) < (cursor) ORDER BY created_at
-- DESC, id DESC LIMIT n. This index makes each page a short range scan within the tenant, so its
-- cost does not depend on how many posts the tenant (or any other tenant) has.
CREATE INDEX "posts_feed_keyset_idx" ON "posts" ("tenant_id", "created_at", "id");
