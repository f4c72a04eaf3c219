/**
 * The `.hamlet` parser: Chevrotain, built once, with error recovery. It never throws on user
 * input; it returns a (possibly partial) `Document` and every syntax error with its span.
 */
import {
  EmbeddedActionsParser,
  EOF,
  type ILookaheadStrategy,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "./chevrotain.js";
import type * as ast from "../src/ast/nodes.js";
import { diagnostic } from "../src/diagnostics/messages.js";
import type { Diagnostic } from "../src/diagnostics/types.js";
import { RecordingLookaheadStrategy, TableLookaheadStrategy, type LookaheadTable } from "./lookahead.js";
import { lookaheadTable } from "./lookahead-table.js";
import { lex, stringValue } from "./lexer.js";
import * as t from "./tokens.js";

const { declarationKeywords: decl, headerKeywords: header, sectionKeywords: section } = t;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function describe(token: IToken): string {
  return token.tokenType === EOF ? "the end of the file" : `\`${token.image}\``;
}

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${expected.LABEL ?? expected.name} but found ${describe(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describe(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) =>
    `unexpected ${describe(actual[0]!)} in ${ruleDescription(ruleName)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `unexpected ${describe(actual[0]!)} in ${ruleDescription(ruleName)}`,
};

function ruleDescription(rule: string): string {
  const words: Record<string, string> = {
    typeRef: "a type",
    value: "a value",
    section: "a declaration body",
    declaration: "a declaration",
  };
  return words[rule] ?? rule.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** Rules return `undefined` after an error they could not recover from; lists skip those. */
function pushDefined<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}

const MAX_LOOKAHEAD = 2;
/** The token types the lookahead table names. */
const tableTokens: readonly TokenType[] = [...t.allTokens, EOF];

const declarationStarts = new Set<TokenType>([t.AnnotationName, ...Object.values(decl)]);
const sectionStarts = new Set<TokenType>(Object.values(section));

class HamletParser extends EmbeddedActionsParser {
  private file = "";
  private docsByTokenOffset = new Map<number, ast.DocComment[]>();
  private claimedDocs = new Set<ast.DocComment>();
  /** Diagnostics the grammar actions find (separators, numbers); syntax errors come from Chevrotain. */
  private extraDiagnostics: Diagnostic[] = [];
  private lastJunkIndex = -2;
  /** Declarations parsed so far, kept in case the document rule itself fails to recover. */
  partial: ast.Declaration[] = [];

  /**
   * Validation (tests) computes and checks the lookahead up front; otherwise it comes from the
   * table made ahead of time (./lookahead.ts), or from `lookahead` when given.
   */
  constructor(validate: boolean, lookahead?: ILookaheadStrategy) {
    super([...t.allTokens], {
      recoveryEnabled: true,
      maxLookahead: MAX_LOOKAHEAD,
      ...(validate
        ? {}
        : { lookaheadStrategy: lookahead ?? new TableLookaheadStrategy(MAX_LOOKAHEAD, lookaheadTable, tableTokens) }),
      skipValidations: !validate,
      errorMessageProvider: errorMessages,
    });
    this.performSelfAnalysis();
  }

  /** Resets per-file state; the token vector is set through `input`. */
  prepare(file: string, docs: Map<number, ast.DocComment[]>, tokens: IToken[]): void {
    this.file = file;
    this.docsByTokenOffset = docs;
    this.claimedDocs = new Set();
    this.extraDiagnostics = [];
    this.lastJunkIndex = -2;
    this.partial = [];
    this.input = tokens;
  }

  takeExtraDiagnostics(): Diagnostic[] {
    return this.extraDiagnostics;
  }

  unclaimedDocs(): ast.DocComment[] {
    const all = [...this.docsByTokenOffset.values()].flat();
    return all.filter((d) => !this.claimedDocs.has(d));
  }

  // -- helpers --------------------------------------------------------------------------------

  private span(first: IToken, last: IToken): ast.Span {
    const start = Number.isFinite(first.startOffset) ? first.startOffset : 0;
    const lastEnd = last.endOffset;
    const end = lastEnd !== undefined && Number.isFinite(lastEnd) ? lastEnd + 1 : start;
    return { file: this.file, start, end: Math.max(start, end) };
  }

  private spanFrom(first: IToken): ast.Span {
    return this.span(first, this.LA(0));
  }

  private ident(token: IToken): ast.Identifier {
    const name = token.isInsertedInRecovery ? "" : token.image;
    return { kind: "Identifier", name: name ?? "", span: this.span(token, token) };
  }

  private docsFor(token: IToken): ast.DocComment[] {
    const docs = this.docsByTokenOffset.get(token.startOffset) ?? [];
    for (const d of docs) this.claimedDocs.add(d);
    return docs;
  }

  private isAt(type: TokenType, k = 1): boolean {
    return this.LA(k).tokenType === type;
  }

  private atBlockEnd(): boolean {
    return this.isAt(t.RCurly) || this.isAt(EOF);
  }

  /** Skips a token that cannot start anything here, reporting one error per run of junk. */
  private junk(what: string): void {
    const token = this.CONSUME(t.AnyToken);
    this.ACTION(() => {
      const index = token.tokenTypeIdx === undefined ? -1 : this.currentIndex();
      if (index !== this.lastJunkIndex + 1) {
        this.extraDiagnostics.push(
          what === "declaration"
            ? diagnostic("HAM0007", this.span(token, token), { found: describe(token) })
            : diagnostic("HAM0004", this.span(token, token), { detail: `unexpected ${describe(token)} in ${what}` }),
        );
      }
      this.lastJunkIndex = index;
    });
  }

  private currentIndex(): number {
    // Chevrotain keeps the index of the last consumed token in `currIdx`.
    return (this as unknown as { currIdx: number }).currIdx;
  }

  /** Reports two members written on one line with no comma between them. */
  private checkSeparated(previous: IToken | undefined, next: IToken, what: string, hadComma: boolean): void {
    if (!previous || hadComma) return;
    if (previous.endLine === next.startLine && Number.isFinite(next.startOffset)) {
      this.extraDiagnostics.push(diagnostic("HAM0005", this.span(next, next), { what }));
    }
  }

  // -- file -----------------------------------------------------------------------------------

  public document = this.RULE("document", (): ast.Document => {
    const first = this.LA(1);
    let packageName: ast.Identifier | undefined;
    let packageDocs: ast.DocComment[] = [];
    const imports: ast.Import[] = [];
    const declarations: ast.Declaration[] = [];
    this.OPTION(() => {
      const kw = this.CONSUME(header.package);
      packageDocs = this.ACTION(() => this.docsFor(kw));
      packageName = this.ident(this.CONSUME(t.Identifier));
    });
    this.MANY(() => {
      const kw = this.CONSUME(header.import);
      const path = this.SUBRULE(this.stringValue);
      imports.push({ kind: "Import", path, docs: this.ACTION(() => this.docsFor(kw)), span: this.spanFrom(kw) });
    });
    this.MANY2(() => {
      this.OR({
        MAX_LOOKAHEAD: 1,
        DEF: [
          {
            GATE: () => declarationStarts.has(this.LA(1).tokenType),
            ALT: () => {
              const d = this.SUBRULE(this.declaration);
              if (d) {
                declarations.push(d);
                this.ACTION(() => this.partial.push(d));
              }
            },
          },
          { IGNORE_AMBIGUITIES: true, ALT: () => this.junk("declaration") },
        ],
      });
    });
    this.CONSUME(EOF);
    return {
      kind: "Document",
      file: this.file,
      packageName,
      packageDocs,
      imports,
      declarations,
      comments: [],
      span: this.span(first, this.LA(0)),
    };
  });

  // -- declarations ---------------------------------------------------------------------------

  private declaration = this.RULE(
    "declaration",
    (): ast.Declaration | undefined => {
      const first = this.LA(1);
      const docs = this.ACTION(() => this.docsFor(first));
      const annotations: ast.Annotation[] = [];
      this.MANY(() => pushDefined(annotations, this.SUBRULE(this.annotation)));
      const base = { docs, annotations };
      const d: ast.Declaration = this.OR([
        { ALT: () => this.SUBRULE(this.aliasDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.recordLike, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.enumDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.httpDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.sseDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.websocketDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.sectionedDeclaration, { ARGS: [base] }) },
        { ALT: () => this.SUBRULE(this.modelDeclaration, { ARGS: [base] }) },
      ]);
      return this.ACTION(() => (d ? { ...d, span: this.spanFrom(first) } : undefined));
    },
    { recoveryValueFunc: () => undefined },
  );

  private aliasDeclaration = this.RULE("aliasDeclaration", (base: DeclarationStart): ast.AliasDeclaration => {
    const kw = this.CONSUME(decl.alias);
    const name = this.ident(this.CONSUME(t.Identifier));
    this.CONSUME(t.Equals);
    const type = this.SUBRULE(this.typeRef);
    const constraints: ast.Annotation[] = [];
    this.MANY({
      GATE: () => this.LA(1).startLine === this.LA(0).endLine,
      DEF: () => pushDefined(constraints, this.SUBRULE(this.annotation)),
    });
    return { kind: "Alias", ...base, name, type, constraints, span: this.spanFrom(kw) };
  });

  /** `record`, `event`: a name and a field block. */
  private recordLike = this.RULE(
    "recordLike",
    (base: DeclarationStart): ast.RecordDeclaration | ast.EventDeclaration => {
      const kw = this.OR([{ ALT: () => this.CONSUME(decl.record) }, { ALT: () => this.CONSUME(decl.event) }]);
      const name = this.ident(this.CONSUME(t.Identifier));
      const fields = this.SUBRULE(this.fieldBlock);
      const kind = kw.tokenType === decl.event ? "Event" : "Record";
      return { kind, ...base, name, fields, span: this.spanFrom(kw) };
    },
  );

  private enumDeclaration = this.RULE("enumDeclaration", (base: DeclarationStart): ast.EnumDeclaration => {
    const kw = this.CONSUME(decl.enum);
    const name = this.ident(this.CONSUME(t.Identifier));
    const variants = this.SUBRULE(this.variantBlock);
    return { kind: "Enum", ...base, name, variants, span: this.spanFrom(kw) };
  });

  /** `endpoint`, `service`, `upload`: `Name: METHOD "path" { sections }`. */
  private httpDeclaration = this.RULE("httpDeclaration", (base: DeclarationStart): ast.HttpDeclaration => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(decl.endpoint) },
      { ALT: () => this.CONSUME(decl.service) },
      { ALT: () => this.CONSUME(decl.upload) },
    ]);
    const name = this.ident(this.CONSUME(t.Identifier));
    this.CONSUME(t.Colon);
    const method = this.ident(this.CONSUME2(t.Identifier));
    const path = this.SUBRULE(this.stringValue);
    const sections = this.SUBRULE(this.sectionBlock);
    const kind = kw.tokenType === decl.service ? "Service" : kw.tokenType === decl.upload ? "Upload" : "Endpoint";
    return { kind, ...base, name, method, path, sections, span: this.spanFrom(kw) };
  });

  private sseDeclaration = this.RULE("sseDeclaration", (base: DeclarationStart): ast.SseDeclaration => {
    const kw = this.CONSUME(decl.sse);
    const name = this.ident(this.CONSUME(t.Identifier));
    this.CONSUME(t.Colon);
    const type = this.SUBRULE(this.typeRef);
    return { kind: "Sse", ...base, name, type, span: this.spanFrom(kw) };
  });

  private websocketDeclaration = this.RULE(
    "websocketDeclaration",
    (base: DeclarationStart): ast.WebSocketDeclaration => {
      const kw = this.CONSUME(decl.websocket);
      const name = this.ident(this.CONSUME(t.Identifier));
      this.CONSUME(t.Colon);
      const path = this.SUBRULE(this.stringValue);
      const variants = this.SUBRULE(this.variantBlock);
      return { kind: "WebSocket", ...base, name, path, variants, span: this.spanFrom(kw) };
    },
  );

  /** `worker`, `workflow`: a name and a block of sections. */
  private sectionedDeclaration = this.RULE(
    "sectionedDeclaration",
    (base: DeclarationStart): ast.WorkerDeclaration | ast.WorkflowDeclaration => {
      const kw = this.OR([{ ALT: () => this.CONSUME(decl.worker) }, { ALT: () => this.CONSUME(decl.workflow) }]);
      const name = this.ident(this.CONSUME(t.Identifier));
      const sections = this.SUBRULE(this.sectionBlock);
      const kind = kw.tokenType === decl.worker ? "Worker" : "Workflow";
      return { kind, ...base, name, sections, span: this.spanFrom(kw) };
    },
  );

  private modelDeclaration = this.RULE("modelDeclaration", (base: DeclarationStart): ast.ModelDeclaration => {
    const kw = this.CONSUME(decl.model);
    const name = this.ident(this.CONSUME(t.Identifier));
    const fields: ast.Field[] = [];
    const indexes: ast.IndexClause[] = [];
    this.CONSUME(t.LCurly);
    let previous: IToken | undefined;
    let hadComma = false;
    this.MANY({
      GATE: () => !this.atBlockEnd(),
      DEF: () => {
        const first = this.LA(1);
        this.OR({
          MAX_LOOKAHEAD: 1,
          DEF: [
            {
              GATE: () => this.isAt(section.index) && this.isAt(t.LParen, 2),
              ALT: () => {
                this.ACTION(() => this.checkSeparated(previous, first, "columns", hadComma));
                pushDefined(indexes, this.SUBRULE(this.indexClause));
              },
            },
            {
              GATE: () => this.LA(1).tokenType !== t.RCurly && this.isIdentifier(this.LA(1)),
              ALT: () => {
                this.ACTION(() => this.checkSeparated(previous, first, "columns", hadComma));
                const f = this.SUBRULE(this.field);
                if (f) fields.push(f);
              },
            },
            { IGNORE_AMBIGUITIES: true, ALT: () => this.junk("a model") },
          ],
        });
        previous = this.LA(0);
        hadComma = false;
        this.OPTION(() => {
          this.CONSUME(t.Comma);
          hadComma = true;
        });
      },
    });
    this.CONSUME(t.RCurly);
    return { kind: "Model", ...base, name, fields, indexes, span: this.spanFrom(kw) };
  });

  private indexClause = this.RULE("indexClause", (): ast.IndexClause => {
    const kw = this.CONSUME(section.index);
    const docs = this.ACTION(() => this.docsFor(kw));
    const columns: ast.Identifier[] = [];
    this.CONSUME(t.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => columns.push(this.ident(this.CONSUME(t.Identifier))) });
    this.CONSUME(t.RParen);
    const annotations: ast.Annotation[] = [];
    this.MANY(() => pushDefined(annotations, this.SUBRULE(this.annotation)));
    return { kind: "Index", columns, annotations, docs, span: this.spanFrom(kw) };
  });

  // -- sections -------------------------------------------------------------------------------

  private sectionBlock = this.RULE(
    "sectionBlock",
    (): ast.Section[] => {
      const sections: ast.Section[] = [];
      this.CONSUME(t.LCurly);
      this.MANY({
        GATE: () => !this.atBlockEnd(),
        DEF: () => {
          this.OR({
            MAX_LOOKAHEAD: 1,
            DEF: [
              { GATE: () => this.isSectionStart(), ALT: () => pushDefined(sections, this.SUBRULE(this.section)) },
              { IGNORE_AMBIGUITIES: true, ALT: () => this.junk("a declaration body") },
            ],
          });
          this.OPTION(() => this.CONSUME(t.Comma));
        },
      });
      this.CONSUME(t.RCurly);
      return sections;
    },
    { recoveryValueFunc: () => [] },
  );

  private isSectionStart(): boolean {
    return sectionStarts.has(this.LA(1).tokenType);
  }

  private section = this.RULE("section", (): ast.Section => {
    const kwToken = this.LA(1);
    const docs = this.ACTION(() => this.docsFor(kwToken));
    return this.OR([
      {
        ALT: () => {
          const k = this.OR2([
            { ALT: () => this.CONSUME(section.request) },
            { ALT: () => this.CONSUME(section.response) },
          ]);
          const type = this.SUBRULE(this.typeRef);
          return { kind: "TypeSection" as const, keyword: this.ident(k), type, docs, span: this.spanFrom(k) };
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(section.errors);
          const variants = this.SUBRULE(this.variantBlock);
          return { kind: "VariantsSection" as const, keyword: this.ident(k), variants, docs, span: this.spanFrom(k) };
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(section.fields);
          const fields = this.SUBRULE(this.fieldBlock);
          return { kind: "FieldsSection" as const, keyword: this.ident(k), fields, docs, span: this.spanFrom(k) };
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(section.file);
          const properties = this.SUBRULE(this.propertyBlock);
          return {
            kind: "PropertiesSection" as const,
            keyword: this.ident(k),
            properties,
            docs,
            span: this.spanFrom(k),
          };
        },
      },
      {
        ALT: () => {
          const k = this.OR3([
            { ALT: () => this.CONSUME(section.input) },
            { ALT: () => this.CONSUME(section.progress) },
            { ALT: () => this.CONSUME(section.output) },
            { ALT: () => this.CONSUME(section.error) },
          ]);
          const name = this.ident(this.CONSUME(t.Identifier));
          const fields = this.OPTION(() => this.SUBRULE2(this.fieldBlock));
          return {
            kind: "NamedRecordSection" as const,
            keyword: this.ident(k),
            name,
            fields,
            docs,
            span: this.spanFrom(k),
          };
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(section.trigger);
          const event = this.ident(this.CONSUME2(t.Identifier));
          return { kind: "TriggerSection" as const, keyword: this.ident(k), event, docs, span: this.spanFrom(k) };
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(section.step);
          const name = this.ident(this.CONSUME3(t.Identifier));
          const output = this.OPTION2(() => {
            this.CONSUME(t.Arrow);
            return this.SUBRULE2(this.typeRef);
          });
          return { kind: "StepSection" as const, keyword: this.ident(k), name, output, docs, span: this.spanFrom(k) };
        },
      },
    ]);
  });

  /**
   * `{ member, member ... }`: members separated by a comma or a line break; a token that cannot
   * start a member is skipped with one error per run. Each rule calls this once; it uses the
   * DSL's ninth occurrence indices so that members can use the first ones.
   */
  private memberBlock(members: string, where: string, member: (first: IToken) => void): void {
    this.CONSUME9(t.LCurly);
    let previous: IToken | undefined;
    let hadComma = false;
    this.MANY9({
      GATE: () => !this.atBlockEnd(),
      DEF: () => {
        const first = this.LA(1);
        this.OR9({
          MAX_LOOKAHEAD: 1,
          DEF: [
            {
              GATE: () => this.isIdentifier(this.LA(1)),
              ALT: () => {
                this.ACTION(() => this.checkSeparated(previous, first, members, hadComma));
                member(first);
              },
            },
            { IGNORE_AMBIGUITIES: true, ALT: () => this.junk(where) },
          ],
        });
        previous = this.LA(0);
        hadComma = false;
        this.OPTION9(() => {
          this.CONSUME9(t.Comma);
          hadComma = true;
        });
      },
    });
    this.CONSUME9(t.RCurly);
  }

  private propertyBlock = this.RULE(
    "propertyBlock",
    (): ast.Property[] => {
      const properties: ast.Property[] = [];
      this.memberBlock("constraints", "a file block", (first) => {
        const docs = this.ACTION(() => this.docsFor(first));
        const name = this.ident(this.CONSUME(t.Identifier));
        this.CONSUME(t.Colon);
        const value = this.SUBRULE(this.value);
        properties.push({ kind: "Property", name, value, docs, span: this.spanFrom(first) });
      });
      return properties;
    },
    { recoveryValueFunc: () => [] },
  );

  // -- fields and variants ----------------------------------------------------------------------

  private isIdentifier(token: IToken): boolean {
    return token.tokenType === t.Identifier || token.tokenType.CATEGORIES?.includes(t.Identifier) === true;
  }

  private fieldBlock = this.RULE(
    "fieldBlock",
    (): ast.Field[] => {
      const fields: ast.Field[] = [];
      this.memberBlock("fields", "a field list", () => pushDefined(fields, this.SUBRULE(this.field)));
      return fields;
    },
    { recoveryValueFunc: () => [] },
  );

  private field = this.RULE(
    "field",
    (): ast.Field | undefined => {
      const nameToken = this.CONSUME(t.Identifier);
      const docs = this.ACTION(() => this.docsFor(nameToken));
      this.CONSUME(t.Colon);
      const type = this.SUBRULE(this.typeRef);
      const annotations: ast.Annotation[] = [];
      let defaultValue: ast.Value | undefined;
      this.MANY(() => {
        this.OR([
          { ALT: () => pushDefined(annotations, this.SUBRULE(this.annotation)) },
          {
            ALT: () => {
              const equals = this.CONSUME(t.Equals);
              const value = this.SUBRULE(this.value);
              this.ACTION(() => {
                if (defaultValue !== undefined) {
                  this.extraDiagnostics.push(
                    diagnostic("HAM0004", this.span(equals, this.LA(0)), {
                      detail: "a field has at most one default value",
                    }),
                  );
                }
              });
              defaultValue = value;
            },
          },
        ]);
      });
      return {
        kind: "Field",
        name: this.ident(nameToken),
        type,
        annotations,
        defaultValue,
        docs,
        span: this.spanFrom(nameToken),
      };
    },
    { recoveryValueFunc: () => undefined },
  );

  private variantBlock = this.RULE(
    "variantBlock",
    (): ast.Variant[] => {
      const variants: ast.Variant[] = [];
      this.memberBlock("variants", "a variant list", (first) => {
        const docs = this.ACTION(() => this.docsFor(first));
        const name = this.ident(this.CONSUME(t.Identifier));
        const fields = this.OPTION(() => this.SUBRULE(this.fieldBlock));
        const annotations: ast.Annotation[] = [];
        this.MANY(() => pushDefined(annotations, this.SUBRULE(this.annotation)));
        variants.push({ kind: "Variant", name, fields, annotations, docs, span: this.spanFrom(first) });
      });
      return variants;
    },
    { recoveryValueFunc: () => [] },
  );

  // -- types ------------------------------------------------------------------------------------

  private typeRef = this.RULE(
    "typeRef",
    (): ast.TypeNode => {
      const first = this.LA(1);
      let type: ast.TypeNode = this.OR([
        {
          ALT: (): ast.TypeNode => {
            const name = this.ident(this.CONSUME(t.Identifier));
            const args: ast.TypeNode[] = [];
            this.OPTION(() => {
              this.CONSUME(t.LAngle);
              this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => pushDefined(args, this.SUBRULE(this.typeRef)) });
              this.CONSUME(t.RAngle);
            });
            return { kind: "NamedType", name, args, span: this.spanFrom(first) };
          },
        },
        {
          ALT: (): ast.TypeNode => {
            const fields = this.SUBRULE(this.fieldBlock);
            return { kind: "InlineRecord", fields, span: this.spanFrom(first) };
          },
        },
      ]);
      this.MANY(() => {
        this.CONSUME(t.Question);
        type = { kind: "Optional", inner: type, span: this.spanFrom(first) };
      });
      return type;
    },
    { recoveryValueFunc: (): ast.TypeNode => ({ kind: "MissingType", span: { file: "", start: 0, end: 0 } }) },
  );

  // -- annotations and values -------------------------------------------------------------------

  private annotation = this.RULE("annotation", (): ast.Annotation => {
    const at = this.CONSUME(t.AnnotationName);
    const args = this.OPTION(() => this.SUBRULE(this.argumentList));
    const name: ast.Identifier = {
      kind: "Identifier",
      name: at.image?.slice(1) ?? "",
      span: this.span(at, at),
    };
    return { kind: "Annotation", name, args, span: this.spanFrom(at) };
  });

  private argumentList = this.RULE(
    "argumentList",
    (): ast.Argument[] => {
      const args: ast.Argument[] = [];
      this.CONSUME(t.LParen);
      this.MANY_SEP({ SEP: t.Comma, DEF: () => pushDefined(args, this.SUBRULE(this.argument)) });
      this.CONSUME(t.RParen);
      return args;
    },
    { recoveryValueFunc: () => [] },
  );

  private argument = this.RULE("argument", (): ast.Argument => {
    const first = this.LA(1);
    const name = this.OPTION({
      GATE: () => this.isAt(t.Colon, 2),
      DEF: () => {
        const n = this.ident(this.CONSUME(t.Identifier));
        this.CONSUME(t.Colon);
        return n;
      },
    });
    const value = this.SUBRULE(this.value);
    return { kind: "Argument", name, value, span: this.spanFrom(first) };
  });

  private stringValue = this.RULE(
    "stringValue",
    (): ast.StringValue => {
      const token = this.CONSUME(t.StringLiteral);
      const raw = token.image ?? "";
      return { kind: "String", value: this.ACTION(() => stringValue(raw)), raw, span: this.span(token, token) };
    },
    {
      recoveryValueFunc: (): ast.StringValue => ({
        kind: "String",
        value: "",
        raw: "",
        span: { file: "", start: 0, end: 0 },
      }),
    },
  );

  /**
   * The alternatives of `value`, made on its first run (grammar recording) and reused: they
   * capture nothing but the parser, and a new array of nine objects and closures per value was a
   * good part of a parse's garbage.
   */
  private valueAlternatives: IOrAlt<ast.Value>[] | undefined;

  private value = this.RULE(
    "value",
    (): ast.Value => {
      return this.OR(
        (this.valueAlternatives ??= [
          { ALT: () => this.SUBRULE(this.stringValue) },
          {
            ALT: () => {
              const tok = this.CONSUME(t.IntegerLiteral);
              const value = Number(tok.image);
              this.ACTION(() => {
                if (!Number.isSafeInteger(value))
                  this.extraDiagnostics.push(diagnostic("HAM0009", this.span(tok, tok), { text: tok.image }));
              });
              return { kind: "Integer" as const, value, raw: tok.image, span: this.span(tok, tok) };
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(t.FloatLiteral);
              return { kind: "Float" as const, value: Number(tok.image), raw: tok.image, span: this.span(tok, tok) };
            },
          },
          {
            ALT: () => {
              const tok = this.OR2([{ ALT: () => this.CONSUME(t.True) }, { ALT: () => this.CONSUME(t.False) }]);
              return { kind: "Boolean" as const, value: tok.tokenType === t.True, span: this.span(tok, tok) };
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(t.DurationLiteral);
              const [, amount = "0", unit = "ms"] = /^([0-9]+)(ms|s|m|h|d)$/.exec(tok.image ?? "") ?? [];
              return {
                kind: "Duration" as const,
                milliseconds: Number(amount) * DURATION_UNITS[unit]!,
                raw: tok.image,
                span: this.span(tok, tok),
              };
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(t.SizeLiteral);
              const [, amount = "0", unit = "B"] = /^([0-9]+)(B|KB|MB|GB|TB)$/.exec(tok.image ?? "") ?? [];
              return {
                kind: "Size" as const,
                bytes: Number(amount) * SIZE_UNITS[unit]!,
                raw: tok.image,
                span: this.span(tok, tok),
              };
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(t.DimensionLiteral);
              const [w = "0", h = "0"] = (tok.image ?? "0x0").split("x");
              return {
                kind: "Dimension" as const,
                width: Number(w),
                height: Number(h),
                raw: tok.image,
                span: this.span(tok, tok),
              };
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(t.Identifier);
              const args = this.OPTION(() => this.SUBRULE(this.argumentList));
              if (args) {
                return { kind: "Call" as const, callee: this.ident(tok), args, span: this.spanFrom(tok) };
              }
              return { kind: "Name" as const, name: tok.image, span: this.span(tok, tok) };
            },
          },
          {
            ALT: () => {
              const open = this.CONSUME(t.LSquare);
              const items: ast.Value[] = [];
              this.MANY(() => {
                pushDefined(items, this.SUBRULE(this.value));
                this.OPTION2(() => this.CONSUME(t.Comma));
              });
              this.CONSUME(t.RSquare);
              return { kind: "List" as const, items, span: this.spanFrom(open) };
            },
          },
        ]),
      );
    },
    { recoveryValueFunc: (): ast.Value => ({ kind: "Name", name: "", span: { file: "", start: 0, end: 0 } }) },
  );
}

interface DeclarationStart {
  readonly docs: readonly ast.DocComment[];
  readonly annotations: readonly ast.Annotation[];
}

let sharedParser: HamletParser | undefined;

/** The parser is built once per process; grammar validation runs only when asked (tests). */
function parser(): HamletParser {
  sharedParser ??= new HamletParser(process.env["HAMLET_VALIDATE_GRAMMAR"] === "1");
  return sharedParser;
}

export interface ParseResult {
  readonly document: ast.Document;
  readonly diagnostics: Diagnostic[];
}

/** Parses one file. Never throws on user input. */
export function parse(text: string, file: string): ParseResult {
  const lexed = lex(text, file);
  const p = parser();
  p.prepare(file, lexed.docsByTokenOffset, lexed.tokens);
  const parsed = p.document();
  // The shared parser would otherwise keep this file's tokens (and their positions) until the
  // next parse: a third of the memory of a large checked schema.
  const errors = p.errors;
  const extra = p.takeExtraDiagnostics();
  const unclaimed = p.unclaimedDocs();
  const partial = p.partial;
  p.prepare("", new Map(), []);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const seen = new Set<number>();
  // Errors right after an unterminated string on its line are its echo, not news.
  const quiet = lexed.diagnostics.filter((d) => d.code === "HAM0002").map((d) => d.span!);
  const nextTokenStart = (end: number): number =>
    lexed.tokens.find((t) => t.startOffset >= end)?.startOffset ?? text.length;
  const isEcho = (offset: number): boolean => quiet.some((q) => offset >= q.start && offset <= nextTokenStart(q.end));
  for (const error of errors) {
    const token = error.token;
    const fallback = lexed.tokens[lexed.tokens.length - 1];
    const at = token.tokenType === EOF || !Number.isFinite(token.startOffset) ? fallback : token;
    const start = at ? (token.tokenType === EOF ? at.endOffset! + 1 : at.startOffset) : 0;
    const end = at && token.tokenType !== EOF ? at.endOffset! + 1 : start;
    if (seen.has(start) || isEcho(start)) continue;
    seen.add(start);
    diagnostics.push(diagnostic("HAM0004", { file, start, end }, { detail: error.message }));
  }
  diagnostics.push(...extra);
  for (const doc of [...unclaimed, ...lexed.trailingDocs]) diagnostics.push(diagnostic("HAM0006", doc.span));
  const document: ast.Document = {
    ...(parsed ?? { ...emptyDocument(file), declarations: partial }),
    file,
    comments: lexed.comments,
    span: { file, start: 0, end: text.length },
  };
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { document, diagnostics };
}

function emptyDocument(file: string): ast.Document {
  return {
    kind: "Document",
    file,
    packageName: undefined,
    packageDocs: [],
    imports: [],
    declarations: [],
    comments: [],
    span: { file, start: 0, end: 0 },
  };
}

/** Builds the parser with full grammar validation; used by tests to catch grammar mistakes. */
export function validateGrammar(): void {
  new HamletParser(true);
}

/** Builds a parser whose lookahead comes from `lookahead` (the table's generator and its test). */
export function buildParserWith(lookahead: ILookaheadStrategy): void {
  new HamletParser(false, lookahead);
}

/** The lookahead paths of every production, computed by Chevrotain (for ./lookahead-table.ts). */
export function computeLookaheadTable(): LookaheadTable {
  const recording = new RecordingLookaheadStrategy(MAX_LOOKAHEAD);
  buildParserWith(recording);
  return recording.table;
}
