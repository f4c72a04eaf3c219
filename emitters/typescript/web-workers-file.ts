/**
 * `web-workers.ts`: per `worker` declaration, its codec and `defineWebWorker<Worker>(body)` for
 * the body of a browser Web Worker. Imports only `<runtime>/web-worker` and the generated
 * validators (both pure), so it bundles for the browser. Emitted only when the schema declares
 * workers. `@emits` is a server feature: a Web Worker body has no `emit`.
 */
import { printDoc, type Doc } from "../../src/emit/doc.js";
import { PRINT_WIDTH } from "../../src/emit/ts-file.js";
import { hardline, indent } from "../../src/emit/ts-syntax.js";
import type { Schema, WorkerDef } from "../../src/schema/types.js";
import {
  codecDeclaration,
  lowerFirst,
  messageTypeArgs,
  printWorkersFile,
  signature,
  typeArgs,
} from "./workers-file.js";

/**
 * The browser entry of runtime-node next to the configured runtime import: `@hamlet/runtime-node`
 * → `@hamlet/runtime-node/web-worker`, `../runtime-node/src/index.js` → `../runtime-node/src/workers/web.js`.
 */
export function webWorkerImport(runtimeImport: string): string {
  if (runtimeImport.endsWith("/index.js")) return runtimeImport.replace(/\/index\.js$/, "/workers/web.js");
  return `${runtimeImport}/web-worker`;
}

function workerBlock(w: WorkerDef): string {
  const define: Doc = [
    signature(`defineWebWorker${w.name}`, ["body: ", typeArgs("WebWorkerBody", messageTypeArgs(w))], "void"),
    indent([hardline, `defineWebWorker(${lowerFirst(w.name)}Codec, body);`]),
    hardline,
    "}",
  ];
  return [
    codecDeclaration(w, false),
    ``,
    `/**`,
    ` * Makes \`body\` the Web Worker body of \`${w.name}\`: call it once in the worker's entry module. Inputs are`,
    ` * validated before the body runs; progress, output and error are validated before they are posted.`,
    ` */`,
    printDoc(define, PRINT_WIDTH),
  ].join("\n");
}

/** `web-workers.ts`, printed in Prettier's layout (no formatter pass). */
export function webWorkersFile(schema: Schema, header: string, runtimeImport: string): string {
  return printWorkersFile(schema, {
    header,
    typesOf: (w) => [w.input, w.progress, w.output, w.error],
    runtimeNames: (needsDecoder) => [
      "defineWebWorker",
      "type WebWorkerBody",
      "type WorkerCodec",
      ...(needsDecoder ? ["type WorkerDecoder"] : []),
    ],
    runtimeFrom: webWorkerImport(runtimeImport),
    block: workerBlock,
  });
}
