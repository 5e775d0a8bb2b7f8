import { siteLogo } from "@/lib/content/site-icon";

// The site's mark beside its name in the header. An author makes it theirs with a file named
// logo.svg, logo.png or logo.webp in content/ (read while the site runs, like the articles), or
// with their icon (lib/content/site-icon.ts) when they have no logo; without either, Marginalia's
// mark (public/icons/marginalia.svg) is drawn here in the page's colours, so the header costs no
// request.
export function SiteLogo() {
  const src = siteLogo();
  // Decoration: the site's name is the link's text.
  // eslint-disable-next-line @next/next/no-img-element -- a small mark of any format, shown as it is
  if (src) return <img className="site-logo" src={src} alt="" width={28} height={28} />;
  return (
    <svg className="site-logo" viewBox="0 0 32 32" width={28} height={28} aria-hidden="true">
      <rect width="32" height="32" rx="6" fill="var(--accent)" />
      <g fill="var(--bg)">
        <rect x="5" y="7" width="14" height="3" rx="1" />
        <rect x="5" y="12.5" width="14" height="3" rx="1" />
        <rect x="5" y="18" width="14" height="3" rx="1" />
        <rect x="5" y="23.5" width="9" height="3" rx="1" />
      </g>
      <g fill="#fbe6a2">
        <rect x="22" y="7" width="5" height="3" rx="1" />
        <rect x="22" y="12.5" width="3.5" height="3" rx="1" />
      </g>
    </svg>
  );
}
