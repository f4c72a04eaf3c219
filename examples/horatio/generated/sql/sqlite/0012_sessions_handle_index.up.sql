-- Migration 0012_sessions_handle_index (sqlite): written by hand for Horatio (not generated from a model).
-- The live feed sends a post that is not public to the sessions of its audience (the author and
-- their followers: src/visibility.ts liveAudience). A session's handle is inside its JSON data, so
-- this expression index (the same expression as the query's) finds a handle's sessions without
-- reading every session of the tenant.
CREATE INDEX "hamlet_sessions_handle_idx" ON "hamlet_sessions" ("tenant_id", json_extract("data", '$.handle'));
