/** The service routes' side of waiting workflow steps: a call named by a wait resolves it when it ends. */
import type { Database } from "../db/database.js";
import type { RouteContext, RouteFailure } from "./routes.js";
import type { ServiceCallHooks } from "./services.js";
import { failedOutcome, parseWaitKey, resolveWait, type WaitDeps } from "./waits.js";

/** Hooks for `serviceRoutes`: an answer, or the dead-lettering of a call, resumes the step that waits for it. */
export function serviceCallHooks(deps: WaitDeps): ServiceCallHooks {
  return {
    async answered(context: RouteContext, answer: unknown) {
      const key = parseWaitKey(context.idempotencyKey);
      if (key === null || context.tx === null) return;
      await resolveWait(deps, context.tx, {
        tenantId: context.tenantId,
        key,
        status: "answered",
        outcome: { ok: true, answer: answer ?? null },
      });
    },
    async failed(tx: Database, failure: RouteFailure) {
      const key = parseWaitKey(failure.idempotencyKey);
      if (key === null || !failure.dead) return;
      const outcome = failedOutcome(failure);
      await resolveWait(deps, tx, { tenantId: failure.tenantId, key, status: outcome.reason, outcome });
    },
  };
}
