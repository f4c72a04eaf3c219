import type { Session } from "./session/session-manager.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Tenant resolved by the Hamlet tenant hook (`null` only before it ran). */
    tenant: string | null;
    /** Session loaded from the signed cookie, or `null`. */
    session: Session | null;
  }
}

export {};
