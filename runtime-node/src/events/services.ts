/**
 * `service` calls as jobs: the request is stored (durable mode) or queued in memory, then sent by
 * the dispatcher with the service's `@retry`. 408, 429, 5xx and network errors are retried;
 * other 4xx answers and undecodable responses are dead-lettered at once.
 */
import { PermanentEventError, invalidPayloadError } from "./errors.js";
import type { Database } from "../db/database.js";
import type { Route, RouteContext, RouteFailure } from "./routes.js";
import { DEFAULT_RETRY, type PayloadValidator, type ServiceDefinition } from "./types.js";

/** Stored event name of a call to `service`. */
export function serviceEventName(service: string): string {
  return `hamlet.service.${service}`;
}

type AnyService = ServiceDefinition<unknown, unknown>;

/** Fills `{field}` path segments from the request and returns the URL and the remaining body. */
export function buildServiceRequest(url: string, request: unknown): { url: string; body: unknown } {
  if (request === null || typeof request !== "object" || Array.isArray(request)) return { url, body: request };
  const body: Record<string, unknown> = { ...(request as Record<string, unknown>) };
  const filled = url.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, field: string) => {
    const value = body[field];
    delete body[field];
    return encodeURIComponent(String(value));
  });
  return { url: filled, body };
}

/** A service's answer: as received (JSON) and as decoded by its validator. */
export interface ServiceAnswer {
  readonly wire: unknown;
  readonly value: unknown;
}

/** Sends one attempt; returns the response or throws (permanent or retryable). */
export async function sendServiceRequest(
  service: AnyService,
  request: unknown,
  context: Pick<RouteContext, "eventId" | "correlationId">,
  fetchImpl: typeof fetch,
): Promise<ServiceAnswer> {
  const { url, body } = buildServiceRequest(service.url, request);
  const method = service.method.toUpperCase();
  const hasBody = method !== "GET" && method !== "HEAD" && method !== "DELETE";
  const response = await fetchImpl(url, {
    method,
    headers: {
      accept: "application/json",
      ...(hasBody ? { "content-type": "application/json" } : {}),
      "x-correlation-id": context.correlationId,
      // Lets the service recognise a retried call.
      "idempotency-key": context.eventId,
    },
    body: hasBody ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(service.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    throw new Error(`service ${service.name} answered HTTP ${response.status}`);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new PermanentEventError(`service ${service.name} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  let decoded: unknown = null;
  if (text.length > 0) {
    try {
      decoded = JSON.parse(text);
    } catch {
      throw new PermanentEventError(`service ${service.name} answered with a body that is not JSON`);
    }
  }
  if (service.validateResponse === undefined) return { wire: decoded, value: decoded };
  const checked = service.validateResponse(decoded);
  if (!checked.ok) throw invalidPayloadError(`the response of ${service.name}`, checked.errors);
  return { wire: decoded, value: checked.value };
}

/** What ends a call that a workflow step waits for (durable mode; see waits.ts). */
export interface ServiceCallHooks {
  /** The call answered: in the delivery's transaction, after `onResponse`. */
  answered(context: RouteContext, answer: unknown): Promise<void>;
  /** An attempt failed: in the transaction that records it. */
  failed(tx: Database, failure: RouteFailure): Promise<void>;
}

/**
 * One route per service: send before the transaction, hand the response to `onResponse` inside it
 * (then to `hooks`, which resume a workflow step waiting for the call).
 */
export function serviceRoutes(
  services: readonly AnyService[],
  fetchImpl: () => typeof fetch,
  hooks?: ServiceCallHooks,
): Route[] {
  return services.map((service) => ({
    name: serviceEventName(service.name),
    retry: service.retry ?? DEFAULT_RETRY,
    validate: service.validateRequest as PayloadValidator<unknown>,
    prepare: (payload, context) => sendServiceRequest(service, payload, context, fetchImpl()),
    async handle(_payload, context, prepared) {
      const answer = prepared as ServiceAnswer;
      if (service.onResponse !== undefined) await service.onResponse(answer.value, context);
      await hooks?.answered(context, answer.wire);
    },
    ...(hooks === undefined
      ? {}
      : {
          async onFailure(tx: Database | null, _payload: unknown, failure: RouteFailure) {
            if (tx !== null) await hooks.failed(tx, failure);
          },
        }),
  }));
}
