/**
 * A workflow step of generated code (the `valid-backend` TypeScript golden: workflow `FulfilOrder`,
 * step `charge`, service `Payments`) whose recorded service answer no longer decodes (the stored
 * answer was edited, or the response type changed between the call and the resume): the resumed
 * step fails its run at once with the path of the problem, instead of retrying or running on with a
 * value of the wrong shape. Real server, real HTTP service, SQLite and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { registerEvents } from "../../test/golden/typescript/valid-backend/events.js";
import type { OrderPlaced, Uuid } from "../../test/golden/typescript/valid-backend/types.js";
import { createHamletServer, type HamletServer } from "../src/server.js";
import { RUNTIME_TABLES } from "../src/runtime-schema.js";
import type { RunHistory } from "../src/events/types.js";
import { testDialects } from "./support/databases.js";
import { eventually, useEventStoreDatabases, type EventStoreDatabase } from "./support/event-store.js";
import { ensureRuntimeTables } from "./support/runtime-tables.js";

const open = useEventStoreDatabases();
const TENANT = "t1";

/** The payments service: answers its first request at once and holds the second until released. */
async function startPayments() {
  const received: string[] = [];
  let held: ServerResponse | null = null;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push(request.url ?? "");
      response.setHeader("content-type", "application/json");
      if (received.length === 2) held = response;
      else response.end(JSON.stringify({ charge_id: `ch_${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/charges/{order_id}`,
    received,
    server,
    release: () => held?.end(JSON.stringify({ charge_id: "ch_2" })),
  };
}

describe.each(testDialects)("a generated step whose recorded answer no longer decodes, on %s", (dialect) => {
  let store: EventStoreDatabase | null = null;
  let app: HamletServer | null = null;
  let payments: Awaited<ReturnType<typeof startPayments>> | null = null;
  afterEach(async () => {
    await app?.close();
    await store?.close();
    payments?.server.closeAllConnections();
    await new Promise((resolve) => payments?.server.close(resolve));
  });

  it("fails the run at once with the answer's path when the step resumes", async () => {
    store = await open(dialect);
    payments = await startPayments();
    await ensureRuntimeTables(store.admin);
    if (dialect === "postgres") {
      const [{ role }] = (await store.db.query<{ role: string }>("SELECT current_user AS role")) as [{ role: string }];
      await store.admin.execute(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${RUNTIME_TABLES.join(", ")} TO ${role}`);
    }
    app = await createHamletServer({
      database: store.db,
      config: {
        database: { url: "unused: the test passes an open database" },
        sessions: { secrets: ["await-generated-secret-await-generated-secret"] },
        tenants: { mode: "single" },
      },
      logger: false,
    });
    let runs = 0;
    const system = registerEvents(app, {
      handlers: { reminderDue: async () => undefined, hourlyReport: async () => undefined },
      schedules: { hourlyReport: (at) => ({ at }) },
      serviceUrls: { payments: payments.url },
      runtime: { pollMs: 50, onError: () => undefined },
      workflows: {
        fulfilOrder: {
          async charge({ trigger, awaitService }) {
            runs += 1;
            const first = await awaitService.payments({ order_id: trigger.order_id, amount: 1 });
            const second = await awaitService.payments({ order_id: trigger.order_id, amount: 2 });
            if (!first.ok || !second.ok) throw new Error("the test's service always answers");
            return { charge_id: `${first.answer.charge_id}+${second.answer.charge_id}` };
          },
          ship: async () => ({ tracking: "t" }),
          notify: async () => undefined,
        },
      },
    });
    await app.ready();
    const order: OrderPlaced = { order_id: randomUUID() as Uuid, total: 3 };
    const { id } = await system.transaction(store.db, { tenantId: TENANT }, (_tx, emit) =>
      emit({ name: "OrderPlaced", payload: order }),
    );
    const runId = `FulfilOrder:${id}`;
    // The first call was answered and recorded; the resumed step made the second, which the service holds.
    await eventually(() => payments!.received.length === 2);
    expect(runs).toBe(2);
    const edited = await store.admin.withTenant(TENANT, (tx) =>
      tx.execute(
        `UPDATE hamlet_workflow_waits SET outcome = $1 WHERE tenant_id = $2 AND run_id = $3 AND step_index = 0 AND seq = 0 AND status = 'answered'`,
        [JSON.stringify({ ok: true, answer: { charge_id: 42 } }), TENANT, runId],
      ),
    );
    expect(edited.rowCount).toBe(1);
    payments.release();

    let run: RunHistory | null = null;
    await eventually(async () => {
      run = await system.admin.getRun(TENANT, runId);
      return run?.status === "failed";
    }, 30_000);
    expect(run!.error).toMatch(
      /^step charge: PermanentEventError: the answer of Payments does not decode: \$\.charge_id: /,
    );
    expect(run!.steps.map((step) => step.status)).toEqual(["failed", "pending", "pending"]);
    // The third run of the step failed on its first attempt (not retried) and nothing was sent again.
    expect(runs).toBe(3);
    const resume = run!.events.filter((event) => event.name === "hamlet.workflow").at(-1)!;
    expect([resume.status, resume.attempts]).toEqual(["dead", 1]);
    expect(payments.received).toEqual([`/charges/${order.order_id}`, `/charges/${order.order_id}`]);
  });
});
