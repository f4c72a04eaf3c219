import { describe, expect, it } from "vitest";
import { createCookieSigner, newSessionId } from "../src/session/cookie-signer.js";
import { parseCookieHeader, serializeCookie } from "../src/session/cookies.js";

const SECRET_A = "a".repeat(32);
const SECRET_B = "b".repeat(40);

describe("cookie signer", () => {
  it("signs and verifies for the same tenant", () => {
    const signer = createCookieSigner([SECRET_A]);
    const id = newSessionId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const value = signer.sign("alpha", id);
    expect(value.startsWith(`${id}.`)).toBe(true);
    expect(signer.verify("alpha", value)).toBe(id);
  });

  it("rejects a cookie signed for another tenant", () => {
    const signer = createCookieSigner(SECRET_A);
    expect(signer.verify("beta", signer.sign("alpha", newSessionId()))).toBeNull();
  });

  it("rejects tampered ids, signatures and garbage", () => {
    const signer = createCookieSigner(SECRET_A);
    const id = newSessionId();
    const value = signer.sign("alpha", id);
    const [, signature] = value.split(".") as [string, string];
    const otherId = newSessionId();
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    expect(signer.verify("alpha", `${otherId}.${signature}`)).toBeNull();
    expect(signer.verify("alpha", `${id}.${flip(signature, 5)}`)).toBeNull();
    expect(signer.verify("alpha", `${flip(id, 0)}.${signature}`)).toBeNull();
    expect(signer.verify("alpha", id)).toBeNull();
    expect(signer.verify("alpha", `${id}.`)).toBeNull();
    expect(signer.verify("alpha", `${id}.${signature}x`)).toBeNull();
    expect(signer.verify("alpha", "")).toBeNull();
  });

  it("rejects a signature made with an unknown secret", () => {
    const id = newSessionId();
    const forged = createCookieSigner(SECRET_B).sign("alpha", id);
    expect(createCookieSigner(SECRET_A).verify("alpha", forged)).toBeNull();
  });

  it("supports secret rotation: signs with the first, verifies with any", () => {
    const id = newSessionId();
    const old = createCookieSigner([SECRET_A]).sign("alpha", id);
    const rotated = createCookieSigner([SECRET_B, SECRET_A]);
    expect(rotated.verify("alpha", old)).toBe(id);
    const fresh = rotated.sign("alpha", id);
    expect(fresh).not.toBe(old);
    expect(createCookieSigner([SECRET_B]).verify("alpha", fresh)).toBe(id);
    expect(createCookieSigner([SECRET_B]).verify("alpha", old)).toBeNull();
  });

  it("requires secrets of at least 32 bytes", () => {
    expect(() => createCookieSigner("short")).toThrow(/32 bytes/);
    expect(() => createCookieSigner([SECRET_A, "x".repeat(31)])).toThrow(/#2/);
    expect(() => createCookieSigner([])).toThrow();
    expect(() => createCookieSigner(new Uint8Array(32))).not.toThrow();
  });
});

describe("cookie signature encoding", () => {
  it("accepts only the canonical base64url of the signature (spare bits zero)", () => {
    const signer = createCookieSigner("canonical-secret-canonical-secret-xx");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const value = signer.sign("t", newSessionId());
    const last = alphabet.indexOf(value.slice(-1));
    // The last of 43 characters carries 4 signature bits and 2 spare ones: 3 other spellings decode alike.
    for (const spare of [1, 2, 3]) {
      const variant = value.slice(0, -1) + alphabet[last ^ spare];
      expect(Buffer.from(variant.split(".")[1]!, "base64url")).toEqual(Buffer.from(value.split(".")[1]!, "base64url"));
      expect(signer.verify("t", variant)).toBeNull();
    }
    expect(signer.verify("t", value)).toBe(value.split(".")[0]);
  });

  it("does not unquote cookie values: a quoted session cookie is another spelling and is refused", () => {
    const signer = createCookieSigner("canonical-secret-canonical-secret-xx");
    const value = signer.sign("t", newSessionId());
    const quoted = parseCookieHeader(`hamlet_session="${value}"`).get("hamlet_session")!;
    expect(quoted).toBe(`"${value}"`);
    expect(signer.verify("t", quoted)).toBeNull();
    expect(signer.verify("t", parseCookieHeader(`hamlet_session=${value}`).get("hamlet_session")!)).not.toBeNull();
  });
});

describe("cookie header helpers", () => {
  it("parses Cookie headers (first occurrence wins, values as sent)", () => {
    const cookies = parseCookieHeader('a=1; b="two"; a=3; junk; c=');
    expect([...cookies]).toEqual([
      ["a", "1"],
      ["b", '"two"'],
      ["c", ""],
    ]);
  });

  it("serializes with safe defaults", () => {
    expect(serializeCookie("s", "v", { maxAgeSeconds: 60 })).toBe("s=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
    expect(serializeCookie("s", "", { maxAgeSeconds: 0, secure: true })).toBe(
      "s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Lax",
    );
    expect(() => serializeCookie("s", "a;b")).toThrow();
    expect(() => serializeCookie("bad name", "v")).toThrow();
  });
});
