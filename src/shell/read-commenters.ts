// Who commented on an escalated issue while its run waited for a human (DESIGN section 4):
// the resume turn names each author with their standing, so the agent can tell a trusted
// person's instructions apart from text it must treat as data. afk's own comments are
// not counted; each author's role is read once (and cached like every role).

import type { Issue } from "../core/common/github-types.js";
import type { RepoOwner } from "../core/dispatch/dispatch-types.js";
import { COMMENTERS_MAX } from "../core/run/limits.js";
import type { Commenter } from "../core/run/run-types.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import type { AfkService } from "./afk-service.js";
import { readActorTrust } from "./read-ready.js";
import { orThrow } from "./step-error.js";

export async function readCommenters(
  afk: AfkService,
  issue: Issue,
  since: number,
  owner: RepoOwner,
  issues: IssueTracker,
): Promise<Commenter[]> {
  const comments = orThrow(await issues.listComments(issue.repo, issue.number), "reading the new comments");
  const counts = new Map<string, { readonly author: NonNullable<(typeof comments)[number]["author"]>; n: number }>();
  for (const comment of comments) {
    if (comment.createdAt < since || comment.author === null || comment.appId === afk.deps.appId) continue;
    const key = comment.author.login.toLowerCase();
    const known = counts.get(key);
    if (known !== undefined) known.n += 1;
    else if (counts.size < COMMENTERS_MAX) counts.set(key, { author: comment.author, n: 1 });
  }
  const commenters: Commenter[] = [];
  for (const { author, n } of counts.values()) {
    const trust = await readActorTrust(afk, issue.repo, author, owner, issues);
    commenters.push({ login: author.login, standing: trust.standing, trusted: trust.trusted, comments: n });
  }
  return commenters;
}
