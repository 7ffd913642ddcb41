// The shell's one owner of state: the per-repo queue, the run index, the installation
// index and the caches, beside the ports it was given. It decides nothing and does no
// work of its own: ingress, reconcile, observe, start-up and the sweep are functions
// over it (CONTRIBUTING.md, "How a webhook flows through the house").

import { isArmed, isArmedFor } from "../core/config/arming.js";
import type { OperatorConfig } from "../core/config/config-types.js";
import type { Role } from "../core/common/github-types.js";
import type { RenderContext } from "../core/render/render-context.js";
import { isActive } from "../core/run/run-record.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { StatusInput } from "../core/status/status-types.js";
import type { BotIdentity } from "../core/ingress/is-own-act.js";
import type { AgentRunner } from "../ports/agent-runner.js";
import type { CiReader } from "../ports/ci-reader.js";
import type { DeployReader } from "../ports/deploy-reader.js";
import type { Doorbell } from "../ports/doorbell.js";
import type { GitHubApp } from "../ports/github-app.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import type { Result } from "../ports/result.js";
import type { RolloutReader, VersionReader } from "../ports/rollout-reader.js";
import { DeliveryLog } from "./delivery-log.js";
import { IssueTitles } from "./issue-titles.js";
import { KeyedQueue } from "./keyed-queue.js";
import { NonDoorbellThreads } from "./non-doorbell-threads.js";
import type { Log } from "./log.js";
import { RunIndex } from "./run-index.js";
import { TtlCache } from "./ttl-cache.js";
import type { VersionMatches } from "./observers.js";
import { MINUTE_MS } from "../core/common/time.js";

/** A run's key in `starting`. */
export function toRunKey(run: { readonly repo: string; readonly issue: number }): string {
  return `${run.repo.toLowerCase()}#${run.issue}`;
}

export const ROLE_CACHE_MS = 5 * MINUTE_MS;
export const REPO_FACTS_CACHE_MS = 10 * MINUTE_MS;

/** The outside world, through its ports, and what the shell is told once at start. */
export interface ShellDeps {
  readonly config: OperatorConfig;
  readonly appId: number;
  /** Web base of GitHub for links, e.g. https://github.com. */
  readonly githubUrl: string;
  /** Issues, labels and comments, as one installation. */
  readonly issues: (installationId: number) => Promise<IssueTracker>;
  /** CI facts of pushed commits, as one installation. */
  readonly ci: (installationId: number) => Promise<CiReader>;
  /** Calls made as the app itself: who afk is, installations, failed deliveries. */
  readonly app: () => Promise<GitHubApp>;
  readonly agent: AgentRunner | null;
  readonly deploy: DeployReader | null;
  readonly rollout: RolloutReader | null;
  readonly versions: VersionReader | null;
  /** The Slack doorbell, when it is configured. */
  readonly doorbell: Doorbell | null;
  readonly clock: () => number;
  readonly log: Log;
}

/** An interrupt of a stray agent that T3 took. */
export interface StrayInterrupt {
  readonly commandId: string;
  /** When T3's threads were read that showed the agent at work (afk's clock). */
  readonly seenAt: number;
  /** Whether afk warned that the agent works on though T3 took it. */
  warned: boolean;
}

export class AfkService {
  readonly deps: ShellDeps;
  readonly render: RenderContext;
  readonly queue = new KeyedQueue();
  readonly deliveries = new DeliveryLog();
  readonly index = new RunIndex();
  /** Enrolled repo → afk's installation there. */
  readonly installations = new Map<string, number>();
  readonly titles = new IssueTitles();
  readonly roles: TtlCache<Role>;
  readonly repoFacts: TtlCache<RepoFacts>;
  /** Blocker key → repos with a ready issue naming it: a close there reconciles them. */
  readonly blockerWatch = new Map<string, Set<string>>();
  /** Consecutive version URL matches per run and sha; lost on restart (it recounts). */
  readonly versionMatches = new Map<string, VersionMatches>();
  /** Slack threads afk read and found are not a doorbell's: one read each, not one per message. */
  readonly nonDoorbellThreads = new NonDoorbellThreads();
  /** Repos whose run index was rebuilt from GitHub since afk started (rebuild-index.ts). */
  readonly indexedRepos = new Set<string>();
  /** Enrolled repos GitHub says afk is not installed on: afk holds no run there. */
  readonly notInstalled = new Set<string>();
  /**
   * Runs T3 has started whose lock label and record are still being written, by
   * `repo#issue`: admission counts them as the records they are becoming (reconcile-repo.ts).
   */
  readonly starting = new Map<string, RunRecord>();
  /**
   * afk's threads T3 shows no turn of, that no run wants, and that took afk's interrupt
   * (stop-stray-agents.ts): such a thread holds no repo and no slot, though it stays live in
   * T3 (a dispatch cut short before its turn, then the issue unlabelled). Lost on restart:
   * until the next look at T3 finds it again, it holds. Kept by thread id with when T3's
   * threads were read that showed it; forgotten once a later read shows it unstarted no more.
   */
  readonly stoppedUnstarted = new Map<string, number>();
  /**
   * Interrupts of stray agents T3 took (stop-stray-agents.ts), by thread id: the same one is
   * not sent again while the agent works on (a stuck session), and that is warned of once.
   * Forgotten once a later read of T3's threads shows the thread at work no more.
   */
  readonly strayInterrupts = new Map<string, StrayInterrupt>();
  /** Repos whose labels afk created (or found) since it started, or is making sure of now. */
  readonly labelsEnsured = new Map<string, Promise<Result<void>>>();
  /** afk's own bot on GitHub, once known: its acts are never read as a person's. */
  self: BotIdentity | null = null;
  /** Why afk refuses to arm although configured to (T3 too old), or null. */
  refusal: string | null = null;
  /** Whether T3's version was read and found supported (it is read again until it is). */
  agentVersionChecked = false;
  #onReconcileRequested: (repo: string, whenQueued: boolean) => void = () => undefined;

  constructor(deps: ShellDeps) {
    this.deps = deps;
    this.render = { config: deps.config, githubUrl: deps.githubUrl };
    this.roles = new TtlCache<Role>(ROLE_CACHE_MS, deps.clock);
    this.repoFacts = new TtlCache<RepoFacts>(REPO_FACTS_CACHE_MS, deps.clock);
  }

  get config(): OperatorConfig {
    return this.deps.config;
  }

  get log(): Log {
    return this.deps.log;
  }

  /** afk acts at all (DESIGN 1.5), and has found nothing that makes it refuse to. */
  get armed(): boolean {
    return this.refusal === null && isArmed(this.deps.config);
  }

  /** afk acts on this repo: armed AND enrolled. */
  isArmedFor(repo: string): boolean {
    return this.refusal === null && isArmedFor(this.deps.config, repo);
  }

  rememberInstallation(repo: string, installationId: number): void {
    this.installations.set(repo.toLowerCase(), installationId);
    this.notInstalled.delete(repo.toLowerCase());
  }

  forgetInstallation(repo: string): void {
    this.installations.delete(repo.toLowerCase());
    this.notInstalled.add(repo.toLowerCase());
  }

  /** The runs under way in a repo: the ones the observers follow. */
  activeRuns(repo: string): RunRecord[] {
    return this.index.recordsOf(repo).filter((record) => record.repo === repo.toLowerCase() && isActive(record.phase));
  }

  /** Every record held, with the runs T3 has started in place of what the index still holds for them. */
  admittedRecords(): RunRecord[] {
    const records = new Map(this.index.records().map((record) => [toRunKey(record), record]));
    for (const [key, record] of this.starting) records.set(key, record);
    return [...records.values()];
  }

  /** A run ended and freed its repo: reconcile that repo now (when a run is queued there, if `whenQueued`). */
  requestReconcile(repo: string, whenQueued = false): void {
    this.#onReconcileRequested(repo, whenQueued);
  }

  /** Who reconciles on request (the runtime wires the reconciler here: no import circle). */
  onReconcileRequested(handler: (repo: string, whenQueued: boolean) => void): void {
    this.#onReconcileRequested = handler;
  }

  /** What the status page shows: every run afk holds, with the titles it has read. */
  statusInput(): StatusInput {
    const runs = this.index.records().map((record) => ({ record, title: this.titles.get(record.repo, record.issue) }));
    return { runs, config: this.deps.config, githubUrl: this.deps.githubUrl, armed: this.armed };
  }
}
