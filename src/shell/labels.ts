// afk's three labels (DESIGN section 5), created in a repo where they are missing, with a
// colour and a description so people see what each means: at start-up in every enrolled
// repo (start-up.ts), and for a repo enrolled or installed since, or whose start-up
// attempt failed, on afk's first use of it: a dispatch begins this once T3 has the run
// (dispatch-run.ts), so nothing before T3's commands waits for it, and the lock label
// waits for it only then.

import type { OperatorConfig } from "../core/config/config-types.js";
import type { IssueTracker, LabelSpec } from "../ports/issue-tracker.js";
import { OK_VOID, type Result } from "../ports/result.js";

export function toLabelSpecs(config: Pick<OperatorConfig, "labels">): LabelSpec[] {
  return [
    {
      name: config.labels.ready,
      color: "0e8a16",
      description: "Hand this issue to the afk agent (a trusted person applies it)",
    },
    {
      name: config.labels.inProgress,
      color: "fbca04",
      description: "afk: an agent is working on this issue (the repo's lock)",
    },
    {
      name: config.labels.human,
      color: "d93f0b",
      description: "afk: the run is stuck and waits for a human; see the progress comment",
    },
  ];
}

/**
 * Creates afk's labels in `repo` once per process (a repo that already has them costs one
 * read of its labels, which the three share). Callers at the same time share one attempt;
 * a failed one is forgotten, so the next use tries again.
 */
export function ensureLabels(
  issues: IssueTracker,
  repo: string,
  config: Pick<OperatorConfig, "labels">,
  ensured: Map<string, Promise<Result<void>>>,
): Promise<Result<void>> {
  const key = repo.toLowerCase();
  const known = ensured.get(key);
  if (known !== undefined) return known;
  const made = (async (): Promise<Result<void>> => {
    const results = await Promise.all(toLabelSpecs(config).map((label) => issues.ensureLabel(repo, label)));
    const failed = results.find((result) => !result.ok);
    if (failed === undefined) return OK_VOID;
    ensured.delete(key);
    return failed;
  })();
  ensured.set(key, made);
  return made;
}
