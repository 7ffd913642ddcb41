// An issue's blockers (DESIGN section 3): GitHub's native "blocked by" dependencies
// plus the `Blocked by` clauses of its body, each once. A body reference whose state
// afk could not read is `unknown`, which the policy treats as open (fail closed).

import type { Blocker, IssueRef } from "../common/github-types.js";

export function toRefKey(ref: IssueRef): string {
  return `${ref.repo.toLowerCase()}#${ref.number}`;
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
