import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";
import { newSessionId } from "../src/session/cookie-signer.js";
import {
  createSessionManager,
  type SessionManager,
  type SessionReply,
  type SessionRequest,
} from "../src/session/session-manager.js";
import { sessionStoreFor } from "../src/session/session-store.js";
import { manualClock, type ManualClock } from "./support/clock.js";
import { testDialects, useFreshDatabases } from "./support/databases.js";

const fresh = useFreshDatabases();
const OLD_SECRET = "old-secret-old-secret-old-secret!";
const NEW_SECRET = "new-secret-new-secret-new-secret!";

/** A reply that records Set-Cookie headers. */
function recordingReply(): SessionReply & { cookies: string[] } {
  const cookies: string[] = [];
  return {
    cookies,
    header(name, value) {
      if (name === "set-cookie") cookies.push(value);
      return this;
    },
  };
}

function requestWith(tenant: string | null, setCookie?: string, protocol = "http"): SessionRequest {
  const headers: Record<string, string> = {};
  if (setCookie !== undefined) headers["cookie"] = setCookie.split(";")[0] as string;
  return { headers, tenant, protocol };
}

describe.each(testDialects)("sessions on %s", (dialect) => {
  let db: Database;
  let clock: ManualClock;
  let sessions: SessionManager;

  beforeEach(async () => {
    db = await fresh.open(dialect);
    await ensureRuntimeTables(db);
    clock = manualClock();
    sessions = createSessionManager({
      db,
      secrets: [OLD_SECRET],
      ttlSeconds: 3600,
      clock: clock.now,
    });
  });
  afterEach(async () => db.close());

  async function login(tenant: string, data = { user: "ann" }) {
    const reply = recordingReply();
    const session = await sessions.create(requestWith(tenant), reply, data);
    return { session, cookie: reply.cookies[0] as string };
  }

  it("creates a session with a hardened cookie and loads it back", async () => {
    const { session, cookie } = await login("alpha");
    expect(cookie).toMatch(
      /^hamlet_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const loaded = await sessions.load(requestWith("alpha", cookie), recordingReply());
    expect(loaded).toEqual(session);
    expect(loaded?.data).toEqual({ user: "ann" });
  });

  it("marks the cookie Secure for https requests", async () => {
    const reply = recordingReply();
    await sessions.create(requestWith("alpha", undefined, "https"), reply, {});
    expect(reply.cookies[0]).toContain("; Secure;");
  });

  it("rejects a tenant A cookie on tenant B, even with a row under the same id", async () => {
    const { session, cookie } = await login("alpha");
    expect(await sessions.load(requestWith("beta", cookie), recordingReply())).toBeNull();
    await sessionStoreFor(db, "beta").insert(session.id, { user: "mallory" }, clock.now() + 10_000);
    expect(await sessions.load(requestWith("beta", cookie), recordingReply())).toBeNull();
    expect(await sessionStoreFor(db, "beta").get(session.id, clock.now())).not.toBeNull();
    expect(await sessionStoreFor(db, "alpha").get(session.id, clock.now())).toMatchObject({ data: { user: "ann" } });
  });

  it("rejects tampered cookies and unknown ids", async () => {
    const { cookie } = await login("alpha");
    const [pair] = cookie.split(";") as [string];
    const [id, sig] = pair.slice("hamlet_session=".length).split(".") as [string, string];
    const tampered = `hamlet_session=${newSessionId()}.${sig}`;
    expect(await sessions.load(requestWith("alpha", tampered), recordingReply())).toBeNull();
    const flipped = `hamlet_session=${id}.${sig.startsWith("A") ? "B" : "A"}${sig.slice(1)}`;
    expect(await sessions.load(requestWith("alpha", flipped), recordingReply())).toBeNull();
    expect(await sessions.load(requestWith("alpha"), recordingReply())).toBeNull();
    expect(await sessions.load(requestWith(null, cookie), recordingReply())).toBeNull();
  });

  it("expires after the TTL and slides the expiry on use", async () => {
    const { cookie } = await login("alpha");
    clock.advanceSeconds(3000);
    const reply = recordingReply();
    const loaded = await sessions.load(requestWith("alpha", cookie), reply);
    expect(loaded?.expiresAt).toBe(clock.now() + 3600_000);
    expect(reply.cookies).toHaveLength(1);
    clock.advanceSeconds(3000);
    expect(await sessions.load(requestWith("alpha", cookie), recordingReply())).not.toBeNull();
    clock.advanceSeconds(3600);
    expect(await sessions.load(requestWith("alpha", cookie), recordingReply())).toBeNull();
  });

  it("does not rewrite the expiry on every request", async () => {
    const { cookie } = await login("alpha");
    clock.advanceSeconds(10);
    const reply = recordingReply();
    await sessions.load(requestWith("alpha", cookie), reply);
    expect(reply.cookies).toEqual([]);
  });

  it("rotate issues a new id, keeps data and invalidates the old cookie", async () => {
    const { session, cookie } = await login("alpha");
    const reply = recordingReply();
    const rotated = await sessions.rotate(requestWith("alpha", cookie), reply, session, { user: "ann", admin: true });
    expect(rotated.id).not.toBe(session.id);
    expect(await sessions.load(requestWith("alpha", cookie), recordingReply())).toBeNull();
    const loaded = await sessions.load(requestWith("alpha", reply.cookies[0]), recordingReply());
    expect(loaded?.data).toEqual({ user: "ann", admin: true });
  });

  it("save replaces data; destroy deletes and clears the cookie", async () => {
    const { session, cookie } = await login("alpha");
    await sessions.save(session, { user: "bob" });
    expect((await sessions.load(requestWith("alpha", cookie), recordingReply()))?.data).toEqual({ user: "bob" });
    const reply = recordingReply();
    await sessions.destroy(requestWith("alpha", cookie), reply);
    expect(reply.cookies[0]).toMatch(/^hamlet_session=; Max-Age=0;/);
    expect(await sessions.load(requestWith("alpha", cookie), recordingReply())).toBeNull();
    await expect(sessions.save(session, {})).rejects.toThrow(/no longer exists/);
  });

  it("accepts cookies signed with an older secret after secret rotation", async () => {
    const { cookie } = await login("alpha");
    const rotatedKeys = createSessionManager({
      db,
      secrets: [NEW_SECRET, OLD_SECRET],
      clock: clock.now,
    });
    expect(await rotatedKeys.load(requestWith("alpha", cookie), recordingReply())).not.toBeNull();
    const retired = createSessionManager({
      db,
      secrets: [NEW_SECRET],
      clock: clock.now,
    });
    expect(await retired.load(requestWith("alpha", cookie), recordingReply())).toBeNull();
  });

  it("purgeExpired is per tenant", async () => {
    await login("alpha");
    await login("beta");
    clock.advanceSeconds(3601);
    expect(await sessions.purgeExpired("alpha")).toBe(1);
    const left = await db.query<{ tenant_id: string }>("SELECT tenant_id FROM hamlet_sessions");
    expect(left).toEqual([{ tenant_id: "beta" }]);
  });
});
