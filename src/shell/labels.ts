// afk's three labels (DESIGN section 5), created in a repo the first time afk needs them
// there, with a colour and a description so people see what each means.

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

/** Creates afk's labels in `repo` once per process (a repo that already has them costs one read each). */
export async function ensureLabels(
  issues: IssueTracker,
  repo: string,
  config: Pick<OperatorConfig, "labels">,
  ensured: Set<string>,
): Promise<Result<void>> {
  if (ensured.has(repo)) return OK_VOID;
  for (const label of toLabelSpecs(config)) {
    const made = await issues.ensureLabel(repo, label);
    if (!made.ok) return made;
  }
  ensured.add(repo);
  return OK_VOID;
}
