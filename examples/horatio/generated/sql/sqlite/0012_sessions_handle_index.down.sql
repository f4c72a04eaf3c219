-- Reverts 0012_sessions_handle_index (written by hand for Horatio).
DROP INDEX "hamlet_sessions_handle_idx";
