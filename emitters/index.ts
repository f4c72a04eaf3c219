/** Every built-in emitter, in the order they run. Add new emitters here. */
import type { AnyEmitter } from "../src/emit/types.js";
import { jsonEmitter } from "./json/index.js";
import { elmEmitter } from "./elm/index.js";
import { typescriptEmitter } from "./typescript/index.js";
import { sqlEmitter } from "./sql/index.js";
import { repositoryEmitter } from "./repository/index.js";
import { openapiEmitter } from "./openapi/index.js";
import { docsEmitter } from "./docs/index.js";

export const builtinEmitters: readonly AnyEmitter[] = [
  jsonEmitter as unknown as AnyEmitter,
  elmEmitter as unknown as AnyEmitter,
  openapiEmitter as unknown as AnyEmitter,
  sqlEmitter as unknown as AnyEmitter,
  repositoryEmitter as unknown as AnyEmitter,
  docsEmitter as unknown as AnyEmitter,
  typescriptEmitter as unknown as AnyEmitter,
];
