/**
 * The moderation service asked directly, once, by the `moderate` step of `PublishPhoto`.
 *
 * Text posts ask it through the durable `Moderation` service call (`context.services.moderation`,
 * publishing.ts): the request is a job sent after the transaction commits, retried with the
 * service's `@retry`, and its answer arrives later in `ServiceResponses.moderation`, in another
 * transaction. A workflow step cannot wait for such an answer (a step returns its output when it
 * finishes; the runtime has no "waiting" step that an answer resumes), so the photo step calls the
 * same service URL with the generated validators itself: an answer it cannot get (network error,
 * 408/429/5xx) fails the attempt and the step is retried by the workflow; any other refusal (4xx,
 * an answer that does not decode) fails the run at once.
 */
import { PermanentEventError } from "@hamlet/runtime-node";
import type { ModerationResponse } from "../generated/typescript/types.js";
import { decodeModerationResponse, encodeModerationRequest } from "../generated/typescript/validators.js";

/** The schema's URL of `service Moderation` (horatio.hamlet). */
export const MODERATION_URL = "https://moderation.example.com/v1/check";

export function moderationClient(url: string, timeoutMs = 5_000): (text: string) => Promise<ModerationResponse> {
  return async (text) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(encodeModerationRequest({ text })),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    if (response.status === 408 || response.status === 429 || response.status >= 500)
      throw new Error(`the moderation service answered HTTP ${response.status}`);
    if (!response.ok)
      throw new PermanentEventError(`the moderation service answered HTTP ${response.status}: ${body.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new PermanentEventError("the moderation service answered with a body that is not JSON");
    }
    const decoded = decodeModerationResponse(json);
    if (!decoded.ok) throw new PermanentEventError(`the moderation service's answer does not decode`);
    return decoded.value;
  };
}
