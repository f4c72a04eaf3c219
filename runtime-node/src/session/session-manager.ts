import { systemClock, type Clock } from "../clock.js";
import type { Database } from "../db/database.js";
import type { JsonObject } from "../json.js";
import { createCookieSigner, newSessionId, type SessionSecrets } from "./cookie-signer.js";
import { parseCookieHeader, serializeCookie } from "./cookies.js";
import { sessionStoreFor, type StoredSession } from "./session-store.js";

/** A live server-side session. */
export type Session = StoredSession;

/** What the manager reads from a request (a `FastifyRequest` satisfies it). */
export interface SessionRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** `"https"` when the request came over TLS (or via a trusted proxy saying so). */
  readonly protocol?: string;
  /** The resolved tenant, or `null`. */
  readonly tenant: string | null;
}

/** What the manager writes to a reply (a `FastifyReply` satisfies it; `set-cookie` must append). */
export interface SessionReply {
  header(name: string, value: string): unknown;
}

/** Options for {@link createSessionManager}. */
export interface SessionManagerOptions {
  readonly db: Database;
  /** Signing secrets, newest first; each at least 32 bytes. */
  readonly secrets: SessionSecrets;
  /** Idle lifetime; sliding (default 7 days). */
  readonly ttlSeconds?: number;
  /** Cookie name (default `hamlet_session`). */
  readonly cookieName?: string;
  /** Minimum time between expiry extensions (default min(ttl/10, 60 s)). */
  readonly touchIntervalSeconds?: number;
  readonly clock?: Clock;
}

/** Signed-cookie sessions stored in `hamlet_sessions`, scoped per tenant. */
export interface SessionManager {
  readonly cookieName: string;
  readonly ttlSeconds: number;
  /**
   * The request's session, or `null` (no/invalid cookie, wrong tenant, expired).
   * Extends the expiry (sliding) and re-sends the cookie at most every touch interval.
   */
  load(request: SessionRequest, reply: SessionReply): Promise<Session | null>;
  /** Creates a session with a fresh id and sets its cookie. Throws without a tenant. */
  create(request: SessionRequest, reply: SessionReply, data?: JsonObject): Promise<Session>;
  /** Replaces the session data (expiry is extended). */
  save(session: Session, data: JsonObject): Promise<Session>;
  /**
   * Issues a new id for `session` (call on login/privilege change), deletes the old
   * one and sets the new cookie. `data` defaults to the current data.
   */
  rotate(request: SessionRequest, reply: SessionReply, session: Session, data?: JsonObject): Promise<Session>;
  /** Deletes `session` (or the one named by the request's cookie) and clears the cookie. */
  destroy(request: SessionRequest, reply: SessionReply, session?: Session | null): Promise<void>;
  /** Deletes a tenant's expired sessions; resolves to the count. */
  purgeExpired(tenantId: string): Promise<number>;
}

/** Creates a {@link SessionManager}. Its table `hamlet_sessions` comes from the migrations (`hamletc migrate`). */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { db } = options;
  const signer = createCookieSigner(options.secrets);
  const clock = options.clock ?? systemClock;
  const cookieName = options.cookieName ?? "hamlet_session";
  const ttlSeconds = options.ttlSeconds ?? 7 * 24 * 60 * 60;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError("Hamlet: ttlSeconds must be positive");
  const ttlMs = Math.floor(ttlSeconds * 1000);
  const touchMs = Math.floor((options.touchIntervalSeconds ?? Math.min(ttlSeconds / 10, 60)) * 1000);
  serializeCookie(cookieName, ""); // validates the name early

  const setCookie = (request: SessionRequest, reply: SessionReply, value: string, maxAgeSeconds: number): void => {
    reply.header(
      "set-cookie",
      serializeCookie(cookieName, value, {
        maxAgeSeconds,
        path: "/",
        httpOnly: true,
        sameSite: "Lax",
        secure: request.protocol === "https",
      }),
    );
  };
  const issue = (request: SessionRequest, reply: SessionReply, session: Session): Session => {
    setCookie(request, reply, signer.sign(session.tenantId, session.id), ttlSeconds);
    return session;
  };
  const cookieSessionId = (request: SessionRequest, tenantId: string): string | null => {
    const value = parseCookieHeader(request.headers["cookie"]).get(cookieName);
    return value === undefined ? null : signer.verify(tenantId, value);
  };
  const requireTenant = (request: SessionRequest): string => {
    if (request.tenant === null) throw new Error("Hamlet: cannot create a session without a tenant");
    return request.tenant;
  };

  return {
    cookieName,
    ttlSeconds,
    async load(request, reply) {
      if (request.tenant === null) return null;
      const id = cookieSessionId(request, request.tenant);
      if (id === null) return null;
      const store = sessionStoreFor(db, request.tenant);
      const now = clock();
      const session = await store.get(id, now);
      if (session === null) return null;
      const lastTouched = session.expiresAt - ttlMs;
      if (now - lastTouched < touchMs) return session;
      const expiresAt = now + ttlMs;
      if (!(await store.touch(id, expiresAt))) return null;
      return issue(request, reply, { ...session, expiresAt });
    },
    async create(request, reply, data = {}) {
      const tenantId = requireTenant(request);
      const session = await sessionStoreFor(db, tenantId).insert(newSessionId(), data, clock() + ttlMs);
      return issue(request, reply, session);
    },
    async save(session, data) {
      const expiresAt = clock() + ttlMs;
      const updated = await sessionStoreFor(db, session.tenantId).update(session.id, data, expiresAt);
      if (!updated) throw new Error("Hamlet: session no longer exists");
      return { ...session, data, expiresAt };
    },
    async rotate(request, reply, session, data) {
      if (request.tenant !== session.tenantId) throw new Error("Hamlet: session belongs to another tenant");
      const store = sessionStoreFor(db, session.tenantId);
      const rotated = await store.replace(session.id, newSessionId(), data ?? session.data, clock() + ttlMs);
      return issue(request, reply, rotated);
    },
    async destroy(request, reply, session) {
      const tenantId = session?.tenantId ?? request.tenant;
      const id = session?.id ?? (tenantId === null ? null : cookieSessionId(request, tenantId));
      if (tenantId !== null && id !== null) await sessionStoreFor(db, tenantId).delete(id);
      setCookie(request, reply, "", 0);
    },
    purgeExpired: (tenantId) => sessionStoreFor(db, tenantId).purgeExpired(clock()),
  };
}
