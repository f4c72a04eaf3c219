/** The schema corpus in spec/: entries and their files. */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const specDir = join(repoRoot, "spec");
export const sharedExamplesDir = resolve(repoRoot, "..", "shared", "examples");

export interface CorpusEntry {
  /** Name for test titles: `valid/http` or `invalid/import-cycle`. */
  readonly name: string;
  /** The file compilation starts from. */
  readonly entry: string;
  /** Every file of the case (a folder case has several). */
  readonly files: string[];
}

/** Files directly in the folder are cases; a sub-folder is one case starting at main.hamlet or the first file. */
export function corpus(kind: "valid" | "invalid"): CorpusEntry[] {
  const dir = join(specDir, kind);
  return readdirSync(dir)
    .sort()
    .flatMap((name): CorpusEntry[] => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        const files = readdirSync(path)
          .filter((f) => f.endsWith(".hamlet"))
          .sort()
          .map((f) => join(path, f));
        const entry = files.find((f) => f.endsWith("/main.hamlet")) ?? files[0]!;
        return [{ name: `${kind}/${name}`, entry, files }];
      }
      return name.endsWith(".hamlet")
        ? [{ name: `${kind}/${name.replace(/\.hamlet$/, "")}`, entry: path, files: [path] }]
        : [];
    });
}

export function sharedExamples(): string[] {
  return readdirSync(sharedExamplesDir)
    .filter((f) => f.endsWith(".hamlet"))
    .sort()
    .map((f) => join(sharedExamplesDir, f));
}
