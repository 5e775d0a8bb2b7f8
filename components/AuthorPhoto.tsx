import { Img } from "./Img";

/** The author's initials, at most two ("Ada Lovelace" → "AL"). */
function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  return (words.length > 1 ? [words[0], words.at(-1)!] : words).map((word) => [...word][0].toUpperCase()).join("");
}

/**
 * An author's portrait (`photo:` in authors.yml), or their initials on the accent colour when they
 * have none. Decoration: their name stands beside it.
 */
export function AuthorPhoto({
  name,
  photo,
  size,
  eager = false,
}: {
  name: string;
  photo?: string;
  size: number;
  /** At the top of the page: loaded at once rather than when scrolled to. */
  eager?: boolean;
}) {
  if (!photo)
    return (
      <span
        className="author-photo author-initials"
        style={{ width: size, height: size, fontSize: size * 0.38 }}
        aria-hidden="true"
      >
        {initials(name)}
      </span>
    );
  return (
    <Img
      className="author-photo"
      src={photo}
      alt=""
      width={size}
      height={size}
      loading={eager ? "eager" : "lazy"}
      unoptimized={photo.endsWith(".svg")}
    />
  );
}
