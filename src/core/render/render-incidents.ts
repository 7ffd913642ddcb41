// What the progress comment says of the incidents beside a run's progress: a doorbell
// that could not ring, observers failing for a while, the issue closed by the agent's own
// commit. Each line says what afk does about it.

import { toShortSha } from "../common/text.js";
import type { ObserverName, RunRecord } from "../run/run-types.js";
import { escapeMarkdown } from "./render-markdown.js";
import { toIsoTime } from "./render-time.js";

const OBSERVED: Readonly<Record<ObserverName, string>> = {
  agent: "the agent's thread in T3",
  commits: "the default branch's commits",
  ci: "CI",
  deploy: "the deploy pipeline",
  rollout: "the rollout",
};

const REASON_SHOWN_CHARS = 300;

export function renderIncidents(record: RunRecord): string {
  const lines: string[] = [];
  if (record.closedByCommit !== null)
    lines.push(
      `- The issue was closed by commit \`${toShortSha(record.closedByCommit)}\` (a closing keyword in the agent's push); afk follows it to production and reopens the issue if a human is needed.`,
    );
  const failure = record.doorbellFailure;
  if (failure !== null && record.doorbell === null)
    lines.push(
      `- The Slack doorbell could not ring: ${escapeMarkdown(failure.reason, REASON_SHOWN_CHARS)}. afk keeps trying (${failure.attempts} ${failure.attempts === 1 ? "try" : "tries"}, the last at ${toIsoTime(failure.at)}); the issue carries the escalation meanwhile.`,
    );
  for (const problem of record.problems.filter((candidate) => candidate.told))
    lines.push(
      `- afk cannot read ${OBSERVED[problem.what]} since ${toIsoTime(problem.since)}: ${escapeMarkdown(problem.message, REASON_SHOWN_CHARS)}. It keeps trying at every sweep.`,
    );
  return lines.length === 0 ? "" : ["**Heads-up:**", ...lines].join("\n");
}
