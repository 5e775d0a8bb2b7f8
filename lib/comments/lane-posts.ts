import "server-only";
import { stampedClientAddress } from "../server/client-address";
import { setPostAnswerer } from "../server/post-lane";
import { answerApiPost } from "./api-post";
import { answerFormPost } from "./form-post";

// The posts server.ts's lane takes (lib/server/post-lane.ts), answered by the comments: the form
// posted without JavaScript by lib/comments/form-post.ts, the JSON API by lib/comments/api-post.ts.

/** For instrumentation.ts, once per process. */
export function serveCommentPosts(): void {
  setPostAnswerer((post) =>
    post.kind === "form"
      ? answerFormPost(post.headers, post.form, post.slug)
      : answerApiPost(post.headers, post.body, post.slug, stampedClientAddress(post.headers) ?? "unknown").then(
          (answer) => ({ answer }),
        ),
  );
}
