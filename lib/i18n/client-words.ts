import type { MessageKey } from "./messages/en";

// The messages each client component shows, by key: the server formats them (pick() in
// lib/i18n/index.ts) and passes the strings as a prop, so the browser gets a few words, not a
// catalog. Kept apart from the components: a "use client" module's exports are references on the server.

export const COMMENT_FORM_WORDS = [
  "form.leave",
  "form.website",
  "form.comment",
  "form.placeholder",
  "form.markdown",
  "form.name",
  "form.email",
  "form.emailNote",
  "form.notify",
  "form.preview",
  "form.post",
  "form.posting",
  "form.rendering",
  "form.cancel",
] as const satisfies readonly MessageKey[];

/** A reply form's words also name whom it answers: "Reply to Ada", "Your reply to Ada". */
export type CommentFormWords = Record<(typeof COMMENT_FORM_WORDS)[number], string> &
  Partial<Record<"form.replyTo" | "form.replyPlaceholder", string>>;

export const EDIT_FORM_WORDS = [
  "form.editLabel",
  "form.saveEdit",
  "form.saving",
  "form.done",
  "form.cancel",
] as const satisfies readonly MessageKey[];
export type EditFormWords = Record<(typeof EDIT_FORM_WORDS)[number], string>;

export const FOLLOW_FORM_WORDS = [
  "follow.discussion",
  "follow.discussionButton",
  "follow.articles",
  "follow.articlesButton",
  "follow.placeholder",
  "follow.sending",
] as const satisfies readonly MessageKey[];
export type FollowFormWords = Record<(typeof FOLLOW_FORM_WORDS)[number], string>;

export const BLOCK_FORM_WORDS = [
  "admin.block.heading",
  "admin.block.block",
  "admin.block.word",
  "admin.block.domain",
  "admin.block.name",
  "admin.block.address",
  "admin.block.browser",
  "admin.block.value",
  "admin.block.suchAre",
  "admin.block.queue",
  "admin.block.refuse",
  "admin.block.shadow",
  "admin.block.for",
  "admin.block.forGood",
  "moderate.day",
  "moderate.week",
  "moderate.month",
  "moderate.year",
  "admin.block.note",
  "admin.block.add",
  "admin.block.adding",
] as const satisfies readonly MessageKey[];
export type BlockFormWords = Record<(typeof BLOCK_FORM_WORDS)[number], string>;

/** The error pages' (app/error.tsx, app/admin/error.tsx): the layout hands them down, as error pages are client components. */
export const ERROR_WORDS = [
  "error.heading",
  "error.text",
  "error.latest",
  "error.retry",
  "error.reference",
  "admin.errorHeading",
  "admin.errorText",
  "admin.errorLink",
] as const satisfies readonly MessageKey[];
