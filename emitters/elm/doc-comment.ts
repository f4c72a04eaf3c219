/**
 * Doc comments `{-| … -}` in the form elm-format 0.8.8 gives them. elm-format parses a doc
 * comment as Markdown (Cheapskate) and prints it again (ElmFormat/Render/Markdown.hs): blocks one
 * blank line apart, a blank line before `-}` when there is more than one block, bullet lists as
 * `  - item`, and `\`, `` ` ``, `_`, `*` escaped in plain text. Generated sentences are written in
 * that form directly; schema doc text goes through `userText`, which escapes what elm-format
 * would rewrite, so the comment is a fixed point of elm-format.
 */
import type { Block } from "./printer.js";

export interface ListItem {
  readonly text: string;
  /** A nested bullet list under the item. */
  readonly sub?: readonly string[];
}

/** A paragraph (its lines) or a bullet list. */
export type DocBlock =
  | { readonly kind: "paragraph"; readonly lines: readonly string[] }
  | { readonly kind: "list"; readonly items: readonly ListItem[] };

export const paragraph = (...lines: string[]): DocBlock => ({ kind: "paragraph", lines });
export const bullets = (items: readonly ListItem[]): DocBlock => ({ kind: "list", items });

/** `{-` and `-}` would end or nest the comment. */
function safe(text: string): string {
  if (!text.includes("-}") && !text.includes("{-")) return text; // most lines: no copy
  return text.replace(/-\}/g, "- }").replace(/\{-/g, "{ -");
}

function blockLines(block: DocBlock): string[] {
  if (block.kind === "paragraph") return block.lines.map(safe);
  return block.items.flatMap((item) => [
    `  - ${safe(item.text)}`,
    ...(item.sub ?? []).map((s) => `      - ${safe(s)}`),
  ]);
}

/** The comment for `blocks` (empty blocks dropped), or no lines when there is nothing to say. */
export function docComment(blocks: readonly DocBlock[]): Block {
  const kept = blocks.filter((b) => (b.kind === "paragraph" ? b.lines.length > 0 : b.items.length > 0));
  if (kept.length === 0) return [];
  const lines = kept.flatMap((b, i) => (i === 0 ? blockLines(b) : ["", ...blockLines(b)]));
  if (kept.length > 1) lines.push("");
  return [`{-| ${lines[0]}`, ...lines.slice(1), "-}"];
}

/** Schema doc lines (`///`) as paragraphs: blank lines separate them. */
export function userParagraphs(lines: readonly string[]): DocBlock[] {
  const paragraphs: string[][] = [[]];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") paragraphs.push([]);
    else paragraphs[paragraphs.length - 1]!.push(lineStart(userText(line)));
  }
  return paragraphs.filter((p) => p.length > 0).map((p) => paragraph(...p));
}

/**
 * A line starting like a Markdown block (list `-`/`+`/`1.`, quote `>`, header `#`, setext or rule
 * `=`/`-`, fence `~~~`) would be re-rendered as that block. A backslash does not protect these
 * characters (elm-format drops it), so the first one becomes a character reference, which
 * elm-format keeps as written and which reads the same in the rendered docs.
 */
function lineStart(line: string): string {
  const ordered = /^(\d+)([.)])/.exec(line);
  if (ordered) return `${ordered[1]}&#${ordered[2]!.charCodeAt(0)};${line.slice(ordered[0].length)}`;
  if (/^[-+>#=~]/.test(line)) return `&#${line.charCodeAt(0)};${line.slice(1)}`;
  return line;
}

// URI schemes Cheapskate turns into autolinks when followed by `:` and a non-space character.
const SCHEMES = new Set(
  (
    "coap doi javascript aaa aaas about acap cap cid crid data dav dict dns file ftp geo go gopher h323 http " +
    "https iax icap im imap info ipp iris ldap mailto mid msrp msrps mtqp mupdate news nfs ni nih nntp " +
    "opaquelocktoken pop pres rtsp service session shttp sieve sip sips sms snmp tag tel telnet tftp " +
    "thismessage tn3270 tip tv urn vemmi ws wss xcon xmpp adiumxtra afp afs aim apt attachment aw beshare " +
    "bitcoin bolo callto chrome content cvs dtn dvb ed2k facetime feed finger fish gg git gizmoproject gtalk " +
    "hcp icon ipn irc irc6 ircs itms jar jms keyparc lastfm ldaps magnet maps market message mms msnim " +
    "mumble mvn notes oid palm paparazzi platform proxy psyc query res resource rmi rsync rtmp secondlife " +
    "sftp sgn skype smb soldat spotify ssh steam svn teamspeak things udp unreal ut2004 ventrilo webcal wtai " +
    "wyciwyg xfire xri ymsgr"
  )
    .split(" ")
    .flatMap((s) => [s, s.toUpperCase()]),
);

const ESCAPED = new Set(["\\", "`", "_", "*"]);
const STRUCTURAL = new Set(["[", "]", "<", ">"]);

/** Positions of brackets without a partner on the line (Cheapskate pairs them across lines). */
function unpairedBrackets(text: string): Set<number> {
  const open: number[] = [];
  const unpaired = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "[") open.push(i);
    else if (text[i] === "]") {
      if (open.length > 0) open.pop();
      else unpaired.add(i);
    }
  }
  open.forEach((i) => unpaired.add(i));
  return unpaired;
}
const isAsciiPunctuation = (c: string | undefined): boolean => c !== undefined && /^[!-/:-@[-`{-~]$/.test(c);

/** A code span as elm-format prints it: trimmed, with a longer fence when the code has backticks. */
function codeSpan(code: string): string {
  const text = code.trim();
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  if (longest === 0) return `\`${text}\``;
  const fence = "`".repeat(longest + 1);
  return `${fence} ${text} ${fence}`;
}

/**
 * The end of a URI starting at `from` (Cheapskate's scanner: no spaces, balanced parens). Unlike
 * Cheapskate it also stops at `<` and `>`: an autolink with those inside reads differently the
 * next time elm-format parses it, so the output would not be a fixed point.
 */
function uriEnd(text: string, from: number): number {
  let open = 0;
  let i = from;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c) || c === "<" || c === ">") break;
    if (c === "(") open++;
    else if (c === ")") {
      if (open === 0) break;
      open--;
    }
  }
  return i;
}

/**
 * One line of schema doc text, made stable under elm-format: code spans, links, autolinks and
 * inline HTML are kept (URIs become `<autolinks>`, as elm-format writes them); everywhere else
 * `\ _ * `` ` are escaped, so `*` and `_` stay literal characters rather than emphasis.
 */
export function userText(raw: string): string {
  // Cheapskate expands tabs to tab stops, also inside code spans; a space keeps it simple.
  const text = safe(raw).replace(/\t/g, " ");
  const unpaired = unpairedBrackets(text);
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    if (c === "`") {
      const ticks = /^`+/.exec(rest)![0];
      const close = new RegExp(`(?<!\`)${ticks}(?!\`)`, "g");
      close.lastIndex = ticks.length;
      const end = close.exec(rest);
      if (end) {
        out += codeSpan(rest.slice(ticks.length, end.index));
        i += end.index + ticks.length;
      } else {
        out += "\\`".repeat(ticks.length);
        i += ticks.length;
      }
      continue;
    }
    if (c === "\\") {
      const next = text[i + 1];
      if (isAsciiPunctuation(next)) {
        // elm-format drops the backslash before other characters; brackets and angles would then
        // start a link or tag on the next run, so they become character references.
        out += ESCAPED.has(next!) ? `\\${next}` : STRUCTURAL.has(next!) ? `&#${next!.charCodeAt(0)};` : next;
        i += 2;
      } else {
        out += "\\\\";
        i += 1;
      }
      continue;
    }
    if (c === "_" || c === "*") {
      out += `\\${c}`;
      i += 1;
      continue;
    }
    const html = /^<(?:[A-Za-z][A-Za-z0-9+.-]+:[^\s<>]*|\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?)>/.exec(rest);
    if (c === "<") {
      // Any other `<` could pair with a later `>` as an e-mail autolink or tag on the next run.
      out += html ? html[0] : "&#60;";
      i += html ? html[0].length : 1;
      continue;
    }
    if (unpaired.has(i)) {
      out += `&#${c.charCodeAt(0)};`;
      i += 1;
      continue;
    }
    const link = /^\[([^\]]*)\]\(([^()\s]*)\)/.exec(rest);
    // After `]`, Cheapskate reads `[a][b]` as a reference link, so `(url)` stays plain text.
    if (c === "[" && link && !out.endsWith("]")) {
      out += `[${userText(link[1]!)}](${link[2]})`;
      i += link[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9]+/.exec(rest)?.[0];
    if (word !== undefined) {
      const afterColon = i + word.length + 1;
      const end = uriEnd(text, afterColon);
      if (SCHEMES.has(word) && text[i + word.length] === ":" && end > afterColon) {
        let uri = text.slice(i, end);
        let trailing = "";
        if (/[.;?!:,]$/.test(uri)) {
          trailing = uri.slice(-1);
          uri = uri.slice(0, -1);
        }
        out += `<${uri}>${trailing}`;
        i = end;
        continue;
      }
      out += word;
      i += word.length;
      continue;
    }
    if (/\s/.test(c)) {
      out += " ";
      i += /^\s+/.exec(rest)![0].length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}
