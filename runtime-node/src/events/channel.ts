/** PostgreSQL NOTIFY channel that wakes dispatchers (same value as `emitters/sql/event-store.ts`). */
export const EVENT_NOTIFY_CHANNEL = "hamlet_events";
