/** Which sections a declaration body may have, each at most once (steps excepted). */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { CheckContext } from "./context.js";

const ownerText: Record<string, string> = {
  Endpoint: "an endpoint",
  Service: "a service",
  Upload: "an upload",
  Worker: "a worker",
  Workflow: "a workflow",
};

/** Groups sections by keyword, reporting unknown and repeated ones. */
export function sectionsOf(
  ctx: CheckContext,
  kind: string,
  sections: readonly ast.Section[],
  allowed: readonly string[],
  repeatable: readonly string[] = [],
): Map<string, ast.Section[]> {
  const result = new Map<string, ast.Section[]>();
  for (const section of sections) {
    const keyword = section.keyword.name;
    if (!allowed.includes(keyword)) {
      ctx.report(
        diagnostic("HAM0407", section.keyword.span, {
          section: keyword,
          owner: ownerText[kind] ?? kind,
          allowed: allowed.join(", "),
        }),
      );
      continue;
    }
    const list = result.get(keyword) ?? [];
    if (list.length > 0 && !repeatable.includes(keyword)) {
      ctx.report(diagnostic("HAM0409", section.keyword.span, { section: keyword }));
      continue;
    }
    list.push(section);
    result.set(keyword, list);
  }
  return result;
}

export function firstSection<K extends ast.Section["kind"]>(
  sections: Map<string, ast.Section[]>,
  keyword: string,
  kind: K,
): Extract<ast.Section, { kind: K }> | undefined {
  const section = sections.get(keyword)?.[0];
  return section && section.kind === kind ? (section as Extract<ast.Section, { kind: K }>) : undefined;
}
