import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** One secret (UTF-8 string or raw bytes, at least 32 bytes) or a list, newest first. */
export type SessionSecrets = string | Uint8Array | readonly (string | Uint8Array)[];

/** Signs and verifies session cookie values of the form `<id>.<signature>`. */
export interface CookieSigner {
  /** Cookie value for session `id` of `tenantId`, signed with the first secret. */
  sign(tenantId: string, id: string): string;
  /** The session id if `value` was signed for `tenantId` with any secret, else `null`. */
  verify(tenantId: string, value: string): string | null;
}

/** Minimum secret length in bytes. */
export const MIN_SECRET_BYTES = 32;

const ID_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new random session id: 32 bytes from `crypto.randomBytes`, base64url (43 chars). */
export function newSessionId(): string {
  return randomBytes(ID_BYTES).toString("base64url");
}

/**
 * Creates a signer using HMAC-SHA256. The signature covers the tenant id too, so a
 * cookie issued for tenant A never verifies for tenant B. Signs with the first secret
 * and accepts any (key rotation); comparison is constant-time.
 */
export function createCookieSigner(secrets: SessionSecrets): CookieSigner {
  const keys = normalizeSecrets(secrets);
  const mac = (key: Buffer, tenantId: string, id: string): Buffer =>
    createHmac("sha256", key).update(`hamlet.session.v1\0${tenantId}\0${id}`).digest();

  return {
    sign(tenantId, id) {
      if (!ID_PATTERN.test(id)) throw new Error("Hamlet: malformed session id");
      return `${id}.${mac(keys[0] as Buffer, tenantId, id).toString("base64url")}`;
    },
    verify(tenantId, value) {
      const dot = value.indexOf(".");
      if (dot === -1) return null;
      const id = value.slice(0, dot);
      const signatureText = value.slice(dot + 1);
      if (!ID_PATTERN.test(id) || !SIGNATURE_PATTERN.test(signatureText)) return null;
      const signature = Buffer.from(signatureText, "base64url");
      // 43 base64url characters carry 258 bits: only the encoding whose 2 spare bits are zero is ours.
      if (signature.toString("base64url") !== signatureText) return null;
      let valid = false;
      for (const key of keys) {
        const expected = mac(key, tenantId, id);
        if (expected.length === signature.length && timingSafeEqual(expected, signature)) valid = true;
      }
      return valid ? id : null;
    },
  };
}

function normalizeSecrets(secrets: SessionSecrets): Buffer[] {
  const list = typeof secrets === "string" || secrets instanceof Uint8Array ? [secrets] : [...secrets];
  if (list.length === 0) throw new Error("Hamlet: at least one session secret is required");
  return list.map((secret, index) => {
    const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
    if (key.length < MIN_SECRET_BYTES) {
      throw new Error(`Hamlet: session secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes`);
    }
    return key;
  });
}
