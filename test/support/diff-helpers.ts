/** Compiling schema versions from memory for `hamletc diff` tests. */
import { diffVersions } from "../../src/diff/diff.js";
import type { Change, Version } from "../../src/diff/model.js";
import { compile } from "../../src/program/compile.js";

/**
 * One version from text; `// file: NAME.hamlet` lines start further files (imported by path).
 * Files live under a virtual folder per label, so the two versions never share a file.
 */
export function versionFromText(label: string, text: string): Version {
  const root = `/virtual/${label}`;
  const files = new Map<string, string>();
  let name = "main.hamlet";
  let lines: string[] = [];
  for (const line of text.split("\n")) {
    const marker = /^\/\/ file: (\S+)$/.exec(line);
    if (marker) {
      files.set(`${root}/${name}`, lines.join("\n"));
      name = marker[1]!;
      lines = [];
    } else lines.push(line);
  }
  files.set(`${root}/${name}`, lines.join("\n"));
  const result = compile({
    entries: [`${root}/main.hamlet`],
    features: { database: true, eventStore: true },
    host: { readFile: (p) => (files.has(p) ? { text: files.get(p)! } : { error: "no such file" }) },
  });
  if (!result.schema)
    throw new Error(
      `${label} does not compile:\n${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")}`,
    );
  return { label, schema: result.schema, documents: result.documents, sources: result.sources, root };
}

export function diffTexts(before: string, after: string): Change[] {
  return diffVersions(versionFromText("old", before), versionFromText("new", after));
}
