// The dispatch policy (DESIGN section 3): which ready issues start a run now, and why
// each of the others waits. Pure: the shell gathers the ready issues (with their trust
// and blockers already decided) and the runs that hold a repo, then applies the result.

import { isSameText } from "../common/text.js";
import type {
  DispatchConfig,
  DispatchDecision,
  DispatchInput,
  HeldIssue,
  ReadyIssue,
  RunInFlight,
} from "./dispatch-types.js";
import { parsePriority } from "./parse-priority.js";
import { assertNever } from "../common/assert-never.js";
import type { Issue, RepoName, Role } from "../common/github-types.js";
import { type HoldReason, type QueuedReason } from "../run/run-types.js";
import { hasText } from "../common/text.js";
import { isSameIssue } from "./to-blockers.js";

/** How the runs already in flight bear on one issue (rule f). */
type RunCheck =
  | { readonly kind: "free" }
  | { readonly kind: "healing"; readonly working: boolean }
  | { readonly kind: "busy"; readonly with: number };

interface Candidate {
  readonly index: number;
  readonly ready: ReadyIssue;
  readonly healing: boolean;
  /** A healing dispatch whose agent already works: its slot is taken whatever the cap says. */
  readonly working: boolean;
  readonly priority: number;
}

function toRepoKey(repo: string): string {
  return repo.toLowerCase();
}

// GitHub label names are unique regardless of case, so a label is matched the same way.
function hasLabel(issue: Issue, label: string): boolean {
  return hasText(issue.labels, label);
}

/** A label applied when the issue was opened, by its author: an issue template. */
export const TEMPLATE_LABEL_WINDOW_MS = 60_000;

/**
 * An issue template's ready label, applied as an author without access: refused without
 * a word on the issue, to give spammers nothing.
 */
function isTemplateLabel(ready: ReadyIssue): boolean {
  const { labeler, labeledAt, issue } = ready;
  return (
    labeler !== null &&
    isSameText(labeler.login, issue.author) &&
    labeledAt !== null &&
    labeledAt - issue.createdAt <= TEMPLATE_LABEL_WINDOW_MS
  );
}

/** Rules a–e: the ones that depend on the issue alone, not on other issues or runs. */
function decideEligibility(
  ready: ReadyIssue,
  config: DispatchConfig,
  allowlist: ReadonlySet<string>,
): HoldReason | null {
  const { issue, trust } = ready;
  if (config.killSwitch) return { kind: "kill-switch-on" };
  if (!allowlist.has(toRepoKey(issue.repo))) return { kind: "repo-not-allowlisted", repo: issue.repo };
  if (issue.state === "closed" || !hasLabel(issue, config.labels.ready)) return { kind: "not-ready" };
  if (!trust.trusted) {
    const { why, standing } = trust;
    const labeler = ready.labeler?.login ?? null;
    const obeys = config.trustedRoles.filter((role: Role) => role !== "read");
    return { kind: "labeler-untrusted", labeler, why, standing, silent: isTemplateLabel(ready), obeys };
  }
  if (ready.refusal !== null) return ready.refusal;
  // `unknown` counts as open: a blocker afk could not read is not known to be done.
  const open = ready.blockers.filter(
    (blocker) => blocker.state !== "closed" && !isSameIssue(blocker, { repo: issue.repo, number: issue.number }),
  );
  if (open.length > 0 || ready.blockersNotRead > 0) {
    const by = open.map(({ repo, number }) => ({ repo, number }));
    const unreadable = open
      .filter((blocker) => blocker.state === "unknown")
      .map(({ repo, number }) => ({ repo, number }));
    return { kind: "blocked", by, unreadable, notRead: ready.blockersNotRead };
  }
  return null;
}

/**
 * Rule f. Any run of another issue keeps the repo, escalated ones included (one agent
 * per repo: they would share a checkout). A `dispatching` run of this very issue is a
 * dispatch that crashed after T3 accepted it: finishing it is the healing step.
 */
function decideRunCheck(issue: Issue, runs: readonly RunInFlight[]): RunCheck {
  const repo = toRepoKey(issue.repo);
  const inRepo = runs.filter((run) => toRepoKey(run.repo) === repo);
  const others = inRepo.filter((run) => run.issue !== issue.number);
  if (others.length > 0) return { kind: "busy", with: Math.min(...others.map((run) => run.issue)) };
  const own = inRepo.filter((run) => run.issue === issue.number);
  if (own.some((run) => run.state !== "dispatching")) return { kind: "busy", with: issue.number };
  return own.length > 0 ? { kind: "healing", working: own.some((run) => run.working === true) } : { kind: "free" };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Healing first, then lowest priority number, oldest, lowest number, repo name. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    Number(b.healing) - Number(a.healing) ||
    a.priority - b.priority ||
    a.ready.issue.createdAt - b.ready.issue.createdAt ||
    a.ready.issue.number - b.ready.issue.number ||
    compareStrings(toRepoKey(a.ready.issue.repo), toRepoKey(b.ready.issue.repo)) ||
    a.index - b.index
  );
}

// Escalated runs use no agent now, but keep their slot as they keep their repo: a human's
// answer sets the agent to work again at once, and that must not take afk over the cap. A
// repo whose runs afk has not read yet may hold one (a repo holds at most one): it counts
// as one, unless a run of it is known already.
function countAgentRuns(runs: readonly RunInFlight[], unread: readonly RepoName[]): number {
  const known = new Set(runs.map((run) => toRepoKey(run.repo)));
  const unseen = new Set(unread.map(toRepoKey).filter((repo) => !known.has(repo)));
  return runs.length + unseen.size;
}

/** Rules g and h over the candidates in dispatch order; fills `reasons` for the held ones. */
function selectCandidates(
  candidates: readonly Candidate[],
  input: DispatchInput,
  reasons: Map<number, HoldReason>,
): ReadyIssue[] {
  const cap = input.config.maxConcurrentRuns;
  let agents = countAgentRuns(input.runs, input.unread ?? []);
  const selectedByRepo = new Map<string, number>();
  const dispatch: ReadyIssue[] = [];
  for (const candidate of candidates) {
    const { issue } = candidate.ready;
    const repo = toRepoKey(issue.repo);
    const selected = selectedByRepo.get(repo);
    // A healing re-dispatch is already counted among the agents: the cap holds it only when
    // it is over-full with it (other repos took the slots while its agent had not started);
    // one whose agent already works goes on. It sorts first in its repo, so rule h holds
    // only a duplicate of it.
    const full = candidate.healing ? !candidate.working && agents > cap : agents >= cap;
    if (full) reasons.set(candidate.index, { kind: "cap-reached", cap });
    else if (selected !== undefined) reasons.set(candidate.index, { kind: "repo-busy", with: selected });
    else {
      if (!candidate.healing) agents += 1;
      selectedByRepo.set(repo, issue.number);
      dispatch.push(candidate.ready);
    }
  }
  return dispatch;
}

type Candidacy =
  | { readonly kind: "held"; readonly reason: HoldReason }
  | { readonly kind: "candidate"; readonly candidate: Candidate };

/** Rules a–f for one issue: held with its reason, or a candidate for g and h. */
function decideCandidacy(
  ready: ReadyIssue,
  index: number,
  input: DispatchInput,
  allowlist: ReadonlySet<string>,
): Candidacy {
  const { config } = input;
  const reason = decideEligibility(ready, config, allowlist);
  if (reason !== null) return { kind: "held", reason };
  const runCheck = decideRunCheck(ready.issue, input.runs);
  if (runCheck.kind === "busy") return { kind: "held", reason: { kind: "repo-busy", with: runCheck.with } };
  const priority = parsePriority(ready.issue.labels, config.labels.priorityPrefix, config.defaultPriority);
  const healing = runCheck.kind === "healing";
  const working = runCheck.kind === "healing" && runCheck.working;
  return { kind: "candidate", candidate: { index, ready, healing, working, priority } };
}

export function decideDispatch(input: DispatchInput): DispatchDecision {
  const allowlist = new Set(input.config.allowlist.map(toRepoKey));
  const reasons = new Map<number, HoldReason>();
  const candidates: Candidate[] = [];
  input.ready.forEach((ready, index) => {
    const candidacy = decideCandidacy(ready, index, input, allowlist);
    if (candidacy.kind === "held") reasons.set(index, candidacy.reason);
    else candidates.push(candidacy.candidate);
  });
  const dispatch = selectCandidates(candidates.sort(compareCandidates), input, reasons);
  const held: HeldIssue[] = [];
  input.ready.forEach((ready, index) => {
    const reason = reasons.get(index);
    if (reason !== undefined) held.push({ issue: ready, reason });
  });
  return { dispatch, held };
}

/**
 * Only reasons 4–6 of DESIGN section 3 are told on the issue. The others mean afk is not
 * armed for the repo or the issue is not (trustedly) ready: afk stays silent there.
 */
export function toQueuedReason(reason: HoldReason): QueuedReason | null {
  switch (reason.kind) {
    case "blocked":
    case "repo-busy":
    case "cap-reached":
    case "label-stale":
    case "edited-after-approval":
    case "repo-config-invalid":
      return reason;
    case "labeler-untrusted":
      return reason.silent ? null : reason;
    case "kill-switch-on":
    case "repo-not-allowlisted":
    case "not-ready":
      return null;
    default:
      return assertNever(reason);
  }
}
