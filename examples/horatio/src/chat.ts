/**
 * Horatio's chat over the `Chat` websocket (generated `websocket.ts`). Only signed-in users may
 * talk: a connection without a session is closed (4401). `ChatMessage` has no author field in the
 * shared schema, so the server writes the author's handle in front of the text ("alice: hi"); the
 * client never chooses it. Who is online is kept in the tenant's KV store (one entry per
 * connection, so every server process sees the same list) and announced with `Presence` on every
 * connect and disconnect; an entry left by a killed process expires after an hour.
 */
import type { ConnectionContext } from "@hamlet/runtime-node";
import type { ChatHandlers } from "../generated/typescript/websocket.js";
import type { Chat } from "../generated/typescript/types.js";

const ROOM = "lobby";
const MAX_TEXT = 2000;
const PRESENCE = "presence:";
const PRESENCE_TTL_SECONDS = 3600;

export function createChat(): ChatHandlers {
  const handleOf = (context: ConnectionContext<Chat>): string | undefined => {
    const handle = context.session?.data["handle"];
    return typeof handle === "string" ? handle : undefined;
  };
  const presence = async (context: ConnectionContext<Chat>): Promise<void> => {
    const entries = await context.app.hamlet.kv(context.tenant).list(PRESENCE);
    const online = [...new Set(entries.map((entry) => String(entry.value)))].sort();
    await context.broadcast({ tag: "Presence", room: ROOM, online });
  };

  return {
    async onConnect(context) {
      const handle = handleOf(context);
      if (handle === undefined) return context.close(4401, "sign in to chat");
      await context.app.hamlet
        .kv(context.tenant)
        .set(PRESENCE + context.connectionId, handle, { ttlSeconds: PRESENCE_TTL_SECONDS });
      await presence(context);
    },
    async onDisconnect(context) {
      if (handleOf(context) === undefined) return;
      await context.app.hamlet.kv(context.tenant).delete(PRESENCE + context.connectionId);
      await presence(context);
    },
    async onChatMessage(message, context) {
      const handle = handleOf(context);
      if (handle === undefined) return;
      const text = `${handle}: ${message.text}`.slice(0, MAX_TEXT);
      await context.broadcast({ tag: "ChatMessage", room: message.room, text });
    },
    async onTyping(_message, context) {
      const handle = handleOf(context);
      // Typing carries only a room: the server puts the handle of who types there.
      if (handle !== undefined) await context.broadcast({ tag: "Typing", room: handle });
    },
    // Presence is the server's to send; a client's is ignored.
    async onPresence() {},
  };
}
