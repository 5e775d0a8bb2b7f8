import { Parser, type DefaultTreeAdapterMap, type DefaultTreeAdapterTypes, type Token } from "parse5";

// parse5 (the parser behind rehype-parse) with bounds the HTML standard does not have, for the
// comments of other systems (issue 24). Read as the standard says, 50 KB of
// `<p><b class="cN">x</p>` took 5 s and made two million elements (each paragraph reopens every
// unclosed `<b>` before it), and `<div>` × 80,000 cost far more than 4× `<div>` × 20,000. Bounded,
// a tag past either bound opens nothing and its text stays, as a browser-made tree of such input
// is of no use to a reader anyway. One rule differs from a browser's on purpose: a link inside a
// link (invalid HTML) is text of the outer one, as the importers always read it, where a browser
// closes the outer link first.
//
// This is the one place that uses parse5's internals (its `onStartTag`, its stack's `depth`, its
// list of formatting elements, all marked @internal): tests/unit/import-cost.test.ts fails if an
// upgrade changes them.

/** Elements open at once (parse5 counts its root among them); deeper start tags open nothing. */
export const MAX_OPEN_ELEMENTS = 100;
/** Formatting elements (`<b>`, `<a>`…) the parser keeps to reopen; more open nothing. */
export const MAX_FORMATTING_ELEMENTS = 4;

/** Start tags that open no nesting: void elements, and those whose content is text (scripting off). */
const HOLDS_NO_TAGS = new Set(
  "area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr script style textarea title xmp iframe noembed noframes plaintext".split(
    " ",
  ),
);
const FORMATTING = new Set("a b big code em font i nobr s small strike strong tt u".split(" "));

class BoundedParser extends Parser<DefaultTreeAdapterMap> {
  override onStartTag(token: Token.TagToken): void {
    if (token.tagName === "a" && this.activeFormattingElements.getElementEntryInScopeWithTagName("a")) return;
    if (!HOLDS_NO_TAGS.has(token.tagName) && this.openElements.depth >= MAX_OPEN_ELEMENTS) return;
    if (FORMATTING.has(token.tagName) && this.formattingElements() >= MAX_FORMATTING_ELEMENTS) return;
    super.onStartTag(token);
  }

  /** The formatting elements since the last marker (a table cell's start), up to the bound. */
  private formattingElements(): number {
    let count = 0;
    for (let entry = this.activeFormattingElements.newest; entry && "element" in entry; entry = entry.older) {
      if (++count === MAX_FORMATTING_ELEMENTS) break;
    }
    return count;
  }
}

/** `html` as a fragment (a comment's body), read as a browser does with scripting off, bounded. */
export function parseHtml(html: string): DefaultTreeAdapterTypes.ChildNode[] {
  const parser = BoundedParser.getFragmentParser<DefaultTreeAdapterMap>(null, { scriptingEnabled: false });
  parser.tokenizer.write(html, true);
  // The nodes under the parser's root element, as parse5's getFragment() would move them one by one.
  return (parser.document.childNodes[0] as DefaultTreeAdapterTypes.Element).childNodes;
}
