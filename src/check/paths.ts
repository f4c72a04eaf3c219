/** Parsing of endpoint path templates: `/api/posts/{id}`. */

export interface ParsedPath {
  readonly params: readonly string[];
  /** Problem with the path, if any. */
  readonly error: string | undefined;
}

export function parsePathTemplate(path: string): ParsedPath {
  if (!path.startsWith("/")) return { params: [], error: "it must start with `/`" };
  if (/[?#\s]/.test(path)) return { params: [], error: "it must not contain spaces, `?` or `#`" };
  const params: string[] = [];
  for (const segment of path.split("/").slice(1)) {
    if (!segment.includes("{") && !segment.includes("}")) continue;
    const match = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
    if (!match) return { params, error: `the segment \`${segment}\` must be a whole \`{name}\`` };
    if (params.includes(match[1]!)) return { params, error: `\`{${match[1]}}\` appears twice` };
    params.push(match[1]!);
  }
  return { params, error: undefined };
}

/** The route with parameters blanked, to find two declarations serving the same URLs. */
export function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/\{[^}]*\}/g, "{}").replace(/\/+$/, "")}`;
}
