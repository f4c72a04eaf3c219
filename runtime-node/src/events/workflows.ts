/**
 * Durable workflows on top of events. A trigger event inserts a run and its step rows and emits
 * the internal event `hamlet.workflow` for step 0, all in the trigger's transaction. Each step is
 * one delivery of that event: the step's output, its `done` mark and the next step's event commit
 * together with the event's completion, so a crash re-runs only the step that had not committed.
 * The step's state is read before its code runs and its transaction opens only at its first
 * statement, so a step that waits on slow work before writing holds no lock meanwhile; the run's
 * state is checked again inside the transaction before anything commits.
 * The run id (`<Workflow>:<trigger event id>`) is the idempotency key of the run.
 */
import type { Database } from "../db/database.js";
import { invalidPayloadError, LostClaimError, PermanentEventError, SupersededError } from "./errors.js";
import type { Route, RouteContext, RouteFailure, TriggerHook } from "./routes.js";
import { anyPayload } from "./routes.js";
import { parseErrors, parseJson } from "./rows.js";
import { loadWaits, runAndStep, stepAwaits, type WaitDeps, type WaitKey, type WaitRow } from "./waits.js";
import {
  DEFAULT_RETRY,
  type EmittedEvent,
  type EventScope,
  type OutgoingEvent,
  type RunStatus,
  type RunUpdate,
  type ServiceDefinition,
  type WorkflowDefinition,
} from "./types.js";

/** Internal event name of workflow steps. */
export const WORKFLOW_STEP_EVENT = "hamlet.workflow";

interface StepPayload {
  readonly workflow: string;
  readonly runId: string;
  readonly step: number;
}

export interface WorkflowDeps {
  /** Reads a step's state before its delivery's transaction opens. */
  readonly db: Database;
  readonly clock: () => number;
  readonly insert: (tx: Database, scope: EventScope, event: OutgoingEvent<string, unknown>) => Promise<EmittedEvent>;
  readonly publish: (update: RunUpdate) => void;
  /** Services a step may wait for (`awaitService`). */
  readonly services: ReadonlyMap<string, ServiceDefinition<unknown, unknown>>;
}

/**
 * Emits the step's event again once a call it waited for ended (waits.ts): one resume per
 * resolution of the wait, whichever process resolves it.
 */
export async function resumeStep(
  deps: WorkflowDeps,
  tx: Database,
  scope: EventScope,
  workflow: string,
  key: WaitKey,
  resumes: number,
): Promise<void> {
  const payload: StepPayload = { workflow, runId: key.runId, step: key.step };
  await deps.insert(tx, scope, {
    name: WORKFLOW_STEP_EVENT,
    payload,
    idempotencyKey: `${key.runId}#${key.step}#resume:${key.seq}.${resumes}`,
  });
}

/** The hooks that end a waited-for call (durable.ts gives them to the service routes). */
export function waitHooks(deps: WorkflowDeps): WaitDeps {
  return {
    ...deps,
    resume: (tx, scope, workflow, key, resumes) => resumeStep(deps, tx, scope, workflow, key, resumes),
  };
}

function requireTx(context: RouteContext): Database {
  if (context.tx === null) throw new PermanentEventError("workflows need the event store");
  return context.tx;
}

function childScope(context: RouteContext): EventScope {
  return {
    tenantId: context.tenantId,
    sessionId: context.sessionId,
    correlationId: context.correlationId,
    causationId: context.eventId,
  };
}

interface RunRow {
  status: string;
  trigger_payload: string;
  session_id: string | null;
  correlation_id: string;
}

function update(
  context: { tenantId: string; correlationId: string; sessionId: string | null },
  runId: string,
  workflow: string,
  status: RunStatus,
  step: string | null,
  stepStatus: RunUpdate["stepStatus"],
): RunUpdate {
  return {
    tenantId: context.tenantId,
    runId,
    workflow,
    status,
    step,
    stepStatus,
    correlationId: context.correlationId,
    sessionId: context.sessionId,
  };
}

/** Trigger hooks (event name → run starters) for the workflows. */
export function workflowTriggers(
  workflows: readonly WorkflowDefinition[],
  deps: WorkflowDeps,
): Map<string, TriggerHook[]> {
  const triggers = new Map<string, TriggerHook[]>();
  for (const workflow of workflows) {
    const start: TriggerHook = async (payload, context) => {
      const tx = requireTx(context);
      const runId = `${workflow.name}:${context.eventId}`;
      const now = deps.clock();
      const inserted = await tx.execute(
        `INSERT INTO hamlet_workflow_runs (tenant_id, id, workflow, status, correlation_id, session_id, trigger_event_id, trigger_payload, created_at, updated_at)
         VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $8) ON CONFLICT (tenant_id, id) DO NOTHING`,
        [
          context.tenantId,
          runId,
          workflow.name,
          context.correlationId,
          context.sessionId,
          context.eventId,
          JSON.stringify(payload),
          now,
        ],
      );
      if (inserted.rowCount === 0) return;
      for (const [index, step] of workflow.steps.entries()) {
        await tx.execute(
          "INSERT INTO hamlet_workflow_steps (tenant_id, run_id, step_index, name, status, attempts, errors) VALUES ($1, $2, $3, $4, 'pending', 0, '[]')",
          [context.tenantId, runId, index, step.name],
        );
      }
      const first: StepPayload = { workflow: workflow.name, runId, step: 0 };
      await deps.insert(tx, childScope(context), {
        name: WORKFLOW_STEP_EVENT,
        payload: first,
        idempotencyKey: `${runId}#0`,
      });
      context.afterCommit(() => deps.publish(update(context, runId, workflow.name, "running", null, null)));
    };
    triggers.set(workflow.trigger, [...(triggers.get(workflow.trigger) ?? []), start]);
  }
  return triggers;
}

interface StepState {
  readonly run: RunRow;
  readonly outputs: Record<string, unknown>;
  readonly waits: readonly WaitRow[];
}

/** What a step's code needs (trigger, earlier outputs, its waits), or null when it has nothing to do. */
async function readStep(tx: Database, tenantId: string, step: StepPayload): Promise<StepState | null> {
  const [run] = await tx.query<RunRow>(
    "SELECT status, trigger_payload, session_id, correlation_id FROM hamlet_workflow_runs WHERE tenant_id = $1 AND id = $2",
    [tenantId, step.runId],
  );
  if (run === undefined) throw new PermanentEventError(`workflow run ${step.runId} does not exist`);
  if (run.status !== "running") return null;
  const rows = await tx.query<{ step_index: number; name: string; status: string; output: string | null }>(
    "SELECT step_index, name, status, output FROM hamlet_workflow_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY step_index",
    [tenantId, step.runId],
  );
  if (rows[step.step]?.status === "done") return null;
  const outputs: Record<string, unknown> = {};
  for (const row of rows) {
    if (Number(row.step_index) < step.step && row.status === "done") outputs[row.name] = parseJson(row.output);
  }
  return { run, outputs, waits: await loadWaits(tx, tenantId, step.runId, step.step) };
}

/**
 * Inside the step's transaction, before its results are written: the state read before the step
 * ran may be stale. Finished outputs never change and a wait's outcome only appears (its resume
 * follows), so only the run and the step themselves need a second look. When another delivery
 * finished the step or the run ended meanwhile, this one's writes roll back and its event is
 * completed: there is nothing left for it to do.
 */
async function checkStillDue(tx: Database, tenantId: string, step: StepPayload, name: string): Promise<void> {
  const current = await runAndStep(tx, tenantId, step.runId, step.step);
  if (current?.status !== "running" || current.step_status === "done") {
    throw new SupersededError(`step ${name} of ${step.runId} finished or its run ended while it ran`);
  }
}

/** The route of `hamlet.workflow`: runs one step, stores its output and emits the next step. */
export function workflowStepRoute(workflows: readonly WorkflowDefinition[], deps: WorkflowDeps): Route {
  const byName = new Map(workflows.map((workflow) => [workflow.name, workflow]));
  const waitDeps = waitHooks(deps);
  const find = (payload: unknown): { workflow: WorkflowDefinition; step: StepPayload } => {
    const step = payload as StepPayload;
    const workflow = byName.get(step.workflow);
    if (workflow === undefined) throw new PermanentEventError(`workflow ${step.workflow} is not registered`);
    if (workflow.steps[step.step] === undefined) {
      throw new PermanentEventError(`workflow ${step.workflow} has no step ${step.step}`);
    }
    return { workflow, step };
  };
  return {
    name: WORKFLOW_STEP_EVENT,
    retry: DEFAULT_RETRY,
    retryFor: (payload) => byName.get((payload as Partial<StepPayload>).workflow ?? "")?.retry ?? DEFAULT_RETRY,
    validate: anyPayload,
    // The run's state, read in a short transaction of its own before the step's code runs.
    prepare: async (payload, context) => {
      const { step } = find(payload);
      return deps.db.withTenant(context.tenantId, (tx) => readStep(tx, context.tenantId, step));
    },
    async handle(payload, context, prepared) {
      const tx = requireTx(context);
      const { workflow, step } = find(payload);
      const definition = workflow.steps[step.step]!;
      const state = prepared as StepState | null;
      if (state === null) return;
      const { run, outputs, waits } = state;
      const startedAt = deps.clock();
      const runContext = { ...context, sessionId: run.session_id, correlationId: run.correlation_id };
      // Published straight away, not after commit: it tells of work in progress, outside the transaction.
      const progress = (value: unknown): void =>
        deps.publish({
          ...update(runContext, step.runId, workflow.name, "running", definition.name, "running"),
          progress: value ?? null,
        });
      const awaits = stepAwaits(waitDeps, tx, context, step.runId, step.step, waits);
      let output: unknown;
      try {
        output = await definition.run({
          trigger: JSON.parse(run.trigger_payload) as unknown,
          outputs,
          runId: step.runId,
          context,
          awaitService: awaits.awaitService,
          progress,
        });
      } catch (error) {
        if (!awaits.suspended()) throw error;
      }
      await checkStillDue(tx, context.tenantId, step, definition.name);
      if (awaits.suspended()) {
        // The step waits for a call (even if its code caught the suspension): no output, no next step.
        await tx.execute(
          `UPDATE hamlet_workflow_steps SET attempts = $1, started_at = coalesce(started_at, $2)
           WHERE tenant_id = $3 AND run_id = $4 AND step_index = $5`,
          [context.attempt, startedAt, context.tenantId, step.runId, step.step],
        );
        await tx.execute("UPDATE hamlet_workflow_runs SET updated_at = $1 WHERE tenant_id = $2 AND id = $3", [
          startedAt,
          context.tenantId,
          step.runId,
        ]);
        context.afterCommit(() =>
          deps.publish(update(runContext, step.runId, workflow.name, "running", definition.name, "waiting")),
        );
        return;
      }
      if (definition.validateOutput !== undefined) {
        const checked = definition.validateOutput(output ?? null);
        if (!checked.ok) throw invalidPayloadError(`the output of step ${definition.name}`, checked.errors);
        output = checked.value;
      }
      const now = deps.clock();
      const marked = await tx.execute(
        `UPDATE hamlet_workflow_steps SET status = 'done', output = $1, attempts = $2, started_at = coalesce(started_at, $3), finished_at = $4
         WHERE tenant_id = $5 AND run_id = $6 AND step_index = $7 AND status <> 'done'`,
        [JSON.stringify(output ?? null), context.attempt, startedAt, now, context.tenantId, step.runId, step.step],
      );
      // Another delivery of the same step (a resume racing a retry) finished it first: roll this one
      // back; its event comes back after the lease and then finds the step done.
      if (marked.rowCount === 0) throw new LostClaimError(`step ${definition.name} of ${step.runId} is already done`);
      const last = step.step === workflow.steps.length - 1;
      await tx.execute(
        "UPDATE hamlet_workflow_runs SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
        [last ? "completed" : "running", now, context.tenantId, step.runId],
      );
      if (!last) {
        const next: StepPayload = { workflow: workflow.name, runId: step.runId, step: step.step + 1 };
        await deps.insert(tx, childScope(context), {
          name: WORKFLOW_STEP_EVENT,
          payload: next,
          idempotencyKey: `${step.runId}#${step.step + 1}`,
        });
      }
      context.afterCommit(() =>
        deps.publish(
          update(runContext, step.runId, workflow.name, last ? "completed" : "running", definition.name, "done"),
        ),
      );
    },
    async onFailure(tx, payload, failure) {
      if (tx === null) return;
      const { workflow, step } = find(payload);
      const [row] = await tx.query<{ errors: string }>(
        "SELECT errors FROM hamlet_workflow_steps WHERE tenant_id = $1 AND run_id = $2 AND step_index = $3",
        [failure.tenantId, step.runId, step.step],
      );
      if (row === undefined) return;
      const errors = [
        ...parseErrors(row.errors),
        { attempt: failure.attempt, at: failure.at, message: failure.message },
      ];
      await tx.execute(
        `UPDATE hamlet_workflow_steps SET status = $1, attempts = $2, errors = $3, started_at = coalesce(started_at, $4)
         WHERE tenant_id = $5 AND run_id = $6 AND step_index = $7`,
        [
          failure.dead ? "failed" : "pending",
          failure.attempt,
          JSON.stringify(errors),
          failure.at,
          failure.tenantId,
          step.runId,
          step.step,
        ],
      );
      if (!failure.dead) return;
      await tx.execute(
        "UPDATE hamlet_workflow_runs SET status = 'failed', error = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
        [`step ${workflow.steps[step.step]!.name}: ${failure.message}`, failure.at, failure.tenantId, step.runId],
      );
      const [run] = await tx.query<RunRow>(
        "SELECT status, trigger_payload, session_id, correlation_id FROM hamlet_workflow_runs WHERE tenant_id = $1 AND id = $2",
        [failure.tenantId, step.runId],
      );
      const name = workflow.steps[step.step]!.name;
      const scope = {
        tenantId: failure.tenantId,
        correlationId: run?.correlation_id ?? "",
        sessionId: run?.session_id ?? null,
      };
      failure.afterCommit(() => deps.publish(update(scope, step.runId, workflow.name, "failed", name, "failed")));
    },
  };
}

export type { RouteFailure };
