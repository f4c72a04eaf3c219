/**
 * Writes generated files, or (with `--check`) compares them with what is on disk.
 * A manifest in the output folder lists what the last build wrote, so files that a schema
 * change no longer produces are removed rather than left stale.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
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

const PIECE_CHARS = 1 << 20;
/** The most UTF-8 bytes a piece can take: 3 per UTF-16 unit, and one more unit for a surrogate pair. */
const PIECE_BYTES = 3 * (PIECE_CHARS + 1);

/** Pieces of about a megabyte of `text`, never splitting a surrogate pair. */
function* pieces(text: string): Generator<string> {
  const size = PIECE_CHARS;
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield text.slice(start, end);
    start = end;
  }
}

/** `pieces` of each text of `texts` in turn (a text given as the flat strings it is made of, see `OutputMemory`). */
function* piecesOfAll(texts: Iterable<string>): Generator<string> {
  for (const text of texts) yield* pieces(text);
}

/**
 * Whether the file at `path` holds exactly `content` (as UTF-8), compared a piece at a time: a
 * generated file can be tens of megabytes, and reading it whole as a string beside the new text
 * doubled the build's memory for it.
 */
function sameAsFile(path: string, content: string, parts: Iterable<string> = [content]): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  let length = 0;
  for (const part of parts) length += Buffer.byteLength(part, "utf8");
  if (size !== length) return false;
  const fd = openSync(path, "r");
  try {
    // Two buffers for the whole comparison: a fresh pair per piece left the 100 MB of a large
    // build's unchanged output as external garbage, which raised the build's peak memory.
    const expected = Buffer.allocUnsafe(Math.min(size, PIECE_BYTES));
    const actual = Buffer.allocUnsafe(expected.length);
    let offset = 0;
    for (const piece of piecesOfAll(parts)) {
      const length = expected.write(piece, 0, "utf8");
      if (
        readSync(fd, actual, 0, length, offset) !== length ||
        !actual.subarray(0, length).equals(expected.subarray(0, length))
      )
        return false;
      offset += length;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Writes the text made of `parts` a piece at a time (no second copy of a large file's text as one buffer). */
function writeInPieces(path: string, parts: Iterable<string>): void {
  const fd = openSync(path, "w");
  try {
    for (const piece of piecesOfAll(parts)) writeSync(fd, piece, null, "utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a build's output as each emitter finishes, so that no more than one emitter's files are
 * held in memory (the build of a large schema would otherwise hold every output at once). A
 * changed file goes to a hidden file beside its target first; `commit` moves them all into
 * place (and removes what the last build wrote and this one did not), `abort` deletes them, so
 * a build that fails half-way changes nothing, and no reader, crash, Ctrl-C or full disk ever
 * leaves a file half-written. Unchanged files are not touched. Watch builds (`memory`) write a
 * text made of kept pieces (`OutputMemory.partsOf`) piece by piece, without flattening it.
 */
export class StagedOutput {
  readonly #paths = new Set<string>();
  readonly #staged: { readonly path: string; readonly temp: string; readonly target: string }[] = [];
  readonly #unchanged: string[] = [];

  /** `memory` (watch mode) remembers what earlier builds left on disk, so unchanged files are not read back. */
  constructor(
    readonly outDir: string,
    readonly memory?: OutputMemory,
  ) {}

  add(files: readonly EmittedFile[]): void {
    for (const file of files) {
      this.#paths.add(file.path);
      const target = join(this.outDir, file.path);
      // Looked up once: `holds` keeps them for the next build, the comparison and the write use them.
      const pieces = this.memory?.partsOf(file.content);
      const parts = pieces ?? [file.content];
      const same = this.memory?.holds(target, file.content, pieces);
      if (same ?? sameAsFile(target, file.content, parts)) {
        this.#unchanged.push(file.path);
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.hamlet-new`);
      writeInPieces(temp, parts);
      this.#staged.push({ path: file.path, temp, target });
    }
  }

  commit(): WriteReport {
    const removed: string[] = [];
    for (const old of previousFiles(this.outDir)) {
      if (!this.#paths.has(old) && !old.includes("..") && existsSync(join(this.outDir, old))) {
        rmSync(join(this.outDir, old));
        removed.push(old);
        removeEmptyFolders(this.outDir, dirname(join(this.outDir, old)));
      }
    }
    for (const { temp, target } of this.#staged) renameSync(temp, target);
    if (this.memory) for (const path of this.#paths) this.memory.remember(join(this.outDir, path));
    mkdirSync(this.outDir, { recursive: true });
    const manifest = join(this.outDir, MANIFEST);
    const listed = `${JSON.stringify({ generator: "hamletc", files: [...this.#paths].sort() }, null, 2)}\n`;
    // A watch build whose file set is unchanged leaves the manifest alone (rewriting even a small
    // file costs the file system a block freed and allocated: about a millisecond).
    if (!this.memory || !(this.memory.holds(manifest, listed, undefined) ?? sameAsFile(manifest, listed)))
      writeFileSync(manifest, listed);
    this.memory?.remember(manifest);
    const sorted = (paths: string[]) => paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { written: sorted(this.#staged.map((s) => s.path)), unchanged: sorted(this.#unchanged), removed };
  }

  abort(): void {
    for (const { temp } of this.#staged) {
      rmSync(temp, { force: true });
      removeEmptyFolders(this.outDir, dirname(temp));
    }
  }
}

/**
 * What a watch session's builds left in the output folder: each file's text with its stat then
 * (inode, size, modification and change times). A file whose stat is unchanged holds that text,
 * so comparing with the new text needs no read; any other file (edited or touched by someone
 * else, or never seen) is compared on disk. A hand edit can keep the size and put the
 * modification time back (`touch -r`), but not the change time, which only the kernel sets. As
 * in git's "racy" check, a file whose stat was taken in the same tick of the clock it was
 * changed in (a file system with coarse times could hide an edit made right after) is read again.
 */
export class OutputMemory {
  readonly #files = new Map<
    string,
    {
      readonly content: string;
      readonly parts: readonly string[] | undefined;
      readonly stat: FileStamp;
      readonly racy: boolean;
    }
  >();
  readonly #pending = new Map<string, { readonly content: string; readonly parts: readonly string[] | undefined }>();

  /**
   * `piecesOf` (the watch session's `EmitMemo.piecesOf`) tells which texts were put together
   * from flat pieces: such a text is compared piece by piece and written piece by piece, never
   * copied whole into one string.
   */
  constructor(readonly piecesOf?: (content: string) => readonly string[] | undefined) {}

  /** The flat strings `content` is made of (see the constructor), or `undefined`. */
  partsOf(content: string): readonly string[] | undefined {
    return this.piecesOf?.(content);
  }

  /**
   * Whether `target` holds `content`, or `undefined` when only reading the file can tell. `parts`
   * is `partsOf(content)`, which the caller has looked up already.
   */
  holds(target: string, content: string, parts: readonly string[] | undefined): boolean | undefined {
    this.#pending.set(target, { content, parts });
    const known = this.#files.get(target);
    if (!known) return undefined;
    // A text other than the one written last is written whatever the file holds now: no read.
    if (parts !== undefined && known.parts !== undefined ? !sameParts(known.parts, parts) : known.content !== content)
      return false;
    if (known.racy) return undefined;
    const now = stamp(target);
    if (now === undefined) return false;
    return sameStamp(now, known.stat) ? true : undefined;
  }

  /** Records what `target` holds after a committed build. */
  remember(target: string): void {
    const pending = this.#pending.get(target);
    this.#pending.delete(target);
    if (pending === undefined) return;
    const stat = stamp(target);
    if (stat === undefined) this.#files.delete(target);
    else this.#files.set(target, { ...pending, stat, racy: Date.now() - stat.ctimeMs < RACY_MS });
  }
}

/** Whether two texts given as pieces are equal piece by piece (kept pieces are the same strings: no compare). */
function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How close to a file's change its stat must not be taken to be trusted (coarse file system clocks: 2 s). */
const RACY_MS = 2000;

interface FileStamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

function stamp(path: string): FileStamp | undefined {
  try {
    const { ino, size, mtimeMs, ctimeMs } = statSync(path);
    return { ino, size, mtimeMs, ctimeMs };
  } catch {
    return undefined;
  }
}

const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/** `--check` as each emitter finishes: the files that differ from the output folder. */
export class OutputComparison {
  readonly #paths = new Set<string>();
  readonly differing: string[] = [];

  constructor(readonly outDir: string) {}

  add(files: readonly EmittedFile[]): void {
    for (const f of files) {
      this.#paths.add(f.path);
      const target = join(this.outDir, f.path);
      if (!sameAsFile(target, f.content)) this.differing.push(f.path);
    }
  }

  report(): StaleReport {
    const differing = [...this.differing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const extra = previousFiles(this.outDir).filter((f) => !this.#paths.has(f) && existsSync(join(this.outDir, f)));
    return { differing, extra };
  }
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
