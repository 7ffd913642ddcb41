// What the reconciler reads about a repo's ready issues (DESIGN sections 3–5): each
// issue's run record, who applied the ready label and whether afk trusts them, and its
// blockers. Reads only, except for an unreadable record, which is escalated (E4) here.

import type { Actor, Blocker, Issue, Role } from "../core/common/github-types.js";
import { toRetryTrust } from "../core/dispatch/decide-retry-trust.js";
import { decideTrust, needsRoleLookup } from "../core/dispatch/decide-trust.js";
import type { ReadyIssue, RepoOwner, TrustDecision } from "../core/dispatch/dispatch-types.js";
import { findLatestLabeling } from "../core/dispatch/find-latest-labeling.js";
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

/** What the webhook knows about the labeler, so the events lookup is skipped. */
export interface LabelHint {
  readonly issue: number;
  readonly labeler: Actor;
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

/** Who applied the ready label last, and when (the webhook's sender now, else the issue's events). */
async function readLabeling(
  afk: AfkService,
  issue: Issue,
  issues: IssueTracker,
  hint: LabelHint | null,
): Promise<{ readonly labeler: Actor | null; readonly at: number | null }> {
  if (hint !== null && hint.issue === issue.number) return { labeler: hint.labeler, at: afk.deps.clock() };
  const events = orThrow(await issues.listIssueEvents(issue.repo, issue.number), "finding who applied the ready label");
  const latest = findLatestLabeling(events, afk.config.labels.ready);
  return { labeler: latest?.actor ?? null, at: latest?.at ?? null };
}

/** Who applied the ready label last, when, and whether afk obeys them. */
export async function readTrust(
  afk: AfkService,
  issue: Issue,
  record: RunRecord | null,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: LabelHint | null,
): Promise<{ readonly labeler: Actor | null; readonly labeledAt: number | null; readonly trust: TrustDecision }> {
  const { labeler, at: labeledAt } = await readLabeling(afk, issue, issues, hint);
  const retry = toRetryTrust(record, labeler);
  if (retry !== null) return { labeler, labeledAt, trust: retry };
  const role =
    labeler !== null && needsRoleLookup(labeler, owner, afk.config)
      ? await readRole(afk, issue.repo, labeler.login, issues)
      : null;
  return { labeler, labeledAt, trust: decideTrust({ labeler, role, repoOwner: owner, config: afk.config }) };
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
  hint: LabelHint | null,
  blockerStates: Map<string, Blocker["state"]>,
): Promise<ReadyIssue> {
  const { labeler, labeledAt, trust } = await readTrust(afk, issue, record, owner, issues, hint);
  // Nothing more is read for an issue whose labeler afk does not obey.
  const read = trust.trusted ? await readBlockers(afk, issue, issues, blockerStates) : { blockers: [], notRead: 0 };
  return { issue, labeler, labeledAt, trust, blockers: read.blockers, blockersNotRead: read.notRead };
}

/** GitHub's native blockers; none where the endpoint is missing (a GitHub Enterprise Server without it). */
async function readNativeBlockers(afk: AfkService, issue: Issue, issues: IssueTracker): Promise<readonly Blocker[]> {
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
