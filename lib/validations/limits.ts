// The comment limits, apart from the schema so client components can show them without bundling
// the markdown parser that the schema uses to count links.
export const NAME_MAX = 80;
export const BODY_MAX = 5_000;
export const LINKS_MAX = 5;
