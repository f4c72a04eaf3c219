/** The declarations lowered so far, gathered into the schema at the end. */
import type { Span } from "../ast/nodes.js";
import type {
  EndpointDef,
  EventDef,
  ModelDef,
  ServiceDef,
  SseDef,
  UploadDef,
  WebSocketDef,
  WorkerDef,
  WorkflowDef,
} from "../schema/types.js";

export interface Route {
  readonly method: string;
  readonly path: string;
  readonly owner: string;
  readonly span: Span;
}

export interface Output {
  readonly endpoints: EndpointDef[];
  readonly sse: SseDef[];
  readonly websockets: WebSocketDef[];
  readonly uploads: UploadDef[];
  readonly workers: WorkerDef[];
  readonly events: EventDef[];
  readonly services: ServiceDef[];
  readonly workflows: WorkflowDef[];
  readonly models: ModelDef[];
  readonly routes: Route[];
}

export function createOutput(): Output {
  return {
    endpoints: [],
    sse: [],
    websockets: [],
    uploads: [],
    workers: [],
    events: [],
    services: [],
    workflows: [],
    models: [],
    routes: [],
  };
}
