/**
 * Where generated code imports a part of runtime-node from: a package subpath
 * (`@hamlet/runtime-node/validate`), or, when the runtime is imported by a relative path (inside
 * this repository), the sibling module (`../runtime-node/src/index.js` -> `../runtime-node/src/validate/index.js`).
 */
export function runtimeSubpath(runtimeImport: string, part: "validate" | "repository"): string {
  if (!runtimeImport.startsWith(".") && !runtimeImport.startsWith("/")) return `${runtimeImport}/${part}`;
  const slash = runtimeImport.lastIndexOf("/");
  return `${runtimeImport.slice(0, slash + 1)}${part}/index.js`;
}
