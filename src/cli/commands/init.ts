/** `hamletc init`: a starter project that builds and runs at once; never overwrites a file. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { ExitCode } from "../exit-codes.js";
import type { Reporter } from "../report.js";
import { planPackageJson } from "./init-package.js";
import {
  ELM_JSON,
  GITIGNORE,
  HAMLET_TOML,
  INDEX_HTML,
  MAIN_ELM,
  SERVER_TS,
  TSCONFIG,
  schema,
} from "./init-templates.js";

export function runInit(directory: string | undefined, reporter: Reporter): ExitCode {
  const root = resolve(directory ?? ".");
  const name = packageName(root);
  const files = new Map([
    ["hamlet.toml", HAMLET_TOML],
    ["schema/app.hamlet", schema(name)],
    ["tsconfig.json", TSCONFIG],
    ["elm.json", ELM_JSON],
    ["src/server.ts", SERVER_TS],
    ["src/Main.elm", MAIN_ELM],
    ["public/index.html", INDEX_HTML],
    [".gitignore", GITIGNORE],
  ]);
  const existing = [...files.keys()].filter((f) => existsSync(join(root, f)));
  // The project's own files decide: an existing hamlet.toml means it is already a Hamlet project.
  if (existing.includes("hamlet.toml")) {
    process.stderr.write(`hamletc init: ${shown(join(root, "hamlet.toml"))} exists; not overwriting anything.\n`);
    return ExitCode.usage;
  }
  const packageFile = join(root, "package.json");
  const hadPackage = existsSync(packageFile);
  const plan = planPackageJson(hadPackage ? readFileSync(packageFile, "utf8") : undefined, npmName(root));
  const created: string[] = [];
  for (const [file, text] of files) {
    if (existing.includes(file)) continue;
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    created.push(file);
  }
  if (plan) writeFileSync(packageFile, plan.text);
  const where = relative(process.cwd(), root) || ".";
  const lines = [`Created in ${where}: ${created.join(", ")}.`];
  if (existing.length > 0) lines.push(`Kept existing: ${existing.join(", ")}.`);
  if (plan)
    lines.push(
      `${hadPackage ? "Added to" : "Created"} package.json: ${plan.addedDependencies ? "the Hamlet packages, TypeScript, Elm, " : ""}build and start scripts.`,
    );
  if (plan?.warning) lines.push(`warning: ${plan.warning}`);
  const steps = [
    ...(where === "." ? [] : [`cd ${where}`]),
    ...(plan?.addedDependencies ? ["npm install"] : []),
    "npm run build",
    "npm start",
  ];
  lines.push(`Next: ${steps.join(" && ")}   # then open http://127.0.0.1:8080`);
  reporter.info(lines.join("\n"));
  return ExitCode.ok;
}

function shown(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** The schema's package name: lower-case letters, digits and `_`. */
function packageName(root: string): string {
  const base = basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
  return /^[a-z_]/.test(base) ? base : "app";
}

/** The npm package name of a new package.json. */
function npmName(root: string): string {
  const base = basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "-")
    .replace(/^[._-]+/, "");
  return base === "" ? "app" : base;
}
