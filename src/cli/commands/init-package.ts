/**
 * The `package.json` of a new project: the Hamlet packages as dependencies (so `npx hamletc`
 * runs the project's own compiler, never a registry package of that name), TypeScript, Elm, and
 * the scripts that build and start the app. An existing package.json only gains what it lacks.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  private?: boolean;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

/** The compiler's own package folder and manifest (found upwards from this module). */
function compilerPackage(): { root: string; manifest: PackageJson } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
      if (manifest.name === "@hamlet/compiler") return { root: dir, manifest };
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("hamletc: cannot find the @hamlet/compiler package.json");
    dir = up;
  }
}

/**
 * Where the project gets the Hamlet packages: from this checkout (`file:`) when the compiler
 * runs from a clone of the repository, otherwise the compiler's own version from the registry.
 */
function hamletSpecs(): { compiler: string; runtime: string; dev: Record<string, string> } {
  const { root, manifest } = compilerPackage();
  const fromCheckout = !root.split(sep).includes("node_modules") && existsSync(join(root, "runtime-node"));
  const version = `^${manifest.version ?? "0.1.0"}`;
  const devRange = (name: string, fallback: string) => manifest.devDependencies?.[name] ?? fallback;
  return {
    compiler: fromCheckout ? `file:${root}` : version,
    runtime: fromCheckout ? `file:${join(root, "runtime-node")}` : version,
    dev: {
      "@lydell/elm": devRange("@lydell/elm", "^0.19.1-14"),
      "@types/node": devRange("@types/node", "^20.19.0"),
      typescript: devRange("typescript", "5.9"),
    },
  };
}

export interface PackagePlan {
  readonly text: string;
  /** Dependencies added: `npm install` must run before building. */
  readonly addedDependencies: boolean;
  /** A problem the user must fix by hand (an existing value init will not change). */
  readonly warning?: string;
}

/** The new or completed package.json, or `undefined` when an existing one lacks nothing. */
export function planPackageJson(existing: string | undefined, name: string): PackagePlan | undefined {
  const pkg: PackageJson = existing === undefined ? { name, version: "0.1.0", private: true } : JSON.parse(existing);
  const before = JSON.stringify(pkg);
  const specs = hamletSpecs();
  let addedDependencies = false;
  const add = (field: "scripts" | "dependencies" | "devDependencies", key: string, value: string) => {
    const table = (pkg[field] ??= {});
    if (
      key in table ||
      (field !== "scripts" && (key in (pkg.dependencies ?? {}) || key in (pkg.devDependencies ?? {})))
    )
      return;
    table[key] = value;
    if (field !== "scripts") addedDependencies = true;
  };
  pkg.type ??= "module";
  add("scripts", "build", "hamletc build && tsc && elm make src/Main.elm --output public/main.js");
  add("scripts", "start", "node dist/src/server.js");
  add("dependencies", "@hamlet/runtime-node", specs.runtime);
  add("devDependencies", "@hamlet/compiler", specs.compiler);
  for (const [dep, range] of Object.entries(specs.dev)) add("devDependencies", dep, range);
  // npm runs a dependency's install script only when allowed: SQLite's native build, Elm's binary.
  const allow = (pkg.allowScripts ??= {});
  for (const dep of ["better-sqlite3", "@lydell/elm"]) allow[dep] ??= true;
  if (existing !== undefined && JSON.stringify(pkg) === before) return undefined;
  return {
    text: `${JSON.stringify(pkg, null, 2)}\n`,
    addedDependencies,
    ...(pkg.type === "module"
      ? {}
      : { warning: `package.json has "type": "${pkg.type}"; the server is an ES module: set "type": "module".` }),
  };
}
