/** Builds the Horatio server: the runtime host, the generated routes and (optionally) a dev login. */
import {
  createHamletServer,
  type Database,
  type HamletConfig,
  type HamletServer,
} from "../../../runtime-node/src/index.js";
import { registerRoutes } from "../generated/typescript/server.js";
import { createHandlers, type HandlerOptions } from "./handlers.js";

export interface AppOptions extends HandlerOptions {
  readonly config: HamletConfig;
  /** Use this open database instead of `config.database.url`. */
  readonly database?: Database;
  /**
   * Adds `POST /dev/login {"handle": "..."}`, which signs anyone in under any valid handle.
   * For development and tests only: never enable it in production.
   */
  readonly devLogin?: boolean;
  readonly logger?: boolean;
}

const HANDLE = /^[a-z0-9_]{3,20}$/;

export async function createApp(options: AppOptions): Promise<HamletServer> {
  const app = await createHamletServer({
    config: options.config,
    logger: options.logger ?? false,
    ...(options.database ? { database: options.database } : {}),
  });
  registerRoutes(app, createHandlers(options));
  if (options.devLogin) {
    app.post("/dev/login", async (request, reply) => {
      const handle = (request.body as { handle?: unknown } | undefined)?.handle;
      if (typeof handle !== "string" || !HANDLE.test(handle)) {
        return reply
          .code(400)
          .send({ tag: "ValidationFailed", issues: [{ path: "$.handle", message: "expected a handle" }] });
      }
      const data = { handle };
      request.session = request.session
        ? await app.hamlet.sessions.rotate(request, reply, request.session, data)
        : await app.hamlet.sessions.create(request, reply, data);
      return { handle };
    });
  }
  return app;
}
