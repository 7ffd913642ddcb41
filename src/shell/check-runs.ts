// Looks at each run's issue, thread and doorbell and brings them in line with its record
// (DESIGN 1.2 and 1.4): a change a person made that afk did not hear about (a missed
// webhook) becomes the run's event (core/run/decide-drift.ts); what afk itself left
// half-done (it died between two writes) is finished (core/run/converge.ts).

import { findLatestLabeling } from "../core/dispatch/find-latest-labeling.js";
import type { Issue } from "../core/common/github-types.js";
import { isReadAfter, type ThreadFact } from "../core/observe/agent-threads.js";
import { toConvergence } from "../core/run/converge.js";
import type { Effect } from "../core/run/effect.js";
import { decideDrift, type IssueView } from "../core/run/decide-drift.js";
import { toPeopleAfterEnd, type PeopleAfterEnd } from "../core/run/people-after-end.js";
import { isTerminal } from "../core/run/run-record.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import { advanceRun, applyTransition, type AdvanceResult } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import type { AgentFacts } from "./observers.js";
import { toRunDeps } from "./run-deps.js";
import { loadRun } from "./load-run.js";
import { orThrow } from "./step-error.js";

/** What the reconcile listed of a repo's open issues, by afk's labels. */
export interface ListedIssues {
  readonly ready: readonly Issue[];
  readonly human: readonly Issue[];
}

/** The thread of the run as T3 showed it, when the facts were read after the run's turn started. */
function toThread(record: RunRecord, facts: AgentFacts | null): ThreadFact | null | undefined {
  if (facts === null || !isReadAfter(facts.readAt, record.turn?.startedAt ?? record.dispatchedAt ?? 0))
    return undefined;
  return facts.overview.threads.find((thread) => thread.id === record.threadId) ?? null;
}

/** The issue as listed, or null when the lists say it changed (it must be read afresh). */
function toListedView(record: RunRecord, listed: ListedIssues): IssueView | null {
  const find = (issues: readonly Issue[]) => issues.find((issue) => issue.number === record.issue);
  const found = record.phase === "escalated" ? find(listed.human) : find(listed.ready);
  return found === undefined ? null : { state: "open", labels: found.labels };
}

/** The run after a check, and whether the check acted on it (then the issue as listed before is stale). */
export type CheckResult = AdvanceResult & { readonly acted: boolean };

/**
 * The run as its progress comment holds it, when a write of afk's failed since the last
 * look: it may have landed all the same, and the comment, not memory, is the record. Not
 * when the index holds what the comment never got (a follow-up only afk knows, such as
 * the doorbell's ts; advance-run.ts): the check writes that instead.
 */
async function toRecordOnGitHub(afk: AfkService, issues: IssueTracker, record: RunRecord): Promise<RunRecord> {
  const known = afk.index.get(record.repo, record.issue);
  if (known?.needsCheck !== true || known.unwritten) return record;
  const loaded = orThrow(
    await loadRun(issues, record.repo, record.issue, afk.deps.appId),
    "reading the progress comment",
  );
  if (loaded.kind !== "found") return record;
  const { commentId, notices } = loaded;
  afk.index.load(record.repo, record.issue, { record: loaded.record, commentId, notices }, true);
  return loaded.record;
}

/** Checks one run; a fresh read of its issue when `view` is null. */
export async function checkRun(
  afk: AfkService,
  issues: IssueTracker,
  held: RunRecord,
  view: IssueView | null,
  facts: AgentFacts | null,
): Promise<CheckResult> {
  const record = await toRecordOnGitHub(afk, issues, held);
  const deps = toRunDeps(afk, issues, record);
  let issue = view;
  let readyLabeledAt: number | null = null;
  let peopleAfterEnd: PeopleAfterEnd | null = null;
  if (issue === null) {
    const read = orThrow(await issues.getIssue(record.repo, record.issue), "reading the issue");
    const events = orThrow(await issues.listIssueEvents(record.repo, record.issue), "reading the issue's events");
    issue = { state: read.state, labels: read.labels };
    const { ready, human } = afk.config.labels;
    const drift = decideDrift({ record, issue, events, self: afk.self, labels: { ready, human } });
    if (drift !== null) return { ...(await advanceRun(record, drift, deps)), acted: true };
    readyLabeledAt = findLatestLabeling(events, ready)?.at ?? null;
    peopleAfterEnd = toPeopleAfterEnd(record, events, afk.self);
  }
  const known = afk.index.get(record.repo, record.issue);
  const thread = toThread(record, facts);
  const unwritten: Effect[] = known?.unwritten === true ? [{ kind: "UpsertProgressComment", record }] : [];
  const converging = toConvergence({
    record,
    issue,
    readyLabeledAt,
    peopleAfterEnd,
    notices: known?.notices ?? null,
    thread,
    now: afk.deps.clock(),
    config: afk.config,
  });
  const effects = [...unwritten, ...converging];
  if (converging.length > 0)
    deps.log.info({ effects: effects.map((effect) => effect.kind) }, "finishing what the run left undone");
  // Applied whole, the effects clear the mark: the index then holds what the issue shows.
  const applied = await applyTransition(record, record, effects, deps);
  // Finished only once T3 was seen too: a stopped run's agent may still be at work, and
  // only facts as fresh as its turn say so (until then the run keeps its repo).
  const sawAgent = thread !== undefined || afk.deps.agent === null || record.turn === null;
  if (applied.ok && known?.needsCheck === true) {
    const commentId = afk.index.get(record.repo, record.issue)?.commentId ?? known.commentId;
    afk.index.setRecord(applied.record, commentId, !sawAgent);
  }
  return { ...applied, acted: effects.length > 0 };
}

/**
 * Whether the run is looked at: every run under way, and an ended one afk may not have
 * finished. A run whose issue the agent's own commit closed is out of the open lists: it
 * is read afresh each time, so that a person's removal of the ready label is seen.
 */
function isWatched(record: RunRecord, needsCheck: boolean): boolean {
  return isTerminal(record.phase) ? needsCheck : true;
}

/** What checking a repo's runs came to. */
export interface RepoCheck {
  /** What failed, if anything. */
  readonly failed: string[];
  /**
   * The issues of ended runs the check acted on, or may have (a ship's close, a cancel's
   * labels): the lists read before it show them as they were, ready label included.
   */
  readonly finished: ReadonlySet<number>;
}

/** Checks every run of the repo afk holds. */
export async function checkRepoRuns(
  afk: AfkService,
  repo: string,
  issues: IssueTracker,
  listed: ListedIssues,
  facts: AgentFacts | null,
): Promise<RepoCheck> {
  const failed: string[] = [];
  const finished = new Set<number>();
  for (const [, entry] of afk.index.entriesOf(repo)) {
    const record = entry.record;
    if (record === null || record.repo !== repo || !isWatched(record, entry.needsCheck)) continue;
    const view = entry.needsCheck ? null : toListedView(record, listed);
    let acted = true;
    try {
      const checked = await checkRun(afk, issues, record, view, facts);
      acted = checked.acted;
      if (!checked.ok) failed.push(`checking #${record.issue}`);
    } catch (error) {
      failed.push(`checking #${record.issue}: ${(error as Error).message}`);
    }
    const now = afk.index.get(repo, record.issue)?.record ?? record;
    if (acted && isTerminal(now.phase)) finished.add(record.issue);
  }
  return { failed, finished };
}
