import { randomBytes } from "node:crypto";
import { MIN_SECRET_BYTES, type SessionSecrets } from "./cookie-signer.js";

/** Thrown at start-up when production mode has no usable session secret. */
export class SessionSecretError extends Error {}

/**
 * The session secrets the server signs with. Empty strings and empty byte arrays count as
 * missing. In production a missing or short secret throws {@link SessionSecretError} with what
 * to set; in development a missing one becomes a random per-process secret (sessions then end
 * when the process restarts) and `warn` says so.
 */
export function resolveSessionSecrets(
  secrets: SessionSecrets | undefined,
  { production, secretEnv, warn }: { production: boolean; secretEnv: string; warn: (message: string) => void },
): SessionSecrets {
  const given =
    secrets === undefined
      ? []
      : typeof secrets === "string" || secrets instanceof Uint8Array
        ? [secrets]
        : [...secrets];
  const present = given.filter((secret) => secret.length > 0);
  const how = `set ${secretEnv} to at least ${MIN_SECRET_BYTES} random bytes (e.g. \`openssl rand -base64 48\`)`;
  if (present.length === 0) {
    if (production) throw new SessionSecretError(`Hamlet: no session secret in production; ${how}.`);
    warn(
      `no session secret (${secretEnv}); using a random one, so sessions end when this process stops. ${how[0]!.toUpperCase()}${how.slice(1)}.`,
    );
    return [randomBytes(MIN_SECRET_BYTES)];
  }
  present.forEach((secret, index) => {
    const bytes = typeof secret === "string" ? Buffer.byteLength(secret, "utf8") : secret.length;
    if (bytes < MIN_SECRET_BYTES) {
      throw new SessionSecretError(
        `Hamlet: session secret #${index + 1} is ${bytes} bytes, shorter than ${MIN_SECRET_BYTES}; ${how}.`,
      );
    }
  });
  return present;
}
