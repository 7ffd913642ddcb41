// The CI verdict for one sha (DESIGN section 7, contracts/github.md): every check run and
// commit status on the sha, or only the required names, folded into pending/green/red.
// The fold depends only on the facts, never on their order: webhooks and API reads
// arrive in any order and the sweep must reach the same verdict from either.

import { FAILURE_SUMMARY_MAX_CHARS, FAILURES_MAX, toBounded } from "../run/limits.js";
import type { CheckRunFact, JobFact, StatusFact, WorkflowRunFact } from "./observe-types.js";
import type { RepoConfig } from "../config/config-types.js";
import type { CheckFailure } from "../run/run-types.js";
import type { RepoName } from "../common/github-types.js";
import { hasText, isSameText } from "../common/text.js";

/** GitHub Actions' app (`check_run.app.slug`; id 15368 on github.com). */
export const GITHUB_ACTIONS_SLUG = "github-actions";

export type CiVerdict = "pending" | "green" | "red";

export interface CiInput {
  readonly repo: RepoName;
  readonly defaultBranch: string;
  readonly sha: string;
  readonly checkRuns: readonly CheckRunFact[];
  /** The latest status per context (`commits/{sha}/status` already collapses them). */
  readonly statuses: readonly StatusFact[];
  /** Every workflow run on the sha, of any event: dynamic and PR runs must be known to be filtered. */
  readonly workflowRuns: readonly WorkflowRunFact[];
  readonly required: readonly string[];
  readonly ignored: readonly string[];
  /** Status contexts ignored by prefix, e.g. Woodpecker's own when it is the deploy stage. */
  readonly ignoredPrefixes?: readonly string[];
  readonly ownAppId: number | null;
}

/** Woodpecker posts `ci/woodpecker/<event>/<workflow>` statuses (contracts/woodpecker.md). */
export const WOODPECKER_CONTEXT_PREFIX = "ci/woodpecker/";

/**
 * The repo's CI rules. When Woodpecker is the deploy stage, its commit statuses are the
 * deploy itself, not CI: counting them would hold CI until the deploy finished, and turn
 * a failed deploy into red CI.
 */
export function toCiRules(
  repoConfig: Pick<RepoConfig, "requiredChecks" | "ignoredChecks" | "woodpeckerRepo">,
): Pick<CiInput, "required" | "ignored" | "ignoredPrefixes"> {
  return {
    required: repoConfig.requiredChecks,
    ignored: repoConfig.ignoredChecks,
    ignoredPrefixes: repoConfig.woodpeckerRepo === null ? [] : [WOODPECKER_CONTEXT_PREFIX],
  };
}

export interface CiFold {
  readonly verdict: CiVerdict;
  /** Whether any check or status survived the filters, required or not. */
  readonly seenAny: boolean;
  readonly url: string | null;
  readonly failures: CheckFailure[];
}

const GREEN_CONCLUSIONS: ReadonlySet<string> = new Set(["success", "neutral", "skipped"]);
// Most telling first: a fail-fast matrix cancels its other jobs because one failed, and
// the FAILURES_MAX cap must keep the failure, not the cancellations. `error` is a status state.
const FAILURE_RANK: readonly string[] = [
  "failure",
  "error",
  "timed_out",
  "startup_failure",
  "action_required",
  "stale",
  "cancelled",
];
const RED_CONCLUSIONS: ReadonlySet<string> = new Set(FAILURE_RANK.filter((c) => c !== "error"));

/** A check run or status that survived the provenance filters. */
interface Counted {
  readonly name: string;
  readonly verdict: CiVerdict;
  /** Set when the verdict is red. */
  readonly failure: CheckFailure | null;
}

/**
 * A conclusion afk does not know (GitHub may add some) stays pending rather than red:
 * the CI budget then escalates to a human instead of sending the agent after a ghost.
 */
export function toCheckVerdict(conclusion: string | null): CiVerdict {
  if (conclusion === null) return "pending";
  if (GREEN_CONCLUSIONS.has(conclusion)) return "green";
  return RED_CONCLUSIONS.has(conclusion) ? "red" : "pending";
}

function toStatusVerdict(state: StatusFact["state"]): CiVerdict {
  if (state === "success") return "green";
  return state === "pending" ? "pending" : "red";
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function toRank(conclusion: string | null): number {
  const rank = FAILURE_RANK.indexOf(conclusion ?? "");
  return rank === -1 ? FAILURE_RANK.length : rank;
}

/** Keeps, per key, the item `isBetter` prefers; input order never matters. */
function toBest<T>(items: readonly T[], keyOf: (item: T) => string, isBetter: (a: T, b: T) => boolean): T[] {
  const best = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const held = best.get(key);
    if (held === undefined || isBetter(item, held)) best.set(key, item);
  }
  return [...best.values()];
}

/** The same run seen twice (webhook and API): the later attempt, then the finished one. */
function isLaterRun(a: WorkflowRunFact, b: WorkflowRunFact): boolean {
  if (a.runAttempt !== b.runAttempt) return a.runAttempt > b.runAttempt;
  if ((a.conclusion === null) !== (b.conclusion === null)) return a.conclusion !== null;
  return compareText(JSON.stringify(a), JSON.stringify(b)) > 0;
}

/** A job re-run in the same suite gets a new, higher check run id. */
function isLaterCheck(a: CheckRunFact, b: CheckRunFact): boolean {
  if (a.id !== b.id) return a.id > b.id;
  if ((a.conclusion === null) !== (b.conclusion === null)) return a.conclusion !== null;
  return compareText(JSON.stringify(a), JSON.stringify(b)) > 0;
}

/** A push run of the default branch's sha, from the repo itself (not a fork, PR or dynamic run). */
export function isCountedRun(run: WorkflowRunFact, input: Pick<CiInput, "repo" | "defaultBranch" | "sha">): boolean {
  const sameRepo = run.headRepoFullName !== null && isSameText(run.headRepoFullName, input.repo);
  return run.event === "push" && run.headBranch === input.defaultBranch && run.headSha === input.sha && sameRepo;
}

function toSummary(parts: readonly (string | null)[]): string | null {
  const text = parts
    .map((part) => part?.trim() ?? "")
    .filter((part) => part !== "")
    .join("\n");
  return text === "" ? null : toBounded(text, FAILURE_SUMMARY_MAX_CHARS);
}

function toCountedCheck(check: CheckRunFact, verdict: CiVerdict): Counted {
  const failure: CheckFailure | null =
    verdict === "red"
      ? {
          name: check.name,
          conclusion: check.conclusion ?? "",
          summary: toSummary([check.title, check.summary]),
          url: check.htmlUrl ?? check.detailsUrl,
          logTail: null,
        }
      : null;
  return { name: check.name, verdict, failure };
}

function toCountedStatus(status: StatusFact): Counted {
  const verdict = toStatusVerdict(status.state);
  const failure: CheckFailure | null =
    verdict === "red"
      ? {
          name: status.context,
          conclusion: status.state,
          summary: toSummary([status.description]),
          url: status.targetUrl,
          logTail: null,
        }
      : null;
  return { name: status.context, verdict, failure };
}

interface Provenance {
  readonly runsBySuite: ReadonlyMap<number, WorkflowRunFact>;
  /** Suites of superseded attempts of a re-run workflow. */
  readonly staleSuites: ReadonlySet<number>;
}

function toProvenance(workflowRuns: readonly WorkflowRunFact[], latest: readonly WorkflowRunFact[]): Provenance {
  // One suite per run on GitHub; should two runs claim one, the newer run decides.
  const suited = latest.flatMap((run) => (run.checkSuiteId === null ? [] : [{ suite: run.checkSuiteId, run }]));
  const newest = toBest(
    suited,
    (entry) => String(entry.suite),
    (a, b) => a.run.id > b.run.id,
  );
  const runsBySuite = new Map(newest.map((entry) => [entry.suite, entry.run] as const));
  const staleSuites = new Set<number>();
  for (const run of workflowRuns) {
    if (run.checkSuiteId !== null && !runsBySuite.has(run.checkSuiteId)) staleSuites.add(run.checkSuiteId);
  }
  return { runsBySuite, staleSuites };
}

/**
 * An Actions check counts only through its workflow run. A suite not listed yet is
 * pending, not dropped: the runs list lags the checks.
 */
function toActionsCheck(check: CheckRunFact, provenance: Provenance, input: CiInput): Counted | null {
  const suite = check.checkSuiteId;
  if (suite !== null && provenance.staleSuites.has(suite)) return null;
  const run = suite === null ? undefined : provenance.runsBySuite.get(suite);
  if (run === undefined) return toCountedCheck(check, "pending");
  return isCountedRun(run, input) ? toCountedCheck(check, toCheckVerdict(check.conclusion)) : null;
}

function toCountedChecks(input: CiInput, provenance: Provenance): Counted[] {
  const keyOf = (check: CheckRunFact): string =>
    JSON.stringify([check.checkSuiteId, check.appId, check.appSlug, check.name]);
  const latest = toBest(input.checkRuns, keyOf, isLaterCheck);
  const foreign = latest.filter((check) => input.ownAppId === null || check.appId !== input.ownAppId);
  return foreign.flatMap((check) => {
    const counted =
      check.appSlug === GITHUB_ACTIONS_SLUG
        ? toActionsCheck(check, provenance, input)
        : toCountedCheck(check, toCheckVerdict(check.conclusion));
    return counted === null ? [] : [counted];
  });
}

function compareFailures(a: CheckFailure, b: CheckFailure): number {
  const byRank = toRank(a.conclusion) - toRank(b.conclusion);
  if (byRank !== 0) return byRank;
  return compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(JSON.stringify(a), JSON.stringify(b));
}

function toVerdict(deciding: readonly Counted[], missingRequired: boolean): CiVerdict {
  if (deciding.some((item) => item.verdict === "red")) return "red";
  if (missingRequired || deciding.length === 0) return "pending";
  return deciding.some((item) => item.verdict === "pending") ? "pending" : "green";
}

/** The failing run first, so the link leads to the failure; then the oldest run. */
function toRunUrl(runs: readonly WorkflowRunFact[]): string | null {
  const ranked = [...runs].sort((a, b) => {
    const red = Number(toCheckVerdict(b.conclusion) === "red") - Number(toCheckVerdict(a.conclusion) === "red");
    return red || a.id - b.id;
  });
  return ranked[0]?.htmlUrl ?? null;
}

/**
 * A name both required and ignored is required: a listed requirement must decide, or
 * the run would wait for it forever. afk's own checks never count (it would wait on itself).
 */
export function foldCi(input: CiInput): CiFold {
  const latestRuns = toBest(input.workflowRuns, (run) => String(run.id), isLaterRun);
  const provenance = toProvenance(input.workflowRuns, latestRuns);
  const all = [...toCountedChecks(input, provenance), ...input.statuses.map(toCountedStatus)];
  const prefixes = (input.ignoredPrefixes ?? []).map((prefix) => prefix.toLowerCase());
  const isIgnored = (name: string) =>
    hasText(input.ignored, name) || prefixes.some((prefix) => name.toLowerCase().startsWith(prefix));
  const surviving = all.filter((item) => hasText(input.required, item.name) || !isIgnored(item.name));
  const requires = input.required.length > 0;
  const deciding = requires ? surviving.filter((item) => hasText(input.required, item.name)) : surviving;
  const missingRequired = input.required.some(
    (name) =>
      !hasText(
        deciding.map((item) => item.name),
        name,
      ),
  );
  const failures = deciding.flatMap((item) => (item.failure === null ? [] : [item.failure])).sort(compareFailures);
  const runUrl = toRunUrl(latestRuns.filter((run) => isCountedRun(run, input)));
  return {
    verdict: toVerdict(deciding, missingRequired),
    seenAny: surviving.length > 0,
    url: runUrl ?? failures.find((failure) => failure.url !== null)?.url ?? null,
    failures: failures.slice(0, FAILURES_MAX),
  };
}

/** The failing jobs of a red run, most telling first: the shell fetches their log tails. */
export function toFailingJobs(jobs: readonly JobFact[]): JobFact[] {
  return jobs
    .filter((job) => toCheckVerdict(job.conclusion) === "red")
    .sort(
      (a, b) =>
        toRank(a.conclusion) - toRank(b.conclusion) ||
        compareText(a.name.toLowerCase(), b.name.toLowerCase()) ||
        a.id - b.id,
    )
    .slice(0, FAILURES_MAX);
}
