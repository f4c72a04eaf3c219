/**
 * The build's garbage collection between emitters must leave V8's flags as they were: V8 hashes
 * them into code caches, and the CLI writes its code cache at exit (bin/load-bundle.js), so a
 * changed flag would make the next run reject that cache.
 */
import { cachedDataVersionTag } from "node:v8";
import { describe, expect, it } from "vitest";
import { collectGarbageIfLarge } from "../src/program/memory.js";

describe("collectGarbageIfLarge", () => {
  it("collects without changing the flags a code cache is tagged with", () => {
    const before = cachedDataVersionTag();
    collectGarbageIfLarge(0);
    collectGarbageIfLarge(0);
    expect(cachedDataVersionTag()).toBe(before);
  });
});
