/** Go to definition: from a name that refers to a declaration to that declaration, in any imported file. */
import { dirname, resolve } from "node:path";
import type { Location } from "vscode-languageserver/node.js";
import { declarationIndex } from "./declarations.js";
import { nodeAt } from "./node-at.js";
import { OffsetMap } from "./ranges.js";
import { pathToUri } from "./uri.js";
import { Workspace } from "./workspace.js";

export function definition(
  workspace: Workspace,
  path: string,
  offset: number,
  uriOf: (path: string) => string = pathToUri,
): Location | null {
  const loaded = workspace.load(path);
  const document = Workspace.documentOf(loaded, path);
  if (!document) return null;
  const found = nodeAt(document, offset);
  if (found?.kind === "import") {
    const target = resolve(dirname(path), found.path.value);
    return found.path.value !== "" && loaded.sources.has(target)
      ? { uri: uriOf(target), range: new OffsetMap("").range(0, 0) }
      : null;
  }
  if (!found || (found.kind !== "reference" && found.kind !== "declaration")) return null;
  const declared = declarationIndex(loaded.documents).get(found.name.name);
  if (!declared) return null;
  const text = loaded.sources.get(declared.file) ?? "";
  return { uri: uriOf(declared.file), range: new OffsetMap(text).spanRange(declared.node.name.span) };
}
