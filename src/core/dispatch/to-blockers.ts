// An issue's blockers (DESIGN section 3): GitHub's native "blocked by" dependencies
// plus the `Blocked by` clauses of its body, each once. A body reference whose state
// afk could not read is `unknown`, which the policy treats as open (fail closed).

import type { Blocker, Issue, IssueRef } from "../common/github-types.js";
import { parseBlockers } from "./parse-blockers.js";

/** Blockers afk reads per issue, native and body together; a body naming more is said so. */
export const BLOCKERS_READ_MAX = 20;

export function toRefKey(ref: IssueRef): string {
  return `${ref.repo.toLowerCase()}#${ref.number}`;
}

/** The same issue, whatever the case of its repo's name. */
export function isSameIssue(a: IssueRef, b: IssueRef): boolean {
  return a.number === b.number && toRefKey(a) === toRefKey(b);
}

/** The `Blocked by` references of the issue's body; an issue never blocks itself. */
export function toBodyBlockerRefs(issue: Pick<Issue, "repo" | "number" | "body">): IssueRef[] {
  return parseBlockers(issue.body, issue.repo).filter(
    (ref) => !isSameIssue(ref, { repo: issue.repo, number: issue.number }),
  );
}

export function toBlockers(
  native: readonly Blocker[],
  bodyRefs: readonly IssueRef[],
  states: ReadonlyMap<string, Blocker["state"]>,
): Blocker[] {
  const blockers = new Map<string, Blocker>();
  for (const blocker of native) blockers.set(toRefKey(blocker), { ...blocker, repo: blocker.repo.toLowerCase() });
  for (const ref of bodyRefs) {
    const key = toRefKey(ref);
    if (!blockers.has(key))
      blockers.set(key, { repo: ref.repo.toLowerCase(), number: ref.number, state: states.get(key) ?? "unknown" });
  }
  return [...blockers.values()];
}
