/**
 * Horatio's chat over the `Chat` websocket (generated `websocket.ts`). Only signed-in users may
 * talk: a connection without a session is closed (4401). `ChatMessage` has no author field in the
 * shared schema, so the server writes the author's handle in front of the text ("alice: hi"); the
 * client never chooses it. Who is online is kept per tenant in this process and announced with
 * `Presence` on every connect and disconnect (with several processes each announces its own).
 */
import type { ConnectionContext } from "@hamlet/runtime-node";
import type { ChatHandlers } from "../generated/typescript/websocket.js";
import type { Chat } from "../generated/typescript/types.js";

const ROOM = "lobby";
const MAX_TEXT = 2000;

export function createChat(): ChatHandlers {
  /** tenant → handle → open connections */
  const online = new Map<string, Map<string, number>>();
  const handleOf = (context: ConnectionContext<Chat>): string | undefined => {
    const handle = context.session?.data["handle"];
    return typeof handle === "string" ? handle : undefined;
  };
  const presence = (context: ConnectionContext<Chat>) =>
    context.broadcast({ tag: "Presence", room: ROOM, online: [...(online.get(context.tenant)?.keys() ?? [])].sort() });
  const count = (tenant: string, handle: string, delta: number): void => {
    const handles = online.get(tenant) ?? new Map<string, number>();
    const n = (handles.get(handle) ?? 0) + delta;
    if (n > 0) handles.set(handle, n);
    else handles.delete(handle);
    online.set(tenant, handles);
  };

  return {
    async onConnect(context) {
      const handle = handleOf(context);
      if (handle === undefined) return context.close(4401, "sign in to chat");
      count(context.tenant, handle, 1);
      await presence(context);
    },
    async onDisconnect(context) {
      const handle = handleOf(context);
      if (handle === undefined) return;
      count(context.tenant, handle, -1);
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
