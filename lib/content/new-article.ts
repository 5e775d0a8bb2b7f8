import fs from "node:fs";
import path from "node:path";
import { site } from "../site";
import { slugify } from "../slug";

/** Front matter and a first line for a new article: valid as it stands, and a draft. */
export function newArticleText(title: string, today: string): string {
  // JSON strings are valid YAML strings, so any title (quotes, colons, #) stays one value.
  return `---
title: ${JSON.stringify(title)}
description: ${JSON.stringify(`TODO: one or two sentences about ${title}, for the index, search and social cards.`)}
author: ${JSON.stringify(site.author.name)}
date: ${today}
tags: []
draft: true        # remove when it is ready to publish
---

Start writing here.
`;
}

/** Writes `<dir>/<slug>.md` for a title and returns its path; never overwrites a file. */
export function createArticle(title: string, options: { dir: string; today?: string }): string {
  const trimmed = title.trim();
  const slug = slugify(trimmed);
  if (!slug) throw new Error("the title needs at least one letter or digit to name the file");
  const file = path.join(options.dir, `${slug}.md`);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  try {
    fs.writeFileSync(file, newArticleText(trimmed, today), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new Error(`${path.relative(process.cwd(), file)} already exists`);
    throw error;
  }
  return file;
}
