import { REPLY_PATH, THUMB_PATH } from "@/lib/comments/html";

// The same icons lib/comments/html.ts writes as strings: drawn inline, hidden from screen readers.
function Icon({ path }: { path: string }) {
  return (
    <svg
      className="icon"
      aria-hidden="true"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={path} />
    </svg>
  );
}

export const ThumbIcon = () => <Icon path={THUMB_PATH} />;
export const ReplyIcon = () => <Icon path={REPLY_PATH} />;
