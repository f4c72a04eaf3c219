/**
 * Private helper functions of the generated modules. A module gets a helper only when its body
 * mentions it (and then the helpers those helpers use). They are fixed text, kept in the layout
 * elm-format gives them (test/elm-format.test.ts checks every generated module).
 */
import type { Import } from "./module-file.js";
import type { Block } from "./printer.js";

interface Helper {
  readonly uses: readonly string[];
  readonly source: string;
}

const HELPERS: Record<string, Helper> = {
  decodeObject: {
    uses: [],
    source: `
{-| Start decoding a JSON object (the keys \`__proto__\`, \`constructor\` and \`prototype\` are rejected).
-}
decodeObject : a -> Decode.Decoder a
decodeObject value =
    Decode.keyValuePairs (Decode.succeed ())
        |> Decode.andThen
            (\\pairs ->
                case List.filter (\\( key, _ ) -> List.member key [ "__proto__", "constructor", "prototype" ]) pairs of
                    ( key, _ ) :: _ ->
                        Decode.fail ("the key \\"" ++ key ++ "\\" is not allowed")

                    [] ->
                        Decode.succeed value
            )
`,
  },
  decodeDict: {
    uses: ["decodeObject"],
    source: `
decodeDict : Decode.Decoder a -> Decode.Decoder (Dict.Dict String a)
decodeDict decoder =
    decodeObject () |> Decode.andThen (\\_ -> Decode.dict decoder)
`,
  },
  required: {
    uses: ["andMap"],
    source: `
required : String -> Decode.Decoder a -> Decode.Decoder (a -> b) -> Decode.Decoder b
required key decoder =
    andMap (Decode.field key decoder)
`,
  },
  optional: {
    uses: ["andMap", "optionalField"],
    source: `
{-| An optional field: absent or \`null\` is \`Nothing\`.
-}
optional : String -> Decode.Decoder a -> Decode.Decoder (Maybe a -> b) -> Decode.Decoder b
optional key decoder =
    andMap (optionalField key decoder)
`,
  },
  defaulted: {
    uses: ["andMap", "optionalField"],
    source: `
{-| A field with a default, used when the field is absent or \`null\`.
-}
defaulted : String -> Decode.Decoder a -> a -> Decode.Decoder (a -> b) -> Decode.Decoder b
defaulted key decoder default =
    andMap (Decode.map (Maybe.withDefault default) (optionalField key decoder))
`,
  },
  optionalField: {
    uses: [],
    source: `
optionalField : String -> Decode.Decoder a -> Decode.Decoder (Maybe a)
optionalField key decoder =
    Decode.maybe (Decode.field key Decode.value)
        |> Decode.andThen
            (\\present ->
                case Maybe.map (Decode.decodeValue (Decode.null ())) present of
                    Just (Err _) ->
                        Decode.field key (Decode.map Just decoder)

                    _ ->
                        Decode.succeed Nothing
            )
`,
  },
  andMap: {
    uses: [],
    source: `
andMap : Decode.Decoder a -> Decode.Decoder (a -> b) -> Decode.Decoder b
andMap =
    Decode.map2 (|>)
`,
  },
  safeInt: {
    uses: [],
    source: `
{-| An integer in JavaScript's safe range.
-}
safeInt : Decode.Decoder Int
safeInt =
    Decode.int
        |> Decode.andThen
            (\\n ->
                if abs n <= 9007199254740991 then
                    Decode.succeed n

                else
                    Decode.fail ("expected an integer between -9007199254740991 and 9007199254740991, got " ++ String.fromInt n)
            )
`,
  },
  finiteFloat: {
    uses: [],
    source: `
finiteFloat : Decode.Decoder Float
finiteFloat =
    Decode.float
        |> Decode.andThen
            (\\x ->
                if isNaN x || isInfinite x then
                    Decode.fail "expected a finite number"

                else
                    Decode.succeed x
            )
`,
  },
  unknown: {
    uses: [],
    source: `
unknown : String -> List String -> String -> Decode.Decoder a
unknown what allowed value =
    Decode.fail ("unknown " ++ what ++ " \\"" ++ value ++ "\\"; expected one of: " ++ String.join ", " allowed)
`,
  },
  objectOf: {
    uses: [],
    source: `
{-| A JSON object; fields whose value is \`Nothing\` are left out.
-}
objectOf : List ( String, Maybe Encode.Value ) -> Encode.Value
objectOf fields =
    Encode.object (List.filterMap (\\( key, value ) -> Maybe.map (Tuple.pair key) value) fields)
`,
  },
  nullableValue: {
    uses: [],
    source: `
nullableValue : (a -> Encode.Value) -> Maybe a -> Encode.Value
nullableValue encode value =
    Maybe.withDefault Encode.null (Maybe.map encode value)
`,
  },
  knownUuid: {
    uses: [],
    source: `
{-| A UUID default, checked by the schema compiler (so the recursion never happens).
-}
knownUuid : String -> Hamlet.Uuid.Uuid
knownUuid text =
    case Hamlet.Uuid.fromString text of
        Just uuid ->
            uuid

        Nothing ->
            knownUuid text
`,
  },
  knownDate: {
    uses: [],
    source: `
{-| A Date default, checked by the schema compiler (so the recursion never happens).
-}
knownDate : String -> Hamlet.Date.Date
knownDate text =
    case Hamlet.Date.fromString text of
        Just date ->
            date

        Nothing ->
            knownDate text
`,
  },
  knownBytes: {
    uses: [],
    source: `
{-| A Bytes default, checked by the schema compiler (so the recursion never happens).
-}
knownBytes : String -> Hamlet.Bytes.Bytes
knownBytes text =
    case Hamlet.Bytes.fromBase64 text of
        Just bytes ->
            bytes

        Nothing ->
            knownBytes text
`,
  },
  boolText: {
    uses: [],
    source: `
boolText : Bool -> String
boolText value =
    if value then
        "true"

    else
        "false"
`,
  },
  checkAll: {
    uses: [],
    source: `
checkAll : List (String -> a -> List Violation) -> String -> a -> List Violation
checkAll checks path value =
    List.concatMap (\\check -> check path value) checks
`,
  },
  eachEntry: {
    uses: [],
    source: `
{-| Check every value of a map, with paths \`path["key"]\`.
-}
eachEntry : (String -> a -> List Violation) -> String -> Dict.Dict String a -> List Violation
eachEntry check path entries =
    List.concatMap (\\( key, value ) -> check (path ++ "[" ++ Encode.encode 0 (Encode.string key) ++ "]") value) (Dict.toList entries)
`,
  },
  dictSize: {
    uses: [],
    source: `
{-| \`@minItems\`/\`@maxItems\` on a map count its entries.
-}
dictSize : { min : Maybe Int, max : Maybe Int } -> String -> Dict.Dict String a -> List Violation
dictSize bounds path entries =
    Hamlet.Validate.listLength bounds path (Dict.toList entries)
`,
  },
};

/** The helper declarations `body` mentions (or `mentionsOf` it), with their own dependencies, in a stable order. */
export function helperDeclarations(body: string | ReadonlySet<string>): Block[] {
  const mentioned = typeof body === "string" ? mentions(body) : body;
  const needed = new Set<string>();
  const add = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    HELPERS[name]!.uses.forEach(add);
  };
  for (const name of Object.keys(HELPERS)) if (mentioned.has(name)) add(name);
  return Object.keys(HELPERS)
    .filter((n) => needed.has(n))
    .map((n) => HELPERS[n]!.source.trim().split("\n"));
}

const IMPORTED = [
  "Dict",
  "Hamlet.Bytes",
  "Hamlet.Date",
  "Hamlet.Http",
  "Hamlet.Timestamp",
  "Hamlet.Url",
  "Hamlet.Uuid",
  "Hamlet.Validate",
  "Http",
  "Task",
  "Time",
];

const escape = (name: string): string => name.replace(/\./g, "\\.");

/** Helper names (not part of a longer name) and module qualifiers (`Hamlet.Uuid.`), found in one pass. */
const MENTION = new RegExp(
  `(?<![\\w.])(?:(?:${Object.keys(HELPERS).join("|")})(?!\\w)|(?:${[...IMPORTED, "Decode", "Encode"].map(escape).join("|")})\\.)`,
  "g",
);

/** The helpers and module qualifiers `code` mentions. */
function mentions(code: string): Set<string> {
  const found = new Set<string>();
  for (const match of code.matchAll(MENTION)) found.add(match[0]);
  return found;
}

/**
 * What `blocks` mention, as `mentions` of their text finds (a name never spans a line break), each
 * block's found once: the blocks of a type printed by an earlier watch build are kept (see
 * src/emit/fragment-cache.ts), so a rebuild does not scan a whole module's text again.
 */
export function mentionsOf(blocks: readonly Block[]): Set<string> {
  const found = new Set<string>();
  for (const block of blocks) {
    let inBlock = mentionsByBlock.get(block);
    if (inBlock === undefined) mentionsByBlock.set(block, (inBlock = mentions(block.join("\n"))));
    for (const name of inBlock) found.add(name);
  }
  return found;
}

const mentionsByBlock = new WeakMap<Block, Set<string>>();

/** Imports of the modules `code` refers to by their qualified names (`Hamlet.Uuid.decoder`) (or `mentionsOf` it), plus `extra`. */
export function importsFor(code: string | ReadonlySet<string>, extra: readonly Import[] = []): Import[] {
  const mentioned = typeof code === "string" ? mentions(code) : code;
  const uses = (module: string): boolean => mentioned.has(`${module}.`);
  const imports: Import[] = [...extra, ...IMPORTED.filter(uses).map((module) => ({ module }))];
  if (uses("Decode")) imports.push({ module: "Json.Decode", alias: "Decode" });
  if (uses("Encode")) imports.push({ module: "Json.Encode", alias: "Encode" });
  return imports;
}

/** Names of every helper a generated module may define (emitters/elm/naming.ts reserves them). */
export const helperNames: readonly string[] = Object.keys(HELPERS);
