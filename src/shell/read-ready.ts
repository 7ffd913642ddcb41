// What the reconciler reads about a repo's ready issues (DESIGN sections 3–5): each
// issue's run record, who applied the ready label and whether afk trusts them, and its
// blockers. Reads only, except for an unreadable record, which is escalated (E4) here.

import type { Actor, Blocker, Issue, Role } from "../core/common/github-types.js";
import { toRetryTrust } from "../core/dispatch/decide-retry-trust.js";
import { decideApproval, type TrustedEdit } from "../core/dispatch/decide-approval.js";
import { decideTrust, needsRoleLookup } from "../core/dispatch/decide-trust.js";
import type { ReadyIssue, RepoOwner, TrustDecision } from "../core/dispatch/dispatch-types.js";
import { findLatestLabeling, isLabelingSuperseded } from "../core/dispatch/find-latest-labeling.js";
import { BLOCKERS_READ_MAX, toBlockers, toBodyBlockerRefs, toRefKey } from "../core/dispatch/to-blockers.js";
import { toLostAttempt, toUsedAttempts } from "../core/dispatch/attempts.js";
import type { ThreadFact } from "../core/observe/agent-threads.js";
import { escalateLost } from "../core/run/run-escalate.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import { applyTransition } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { loadRun } from "./load-run.js";
import { toRunDeps } from "./run-deps.js";
import { orThrow } from "./step-error.js";

/**
 * What a labeled delivery knows about the labeling, so the events lookup is skipped, and
 * its own copy of the task, which is what the labeler saw and approved.
 */
export interface LabelHint {
  readonly issue: number;
  readonly labeler: Actor;
  /** When the delivery says the label went on (`issue.updated_at`); null or absent: afk's clock. */
  readonly at?: number | null;
  /** The fingerprint of the title and body the delivery carried; null or absent when it had none. */
  readonly task?: string | null;
  /** The issue's comment count as the delivery saw it: 0 spares reading its comments ahead. */
  readonly comments?: number | null;
  /** How many issues natively blocked it as the delivery saw it: 0 spares reading its blockers ahead. */
  readonly blockedBy?: number | null;
}

/** An `issues.edited` delivery: a trusted editor's copy of the task is pinned again. */
export interface EditHint {
  readonly issue: number;
  readonly editor: Actor;
  readonly at: number | null;
  readonly task: string | null;
}

export type IssueHint = LabelHint | EditHint;

function toLabelHint(hint: IssueHint | null, issue: number): LabelHint | null {
  return hint !== null && "labeler" in hint && hint.issue === issue ? hint : null;
}

export async function readRepoFacts(afk: AfkService, repo: string, issues: IssueTracker): Promise<RepoFacts> {
  const cached = afk.repoFacts.get(repo);
  if (cached !== undefined) return cached;
  const facts = orThrow(await issues.getRepo(repo), "reading the repository");
  afk.repoFacts.set(repo, facts);
  return facts;
}

/**
 * The issue's run record (from the index, else from its comments). "escalated" when
 * unreadable: it was escalated (E4) here, as the highest attempt T3 knows of the issue,
 * so a later retry never reuses an attempt's ids.
 */
export async function readRecord(
  afk: AfkService,
  issue: Issue,
  installationId: number,
  issues: IssueTracker,
  threads: () => Promise<readonly ThreadFact[]>,
): Promise<RunRecord | null | "escalated"> {
  const known = afk.index.get(issue.repo, issue.number);
  if (known !== undefined) return known.record;
  // The list just read says the issue has no comment at all: no progress comment, no
  // notice, nothing to read (issue 12).
  if (issue.comments === 0) {
    afk.index.load(issue.repo, issue.number, { record: null, commentId: null, notices: new Set() });
    return null;
  }
  const loaded = orThrow(
    await loadRun(issues, issue.repo, issue.number, afk.deps.appId),
    "reading the progress comment",
  );
  const { notices } = loaded;
  if (loaded.kind === "none") {
    afk.index.load(issue.repo, issue.number, { record: null, commentId: null, notices });
    return null;
  }
  if (loaded.kind === "found") {
    afk.index.load(issue.repo, issue.number, { record: loaded.record, commentId: loaded.commentId, notices });
    return loaded.record;
  }
  const key = { installationId, repo: issue.repo, issue: issue.number };
  const lost = escalateLost({
    ...key,
    attempt: toLostAttempt(toUsedAttempts(key, await threads())),
    now: afk.deps.clock(),
    config: afk.config,
    why: `${loaded.error.kind}: ${loaded.error.message}`,
  });
  afk.index.load(issue.repo, issue.number, { record: null, commentId: loaded.commentId, notices });
  await applyTransition(lost.record, lost.record, lost.effects, toRunDeps(afk, issues, lost.record));
  return "escalated";
}

/**
 * Who applied the ready label last, when, and the copy of the task they saw: the webhook's
 * sender, unless the issue's events show the label taken off or applied again since the
 * delivery (it came late); else the latest labeling in the events, with no copy.
 */
async function readLabeling(
  afk: AfkService,
  issue: Issue,
  issues: IssueTracker,
  hint: IssueHint | null,
): Promise<{ readonly labeler: Actor | null; readonly at: number | null; readonly task: string | null }> {
  const label = toLabelHint(hint, issue.number);
  const ready = afk.config.labels.ready;
  const events = orThrow(await issues.listIssueEvents(issue.repo, issue.number), "finding who applied the ready label");
  if (label !== null && !isLabelingSuperseded(events, ready, { actor: label.labeler, at: label.at ?? null }))
    return { labeler: label.labeler, at: label.at ?? afk.deps.clock(), task: label.task ?? null };
  const latest = findLatestLabeling(events, ready);
  return { labeler: latest?.actor ?? null, at: latest?.at ?? null, task: null };
}

/** Who applied the ready label last, when, and whether afk obeys them. */
export async function readTrust(
  afk: AfkService,
  issue: Issue,
  record: RunRecord | null,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: IssueHint | null,
): Promise<{
  readonly labeler: Actor | null;
  readonly labeledAt: number | null;
  readonly labeledTask: string | null;
  readonly trust: TrustDecision;
}> {
  const { labeler, at: labeledAt, task: labeledTask } = await readLabeling(afk, issue, issues, hint);
  const retry = toRetryTrust(record, labeler);
  if (retry !== null) return { labeler, labeledAt, labeledTask, trust: retry };
  return { labeler, labeledAt, labeledTask, trust: await readActorTrust(afk, issue.repo, labeler, owner, issues) };
}

/** Whether afk obeys `actor` in `repo` (their role read only when it can change the answer). */
export async function readActorTrust(
  afk: AfkService,
  repo: string,
  actor: Actor | null,
  owner: RepoOwner,
  issues: IssueTracker,
): Promise<TrustDecision> {
  const role =
    actor !== null && needsRoleLookup(actor, owner, afk.config) ? await readRole(afk, repo, actor.login, issues) : null;
  return decideTrust({ labeler: actor, role, repoOwner: owner, config: afk.config });
}

/** A trusted or untrusted edit, from the edit delivery this reconcile follows; null without one. */
async function readEdit(
  afk: AfkService,
  issue: Issue,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: IssueHint | null,
): Promise<TrustedEdit | null> {
  if (hint === null || !("editor" in hint) || hint.issue !== issue.number || hint.task === null) return null;
  const trust = await readActorTrust(afk, issue.repo, hint.editor, owner, issues);
  return { by: hint.editor.login, at: hint.at ?? afk.deps.clock(), trust, fingerprint: hint.task };
}

async function readRole(afk: AfkService, repo: string, login: string, issues: IssueTracker): Promise<Role> {
  const key = `${repo}:${login.toLowerCase()}`;
  const cached = afk.roles.get(key);
  if (cached !== undefined) return cached;
  const role = orThrow(await issues.getRole(repo, login), `reading ${login}'s role`);
  afk.roles.set(key, role);
  return role;
}

/** A dispatch candidate as the policy sees it: labeler, trust and blockers read. */
export async function toReadyIssue(
  afk: AfkService,
  issue: Issue,
  record: RunRecord | null,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: IssueHint | null,
  blockerStates: Map<string, Blocker["state"]>,
): Promise<ReadyIssue> {
  const { labeler, labeledAt, labeledTask, trust } = await readTrust(afk, issue, record, owner, issues, hint);
  const { approval, refusal } = decideApproval({
    record,
    issue,
    labeler,
    labeledAt,
    trust,
    labeledTask,
    edit: trust.trusted ? await readEdit(afk, issue, owner, issues, hint) : null,
    now: afk.deps.clock(),
  });
  // Nothing more is read for an issue afk will not run.
  const read =
    trust.trusted && refusal === null
      ? await readBlockers(afk, issue, issues, blockerStates)
      : { blockers: [], notRead: 0 };
  return {
    issue,
    labeler,
    labeledAt,
    trust,
    approval,
    refusal,
    blockers: read.blockers,
    blockersNotRead: read.notRead,
  };
}

/** GitHub's native blockers; none where the endpoint is missing (a GitHub Enterprise Server without it). */
async function readNativeBlockers(afk: AfkService, issue: Issue, issues: IssueTracker): Promise<readonly Blocker[]> {
  // The list just read says none block it (issue 12: not read back).
  if (issue.blockedBy === 0) return [];
  const native = await issues.listNativeBlockers(issue.repo, issue.number);
  if (native.ok) return native.value;
  if (native.error.category !== "not-found") return orThrow(native, "listing native blockers");
  afk.log.debug({ repo: issue.repo, issue: issue.number }, "no native blocked-by dependencies here; body clauses only");
  return [];
}

/**
 * Native blockers and the body's clauses, at most BLOCKERS_READ_MAX per issue (a body
 * naming more cannot make afk read without end; the rest counts as open and is said so).
 * Each blocker's state is read once per reconcile.
 */
async function readBlockers(
  afk: AfkService,
  issue: Issue,
  issues: IssueTracker,
  states: Map<string, Blocker["state"]>,
): Promise<{ readonly blockers: Blocker[]; readonly notRead: number }> {
  const native = await readNativeBlockers(afk, issue, issues);
  for (const blocker of native) states.set(toRefKey(blocker), blocker.state);
  const nativeKeys = new Set(native.map(toRefKey));
  const bodyRefs = toBodyBlockerRefs(issue).filter((ref) => !nativeKeys.has(toRefKey(ref)));
  const room = Math.max(0, BLOCKERS_READ_MAX - native.length);
  const read = bodyRefs.slice(0, room);
  for (const ref of read) {
    const key = toRefKey(ref);
    if (states.has(key)) continue;
    const found = await issues.getIssue(ref.repo, ref.number);
    // A blocker afk cannot read (deleted, private elsewhere) stays unknown: the issue waits and says so.
    states.set(key, found.ok ? found.value.state : "unknown");
  }
  return { blockers: toBlockers(native, read, states), notRead: bodyRefs.length - read.length };
}

/** Remembers which repos wait on a blocker in another repo, so its close reconciles them at once. */
export function watchBlockers(afk: AfkService, repo: string, ready: readonly ReadyIssue[]): void {
  // What this repo waited on before is forgotten first: the watch holds only what waits now.
  for (const [key, repos] of afk.blockerWatch) {
    repos.delete(repo);
    if (repos.size === 0) afk.blockerWatch.delete(key);
  }
  for (const { blockers } of ready) {
    for (const blocker of blockers) {
      if (blocker.state === "closed" || blocker.repo === repo) continue;
      const repos = afk.blockerWatch.get(toRefKey(blocker)) ?? new Set<string>();
      repos.add(repo);
      afk.blockerWatch.set(toRefKey(blocker), repos);
    }
  }
}
