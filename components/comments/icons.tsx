import { ICONS, iconId } from "@/lib/comments/html";

// The icons of the comments, drawn once in the section (IconSprite) and used by reference, as
// lib/comments/html.ts writes them.

/** The drawings every icon of the section refers to. */
export function IconSprite() {
  return (
    <svg className="icon-sprite" aria-hidden="true">
      {(Object.keys(ICONS) as (keyof typeof ICONS)[]).map((name) => (
        <symbol
          key={name}
          id={iconId(name)}
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d={ICONS[name]} />
        </symbol>
      ))}
    </svg>
  );
}

function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg className="icon" aria-hidden="true" width="16" height="16">
      <use href={`#${iconId(name)}`} />
    </svg>
  );
}

export const ThumbIcon = () => <Icon name="thumb" />;
export const ReplyIcon = () => <Icon name="reply" />;
