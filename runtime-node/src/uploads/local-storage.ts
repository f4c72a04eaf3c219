/**
 * The local filesystem backend: `<dir>/<key>` holds the bytes and `<dir>/<key>.json` their media
 * type and size. Writes go to `<dir>/.partial/<random>` first and are renamed into place once
 * complete (rename is atomic on one filesystem), so a reader never sees half a file and an
 * aborted upload leaves nothing but a temporary file that is deleted at once.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { StoredObject, StoredObjectInfo, UploadStorage } from "./storage.js";

/** Options of {@link createLocalStorage}. */
export interface LocalStorageOptions {
  /** The folder files are kept in (created when missing). */
  readonly dir: string;
}

const PARTIAL = ".partial";

/** Files under a folder of the local filesystem. */
export function createLocalStorage(options: LocalStorageOptions): UploadStorage {
  const root = resolve(options.dir);

  /** The path of a key, refusing any key that would leave the root. */
  function pathOf(key: string): string {
    const path = resolve(root, key);
    if (!path.startsWith(root + sep) || key.split("/").some((s) => s === "" || s === "." || s === ".."))
      throw new Error(`Hamlet: storage key ${JSON.stringify(key)} leaves the storage folder`);
    return path;
  }

  return {
    kind: "local",
    async write(key, body, info, signal) {
      const target = pathOf(key);
      const partialDir = join(root, PARTIAL);
      await mkdir(partialDir, { recursive: true });
      const temp = join(partialDir, randomUUID());
      let size = 0;
      body.on("data", (chunk: Buffer) => (size += chunk.length));
      try {
        await pipeline(body, createWriteStream(temp, { flags: "wx" }), { signal });
        const stored: StoredObjectInfo = { contentType: info.contentType, size };
        await mkdir(dirname(target), { recursive: true });
        await writeFile(`${temp}.json`, JSON.stringify(stored));
        await rename(`${temp}.json`, `${target}.json`);
        await rename(temp, target);
        return stored;
      } catch (error) {
        await rm(temp, { force: true });
        await rm(`${temp}.json`, { force: true });
        throw error;
      }
    },
    async read(key) {
      const path = pathOf(key);
      let info: StoredObjectInfo;
      try {
        await stat(path);
        info = JSON.parse(await readFile(`${path}.json`, "utf8")) as StoredObjectInfo;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
      const object: StoredObject = { ...info, body: createReadStream(path) as Readable };
      return object;
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(`${path}.json`, { force: true });
    },
    async list(prefix) {
      const keys: string[] = [];
      async function walk(dir: string): Promise<void> {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
          throw error;
        }
        for (const entry of entries) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walk(path);
          else keys.push(relative(root, path).split(sep).join("/"));
        }
      }
      await walk(root);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    },
    async close() {},
  };
}
