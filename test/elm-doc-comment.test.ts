/**
 * Doc comments of the Elm emitter in elm-format's Markdown form (emitters/elm/doc-comment.ts).
 * test/elm-format.test.ts checks the same functions against the real elm-format on random text;
 * these cases pin down what the escaping does with text users write.
 */
import { describe, expect, it } from "vitest";
import { bullets, docComment, paragraph, userParagraphs, userText } from "../emitters/elm/doc-comment.js";

describe("elm doc comments", () => {
  it("escapes Markdown in plain text and keeps code spans, links and autolinks", () => {
    expect(userText("publish_at and *stars* and a\\b")).toBe("publish\\_at and \\*stars\\* and a\\\\b");
    expect(userText("use `reply_to` or ``a`b``")).toBe("use `reply_to` or `` a`b ``");
    expect(userText("see [the docs](https://x.org/a_b) or https://x.org/c_d.")).toBe(
      "see [the docs](https://x.org/a_b) or <https://x.org/c_d>.",
    );
    expect(userText("an <b>html</b> tag, <https://e.x>, a < b")).toBe("an <b>html</b> tag, <https://e.x>, a &#60; b");
    expect(userText("tabs\tand   spaces")).toBe("tabs and spaces");
    expect(userText("ends -} and {- starts")).toBe("ends - } and { - starts");
  });

  it("keeps brackets that pair up and encodes the others", () => {
    expect(userText("defaults to [1, 2]")).toBe("defaults to [1, 2]");
    expect(userText("an open [ bracket")).toBe("an open &#91; bracket");
    expect(userText("escaped \\[x\\]")).toBe("escaped &#91;x&#93;");
  });

  it("keeps a line from starting a Markdown block", () => {
    expect(userParagraphs(["First line", "- not a list", "# not a header", "1. not numbered", "> no quote"])).toEqual([
      paragraph("First line", "&#45; not a list", "&#35; not a header", "1&#46; not numbered", "&#62; no quote"),
    ]);
  });

  it("puts a blank line before -} when the comment has several blocks", () => {
    expect(docComment([paragraph("One.")])).toEqual(["{-| One.", "-}"]);
    expect(docComment([paragraph("One."), bullets([{ text: "`a`: b", sub: ["`c`: d"] }])])).toEqual([
      "{-| One.",
      "",
      "  - `a`: b",
      "      - `c`: d",
      "",
      "-}",
    ]);
    expect(docComment([paragraph(), bullets([])])).toEqual([]);
    expect(userParagraphs(["a", "", "", "b"])).toEqual([paragraph("a"), paragraph("b")]);
  });
});
