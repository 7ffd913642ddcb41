// The bounds in limits.ts cap each field, but their sum (every list full, every string
// at its bound, and `<`/`>`/`&` escaped to six characters each) exceeds what a GitHub
// comment can hold (65,536). A comment GitHub refuses would lose the run's state, so the
// encoder sheds the least useful content, step by step, until the record fits. Pinned
// configuration, ids, verdicts and budgets are never shed: the run depends on them.

import { toBounded } from "./limits.js";
import type { CheckFailure, RunRecord, StageState } from "./run-types.js";

/** Entries kept when history or resumptions must shrink. */
const KEPT_WHEN_SHEDDING = 3;
/** Agent text is cut to this when even that must shrink. */
const AGENT_TEXT_WHEN_SHEDDING = 300;

function mapStages(record: RunRecord, f: (stage: StageState) => StageState): RunRecord {
  const { ci, deploy, rollout } = record.stages;
  const map = (stage: StageState | null) => (stage === null ? null : f(stage));
  return { ...record, stages: { ci: map(ci), deploy: map(deploy), rollout: map(rollout) } };
}

function mapFailures(record: RunRecord, f: (failure: CheckFailure) => CheckFailure): RunRecord {
  return mapStages(record, (stage) => ({ ...stage, failures: stage.failures.map(f) }));
}

function shortenAgentText(record: RunRecord): RunRecord {
  const cut = (text: string) => toBounded(text, AGENT_TEXT_WHEN_SHEDDING);
  const e = record.escalation;
  const escalation = e === null ? null : { ...e, agentSaid: e.agentSaid === null ? null : cut(e.agentSaid) };
  const status = record.agentStatus;
  const agentStatus =
    status?.kind === "blocked"
      ? { ...status, question: cut(status.question) }
      : status?.kind === "gave-up"
        ? { ...status, why: cut(status.why) }
        : status;
  return { ...record, escalation, agentStatus };
}

/** Least useful first: the checklist and the machine lose the least at each step. */
const SHEDDING_STEPS: readonly ((record: RunRecord) => RunRecord)[] = [
  (r) => ({ ...r, history: r.history.slice(-KEPT_WHEN_SHEDDING) }),
  (r) => mapFailures(r, (f) => ({ ...f, logTail: null })),
  (r) => mapFailures(r, (f) => ({ ...f, summary: null })),
  (r) => ({ ...r, resumptions: r.resumptions.slice(-KEPT_WHEN_SHEDDING) }),
  shortenAgentText,
  (r) => mapFailures(r, (f) => ({ ...f, url: null })),
  (r) => mapStages(r, (s) => ({ ...s, detail: null })),
  (r) => mapStages(r, (s) => ({ ...s, failures: s.failures.slice(0, 1) })),
  (r) => ({
    ...r,
    queuedReason:
      r.queuedReason?.kind === "blocked"
        ? {
            ...r.queuedReason,
            by: r.queuedReason.by.slice(0, KEPT_WHEN_SHEDDING),
            unreadable: r.queuedReason.unreadable.slice(0, KEPT_WHEN_SHEDDING),
          }
        : r.queuedReason,
  }),
  (r) => ({ ...r, history: [] }),
];

/** The record itself when it fits, else the record with content shed until it fits (or nothing is left to shed). */
export function toFittedRecord(record: RunRecord, fits: (record: RunRecord) => boolean): RunRecord {
  let fitted = record;
  for (const shed of SHEDDING_STEPS) {
    if (fits(fitted)) return fitted;
    fitted = shed(fitted);
  }
  return fitted;
}
