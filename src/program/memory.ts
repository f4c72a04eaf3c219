/**
 * Collects garbage between the phases of a large build. Parsing a large schema leaves hundreds of
 * megabytes of garbage (tokens, parser state); V8 does not collect it before the emitters start
 * allocating and grows the heap instead, so the build's peak memory would be the parse garbage
 * plus the emitters' work. A full collection at the phase boundary costs a few tens of
 * milliseconds, so it runs only when the heap is large (the way Jest's `--logHeapUsage` gets
 * `gc` without `--expose-gc`).
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const LARGE_HEAP = 160 * 1024 * 1024;
/**
 * Heap in use above which a one-shot build or check collects at its phase boundaries (after
 * parsing, between emitters, around a large file): it holds nothing between runs, so a lower
 * threshold than a long-lived process's pays in peak memory.
 */
export const ONE_SHOT_HEAP = 64 * 1024 * 1024;
let gc: (() => void) | undefined;

/** Runs a full garbage collection when more than `threshold` bytes of heap are in use. */
export function collectGarbageIfLarge(threshold = LARGE_HEAP): void {
  // The heap's own count: process.memoryUsage() also reads the resident size from the OS, which
  // cost about 2% of a watch rebuild that calls this once per emitter.
  if (getHeapStatistics().used_heap_size < threshold) return;
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
    // V8 hashes its flags into code caches: left on, this flag would make the CLI's code cache
    // written at exit (bin/load-bundle.js) one the next run rejects. The function stays usable.
    setFlagsFromString("--no-expose-gc");
  }
  gc();
}
