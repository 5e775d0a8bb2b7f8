import type { TocEntry } from "@/lib/content/markdown";

type Node = TocEntry & { children: TocEntry[] };

/** h2 sections with their h3s nested; an h3 before any h2 stands on its own. */
function nest(entries: TocEntry[]): Node[] {
  const nodes: Node[] = [];
  for (const entry of entries) {
    const parent = nodes.at(-1);
    if (entry.depth === 3 && parent?.depth === 2) parent.children.push(entry);
    else nodes.push({ ...entry, children: [] });
  }
  return nodes;
}

/**
 * Links to the article's sections; shown when there are at least two to move between. Folded above
 * the text on a phone, so its reader meets the article first; beside the text on a wide screen,
 * where design.css keeps it open, hides the fold's button and shows the heading instead (a `<details>`
 * merely forced open would still take a Tab stop and be announced as "collapsed").
 */
export function TableOfContents({ entries, heading }: { entries: TocEntry[]; heading: string }) {
  if (entries.length < 2) return null;
  return (
    <nav className="toc" aria-labelledby="toc-heading">
      <details className="toc-inner">
        <summary>{heading}</summary>
        <h2 id="toc-heading">{heading}</h2>
        <ol>
          {nest(entries).map((node) => (
            <li key={node.id}>
              <a href={`#${node.id}`}>{node.text}</a>
              {node.children.length > 0 && (
                <ol>
                  {node.children.map((child) => (
                    <li key={child.id}>
                      <a href={`#${child.id}`}>{child.text}</a>
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
      </details>
    </nav>
  );
}
