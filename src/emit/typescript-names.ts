/** Names shared by the emitters that print TypeScript: keywords, and the names a prelude declares. */

/** Words that cannot name a type or a function in TypeScript (reserved, strict-mode and type keywords). */
export const TYPESCRIPT_RESERVED: ReadonlySet<string> = new Set([
  ...["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else"],
  ...["enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof"],
  ...["new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void"],
  ...["while", "with", "implements", "interface", "let", "package", "private", "protected", "public"],
  ...["static", "yield", "await", "as", "async", "type", "of", "is", "keyof", "infer", "readonly", "declare"],
  ...["namespace", "module", "require", "global", "asserts", "satisfies", "abstract", "unique", "out"],
  ...["any", "unknown", "never", "undefined", "string", "number", "boolean", "symbol", "object", "bigint"],
  ...["arguments", "eval", "constructor"],
]);

/** Global values and types generated TypeScript may mention by name. */
export const TYPESCRIPT_GLOBALS: ReadonlySet<string> = new Set([
  ...["Array", "Boolean", "Date", "Error", "JSON", "Map", "Math", "Number", "Object", "Promise", "Proxy"],
  ...["ReadonlyArray", "Readonly", "Partial", "Required", "Pick", "Omit", "Exclude", "Extract", "Record"],
  ...["RegExp", "Set", "String", "Symbol", "TypeError", "RangeError", "Uint8Array", "ArrayBuffer"],
  ...["URL", "URLSearchParams", "Headers", "Request", "Response", "RequestInit", "AbortSignal", "Buffer"],
  ...["TextEncoder", "TextDecoder", "BigInt", "globalThis", "console", "fetch", "Function", "Iterable"],
  ...["NonNullable", "ReturnType", "Parameters", "Awaited", "PropertyKey"],
]);

/** Top-level names a piece of TypeScript declares (`function f`, `const X`, `type T`, `interface I`, `class C`). */
export function declaredNames(source: string): string[] {
  const found = source.matchAll(
    /^(?:export\s+)?(?:async\s+)?(?:function|const|let|type|interface|class)\s+([A-Za-z_$][\w$]*)/gm,
  );
  return [...found].map((m) => m[1]!);
}
