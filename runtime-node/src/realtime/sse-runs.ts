/**
 * The built-in workflow status stream (`GET /hamlet/runs`, session required): each change to a
 * run — a step done or failed, the run completed or failed — is sent to the session whose request
 * emitted the run's trigger. Every process subscribes to its own event system's run updates and
 * publishes through the SSE hub, so the session hears about steps whichever process ran them.
 */
import type { RunStatus, RunUpdate } from "../events/types.js";
import type { HamletServer } from "../server.js";
import { serveSse, type SseOptions, type SseStream } from "./sse.js";

/** The stream's name in the replay log and its route. */
export const RUN_STREAM = { name: "hamlet.runs", path: "/hamlet/runs" } as const;

/** What a client receives on `/hamlet/runs` (the Elm `Api.Sse.RunUpdate`). */
export interface RunUpdateMessage {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  /** The step that changed, `null` for a change of the run alone. */
  readonly step: string | null;
  /**
   * `running`: the step reported `progress`; `waiting`: the step waits for a service call
   * (`awaitService`); `done`/`failed` follow.
   */
  readonly stepStatus: "running" | "waiting" | "done" | "failed" | null;
  /** The step's reported progress (`stepStatus: "running"`), else null. */
  readonly progress: unknown;
  readonly correlationId: string;
}

/** Anything that reports run updates (an `EventSystem`). */
export interface RunUpdateSource {
  onRunUpdate(listener: (update: RunUpdate) => void): () => void;
}

/** Serves `/hamlet/runs` on `app` and forwards `events`' run updates to the sessions that started them. */
export function serveRunUpdates(
  app: HamletServer,
  events: RunUpdateSource,
  options: SseOptions = {},
): SseStream<RunUpdateMessage> {
  const stream = serveSse<RunUpdateMessage>(
    app,
    { name: RUN_STREAM.name, path: RUN_STREAM.path, requiresSession: true, encode: (message) => message },
    options,
  );
  // One publish at a time, so a run's updates get ids in the order they happened.
  let chain: Promise<unknown> = Promise.resolve();
  const unsubscribe = events.onRunUpdate((update) => {
    const sessionId = update.sessionId;
    if (sessionId === null) return;
    const message: RunUpdateMessage = {
      runId: update.runId,
      workflow: update.workflow,
      status: update.status,
      step: update.step,
      stepStatus: update.stepStatus,
      progress: update.progress ?? null,
      correlationId: update.correlationId,
    };
    chain = chain
      .then(() => stream.toSession(update.tenantId, sessionId, message))
      .catch((error: unknown) => app.log.warn({ err: error }, "sse: publishing a run update failed"));
  });
  app.addHook("onClose", async () => {
    unsubscribe();
    await chain;
  });
  return stream;
}
