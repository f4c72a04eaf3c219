/**
 * Writes generated files, or (with `--check`) compares them with what is on disk.
 * A manifest in the output folder lists what the last build wrote, so files that a schema
 * change no longer produces are removed rather than left stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import type { EmittedFile } from "./types.js";

export const MANIFEST = ".hamlet-manifest.json";

function previousFiles(outDir: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(outDir, MANIFEST), "utf8")) as { files?: unknown };
    return Array.isArray(manifest.files) ? manifest.files.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
}

/**
 * Removes `folder` and its parents up to (not including) `outDir` while they are empty, so a
 * disabled emitter or a dropped module leaves no empty folder behind. Folders holding anything
 * else (a user's file) stay.
 */
function removeEmptyFolders(outDir: string, folder: string): void {
  const root = resolve(outDir);
  for (let dir = resolve(folder); dir.startsWith(root + sep); dir = dirname(dir)) {
    if (readdirSync(dir).length > 0) return;
    rmdirSync(dir);
  }
}

export function writeOutputs(outDir: string, files: readonly EmittedFile[]): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  const current = new Set(files.map((f) => f.path));
  for (const old of previousFiles(outDir)) {
    if (!current.has(old) && !old.includes("..") && existsSync(join(outDir, old))) {
      rmSync(join(outDir, old));
      report.removed.push(old);
      removeEmptyFolders(outDir, dirname(join(outDir, old)));
    }
  }
  for (const file of files) {
    const target = join(outDir, file.path);
    if (existsSync(target) && readFileSync(target, "utf8") === file.content) {
      report.unchanged.push(file.path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    report.written.push(file.path);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, MANIFEST),
    `${JSON.stringify({ generator: "hamletc", files: [...current].sort() }, null, 2)}\n`,
  );
  return report;
}

export interface StaleReport {
  /** Files that would change or be created. */
  readonly differing: string[];
  /** Files a previous build wrote that would now be removed. */
  readonly extra: string[];
}

export function compareOutputs(outDir: string, files: readonly EmittedFile[]): StaleReport {
  const differing = files
    .filter((f) => {
      const target = join(outDir, f.path);
      return !existsSync(target) || readFileSync(target, "utf8") !== f.content;
    })
    .map((f) => f.path);
  const current = new Set(files.map((f) => f.path));
  const extra = previousFiles(outDir).filter((f) => !current.has(f) && existsSync(join(outDir, f)));
  return { differing, extra };
}
