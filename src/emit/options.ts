/** Validates emitter options from hamlet.toml against the emitter's schema. */
import type { Span } from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { AnyEmitter, OptionValue } from "./types.js";

export interface RawOption {
  readonly value: unknown;
  readonly span: Span | undefined;
}

export function resolveOptions(
  emitter: AnyEmitter,
  raw: Readonly<Record<string, RawOption>>,
): { options: Record<string, OptionValue>; diagnostics: Diagnostic[] } {
  const options: Record<string, OptionValue> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [key, spec] of Object.entries(emitter.options)) options[key] = spec.default;
  for (const [key, { value, span }] of Object.entries(raw)) {
    const spec = emitter.options[key];
    if (!spec) {
      diagnostics.push(
        diagnostic(
          "HAM0801",
          span,
          withSuggestion({ emitter: emitter.name, option: key }, key, Object.keys(emitter.options)),
        ),
      );
      continue;
    }
    const fits = typeof value === spec.type && (!spec.choices || spec.choices.includes(value as string));
    if (!fits) {
      const expected = spec.choices ? `one of ${spec.choices.map((c) => `"${c}"`).join(", ")}` : `a ${spec.type}`;
      diagnostics.push(diagnostic("HAM0802", span, { emitter: emitter.name, option: key, expected }));
      continue;
    }
    const broken = spec.check?.(value as OptionValue);
    if (broken !== undefined) {
      diagnostics.push(diagnostic("HAM0802", span, { emitter: emitter.name, option: key, expected: broken }));
      continue;
    }
    options[key] = value as OptionValue;
  }
  return { options, diagnostics };
}
