// The shell's one owner of state: the per-repo queue, the run index, the installation
// index and the caches. Webhooks and the start-up rebuild come in as nudges ("look at
// repo R"); every nudge re-reads GitHub and asks the core (level-triggered).

import type { AgentRunner } from "../ports/agent-runner.js";
import type { CiReader } from "../ports/ci-reader.js";
import type { DeployReader } from "../ports/deploy-reader.js";
import type { Doorbell } from "../ports/doorbell.js";
import type { GitHubApp } from "../ports/github-app.js";
import type { IssueTracker, LabelSpec, RepoFacts } from "../ports/issue-tracker.js";
import { describeError, type Result } from "../ports/result.js";
import type { RolloutReader, VersionReader } from "../ports/rollout-reader.js";
import type { AgentOverview } from "../core/observe/agent-threads.js";
import type { OperatorConfig } from "../core/config/config-types.js";
import {
  decideDoorbellPress,
  decideSlackMessage,
  parseDoorbellMetadata,
  type SlackMessageEvent,
} from "../core/slack/decide-slack.js";
import type { RenderContext } from "../core/render/render-context.js";
import { toRefKey } from "../core/dispatch/to-blockers.js";
import { isActive } from "../core/run/run-record.js";
import type { Actor, Role } from "../core/common/github-types.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { StatusInput } from "../core/status/status-types.js";
import { advanceRun } from "./advance-run.js";
import { DeliveryLog } from "./delivery-log.js";
import { IssueTitles } from "./issue-titles.js";
import { KeyedQueue } from "./keyed-queue.js";
import { loadRun } from "./load-run.js";
import type { Log } from "./log.js";
import {
  observeAgent,
  observeCi,
  observeCommits,
  observeDeploy,
  observeRollout,
  type ObserveDeps,
  type PipelineHint,
  type Seen,
} from "./observe-run.js";
import { ReconcileError, readRepoFacts, reconcileRepo, type LabelHint, type ReconcileDeps } from "./reconcile-repo.js";
import { RunIndex } from "./run-index.js";
import type { SweepOutcome } from "./sweep.js";
import { TtlCache } from "./ttl-cache.js";

export const ROLE_CACHE_MS = 5 * 60_000;
export const REPO_FACTS_CACHE_MS = 10 * 60_000;
/** Failed webhook deliveries younger than this are redelivered at start (GitHub keeps 3 days). */
export const REDELIVER_WINDOW_MS = 6 * 60 * 60_000;

export interface AfkServiceDeps {
  readonly config: OperatorConfig;
  readonly appId: number;
  /** Web base of GitHub for links, e.g. https://github.com. */
  readonly githubUrl: string;
  readonly githubFor: (installationId: number) => Promise<IssueTracker>;
  /** Calls made as the app itself: installations and failed deliveries. */
  readonly githubApp: () => Promise<GitHubApp>;
  readonly t3: AgentRunner | null;
  readonly clock: () => number;
  readonly log: Log;
  readonly githubCiFor: (installationId: number) => Promise<CiReader>;
  readonly woodpecker: DeployReader | null;
  readonly kube: RolloutReader | null;
  readonly versionUrl: VersionReader | null;
  /** The Slack doorbell, when it is configured. */
  readonly slack: Doorbell | null;
}

/** A press of a doorbell button, as the Slack receiver reports it. */
export interface DoorbellPress {
  readonly actionId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly messageTs: string;
}

export const NOT_ALLOWED_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your reply was not passed on.";
export const NOT_ALLOWED_PRESS_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your button press was ignored.";
export const RELAYED_REACTION = "white_check_mark";

export interface IssueNudge {
  readonly repo: string;
  readonly installationId: number;
  readonly issue: number;
  readonly sender: Actor;
}

export class AfkService {
  readonly queue = new KeyedQueue();
  readonly deliveries = new DeliveryLog();
  readonly index = new RunIndex();
  readonly installations = new Map<string, number>();
  readonly titles = new IssueTitles();
  readonly #labelsEnsured = new Set<string>();
  readonly #versionMatches = new Map<string, number>();
  readonly #deps: AfkServiceDeps;
  readonly #reconcileDeps: Omit<ReconcileDeps, "reconcileLater">;

  constructor(deps: AfkServiceDeps) {
    this.#deps = deps;
    const render: RenderContext = { config: deps.config, githubUrl: deps.githubUrl };
    this.#reconcileDeps = {
      config: deps.config,
      appId: deps.appId,
      t3: deps.t3,
      render,
      clock: deps.clock,
      log: deps.log,
      index: this.index,
      roles: new TtlCache<Role>(ROLE_CACHE_MS, deps.clock),
      repoFacts: new TtlCache<RepoFacts>(REPO_FACTS_CACHE_MS, deps.clock),
      blockerWatch: new Map(),
      titles: this.titles,
      ensureLabels: async () => ({ ok: true, value: undefined }),
      doorbell:
        deps.slack !== null && deps.config.slack !== null
          ? { client: deps.slack, channel: deps.config.slack.channel }
          : null,
    };
  }

  /** afk acts on a repo only when armed AND the repo is enrolled (DESIGN 1.5). */
  isArmedFor(repo: string): boolean {
    return !this.#deps.config.killSwitch && this.#deps.config.allowlist.includes(repo.toLowerCase());
  }

  get armed(): boolean {
    return !this.#deps.config.killSwitch && this.#deps.config.allowlist.length > 0;
  }

  /** What the status page shows: every run afk holds, with the titles it has read. */
  statusInput(): StatusInput {
    const runs = this.index.records().map((record) => ({ record, title: this.titles.get(record.repo, record.issue) }));
    return { runs, config: this.#deps.config, githubUrl: this.#deps.githubUrl, armed: this.armed };
  }

  rememberInstallation(repo: string, installationId: number): void {
    this.installations.set(repo.toLowerCase(), installationId);
  }

  forgetInstallation(repo: string): void {
    this.installations.delete(repo.toLowerCase());
  }

  /** A ready label was applied: reconcile with the labeler from the payload. */
  async onReadyLabeled(nudge: IssueNudge): Promise<void> {
    this.rememberInstallation(nudge.repo, nudge.installationId);
    await this.reconcile(nudge.repo, nudge.installationId, { issue: nudge.issue, labeler: nudge.sender });
  }

  /** The ready label was removed, or the issue closed: cancel its run, then reconcile. */
  async onStopped(nudge: IssueNudge, why: "label-removed" | "issue-closed"): Promise<void> {
    const { repo, installationId, issue } = nudge;
    this.rememberInstallation(repo, installationId);
    await this.queue.run(repo, async () => {
      const github = await this.#deps.githubFor(installationId);
      await this.#cancel(github, repo, issue, nudge.sender.login, why);
    });
    await this.reconcile(repo, installationId, null);
    if (why === "issue-closed") await this.#reconcileWatchers(repo, issue);
  }

  /** Reconciles a repo in its queue. Throws when GitHub or T3 failed (the delivery is then redeliverable). */
  async reconcile(repo: string, installationId: number, hint: LabelHint | null): Promise<void> {
    if (!this.isArmedFor(repo)) return;
    await this.queue.run(repo, async () => {
      const github = await this.#deps.githubFor(installationId);
      await reconcileRepo(repo, installationId, github, hint, this.#depsFor(github));
    });
  }

  /** A CI, deploy or push fact for a repo: observe its runs in flight now. */
  async onCiNudge(repo: string, installationId: number, pipeline: PipelineHint | null = null): Promise<void> {
    this.rememberInstallation(repo, installationId);
    if (!this.isArmedFor(repo) || this.#activeRuns(repo).length === 0) return;
    await this.observe(repo, installationId, null, pipeline);
  }

  /** Observes every run in flight in a repo, applying each event as it is seen. Throws on the first failed read or effect. */
  async observe(
    repo: string,
    installationId: number,
    shell: AgentOverview | null,
    pipeline: PipelineHint | null = null,
  ): Promise<number> {
    if (!this.isArmedFor(repo)) return 0;
    return this.queue.run(repo, async () => {
      const runs = this.#activeRuns(repo);
      if (runs.length === 0) return 0;
      const github = await this.#deps.githubFor(installationId);
      const facts = await readRepoFacts(repo, github, this.#depsFor(github));
      const t3Shell = shell ?? (await this.#readShell());
      const failures: string[] = [];
      for (const record of runs) {
        const failure = await this.#observeRun(record, github, facts.defaultBranch, installationId, t3Shell, pipeline);
        if (failure !== null) failures.push(`${repo}#${record.issue}: ${failure}`);
      }
      if (failures.length > 0) throw new ReconcileError(failures.join("; "));
      return runs.length;
    });
  }

  /** One sweep: every enrolled repo is reconciled and its runs observed; one failure never stops the rest. */
  async sweepOnce(): Promise<SweepOutcome> {
    const failures: string[] = [];
    let reposReconciled = 0;
    let runsObserved = 0;
    const shell = await this.#readShell().catch((error: unknown) => {
      failures.push(`reading T3: ${(error as Error).message}`);
      return null;
    });
    for (const [repo, installationId] of this.installations) {
      if (!this.isArmedFor(repo)) continue;
      try {
        await this.reconcile(repo, installationId, null);
        reposReconciled += 1;
        runsObserved += await this.observe(repo, installationId, shell);
      } catch (error) {
        failures.push(`${repo}: ${(error as Error).message}`);
      }
    }
    for (const failure of failures)
      this.#deps.log.warn({ failure }, "sweep: a repo could not be brought up to date; the next sweep retries");
    return { failures, reposReconciled, runsObserved };
  }

  /** A message in Slack: an allowed person's reply in a doorbell thread is relayed to the agent. */
  async onSlackMessage(event: SlackMessageEvent): Promise<void> {
    const slack = this.#deps.config.slack;
    if (slack === null || this.#deps.slack === null || !this.armed) return;
    const decision = decideSlackMessage(event, slack.allowedUsers, slack.channel);
    if (decision.kind === "ignore") return void this.#deps.log.debug({ why: decision.why }, "Slack message ignored");
    if (decision.kind === "not-allowed") {
      this.#deps.log.info({ user: decision.user }, "Slack reply from a user who may not steer agents: not relayed");
      const told = await this.#deps.slack.postEphemeral({
        channel: decision.channel,
        user: decision.user,
        text: NOT_ALLOWED_NOTICE,
        threadTs: decision.threadTs,
      });
      if (!told.ok)
        this.#deps.log.warn({ user: decision.user }, `could not tell the user: ${describeError(told.error)}`);
      return;
    }
    const slackClient = this.#deps.slack;
    await this.#onDoorbell(
      decision.channel,
      decision.threadTs,
      { kind: "HumanResumed", by: decision.user, via: "slack", text: decision.text },
      async () => {
        const reacted = await slackClient.addReaction({
          channel: decision.channel,
          ts: decision.ts,
          name: RELAYED_REACTION,
        });
        if (!reacted.ok)
          this.#deps.log.warn({}, `could not react to the relayed reply: ${describeError(reacted.error)}`);
      },
    );
  }

  /** A doorbell button: "Take over" or "Retry from scratch". */
  async onDoorbellPress(press: DoorbellPress): Promise<void> {
    const slack = this.#deps.config.slack;
    if (slack === null || this.#deps.slack === null || !this.armed) return;
    const decision = decideDoorbellPress(press.actionId, press.user.id, slack.allowedUsers);
    if (decision.kind === "ignore") return;
    const { action } = decision;
    if (decision.kind === "not-allowed") {
      this.#deps.log.info(
        { user: press.user.id, action },
        "doorbell button pressed by a user who may not steer agents: ignored",
      );
      const told = await this.#deps.slack.postEphemeral({
        channel: press.channel,
        user: press.user.id,
        text: NOT_ALLOWED_PRESS_NOTICE,
        threadTs: null,
      });
      if (!told.ok)
        this.#deps.log.warn({ user: press.user.id }, `could not tell the user: ${describeError(told.error)}`);
      return;
    }
    const by = press.user.name;
    await this.#onDoorbell(
      press.channel,
      press.messageTs,
      action === "take-over" ? { kind: "TakenOver", by } : { kind: "RetryRequested", by },
      async () => {},
    );
  }

  /** Finds the run a doorbell belongs to (the index, else the message's metadata) and applies the event in its repo's queue. */
  async #onDoorbell(channel: string, ts: string, event: RunEvent, after: () => Promise<void>): Promise<void> {
    const found = await this.#findDoorbellRun(channel, ts);
    if (found === null) return void this.#deps.log.warn({ channel, ts }, "no run rings this doorbell; nothing done");
    const { repo, issue, installationId } = found;
    await this.queue.run(repo, async () => {
      const record = this.index.get(repo, issue)?.record ?? null;
      if (record === null) return;
      const github = await this.#deps.githubFor(installationId);
      const advanced = await this.#advance(github, record, event);
      if (advanced === null)
        throw new ReconcileError(`${event.kind} for ${repo}#${issue} failed; press or answer again`);
      if (advanced !== record) await after();
    });
  }

  async #findDoorbellRun(
    channel: string,
    ts: string,
  ): Promise<{ repo: string; issue: number; installationId: number } | null> {
    const known = this.index
      .records()
      .find((record) => record.doorbell?.channel === channel && record.doorbell.ts === ts);
    if (known !== undefined) return { repo: known.repo, issue: known.issue, installationId: known.installationId };
    // After a restart before the index knows the run: the doorbell's own metadata names it.
    const parent = await this.#deps.slack?.readThreadParent({ channel, threadTs: ts });
    const ref = parent?.ok === true ? parseDoorbellMetadata(parent.value) : null;
    if (ref === null) return null;
    const github = await this.#deps.githubFor(ref.installationId);
    const loaded = await loadRun(github, ref.repo, ref.issue, this.#deps.appId);
    if (!loaded.ok || loaded.value.kind !== "found") return null;
    this.index.set(ref.repo, ref.issue, { record: loaded.value.record, commentId: loaded.value.commentId });
    this.rememberInstallation(ref.repo, ref.installationId);
    return { repo: ref.repo, issue: ref.issue, installationId: ref.installationId };
  }

  /** Start-up: find each enrolled repo's installation, rebuild the run index, reconcile. */
  async start(): Promise<void> {
    if (!this.armed) return;
    await this.#redeliverFailed();
    const app = await this.#deps.githubApp();
    for (const repo of this.#deps.config.allowlist) {
      const found = await app.findInstallation(repo);
      if (!found.ok) {
        this.#deps.log.warn({ repo }, `cannot find afk's installation: ${describeError(found.error)}`);
        continue;
      }
      if (found.value === null) {
        this.#deps.log.warn({ repo }, "afk is not installed on this enrolled repository");
        continue;
      }
      this.rememberInstallation(repo, found.value);
      await this.#rebuild(repo, found.value);
    }
    for (const [repo, installationId] of this.installations) {
      await this.reconcile(repo, installationId, null).catch((error: unknown) =>
        this.#deps.log.error({ repo, err: error }, "reconcile at start failed"),
      );
    }
  }

  #depsFor(github: IssueTracker): ReconcileDeps {
    return {
      ...this.#reconcileDeps,
      ensureLabels: (repo) => this.#ensureLabels(github, repo),
      reconcileLater: (repo) => {
        const installationId = this.installations.get(repo);
        if (installationId === undefined) return;
        void this.reconcile(repo, installationId, null).catch((error: unknown) =>
          this.#deps.log.error({ repo, err: error }, "reconcile after a run ended failed"),
        );
      },
    };
  }

  async #ensureLabels(github: IssueTracker, repo: string): Promise<Result<void>> {
    if (this.#labelsEnsured.has(repo)) return { ok: true, value: undefined };
    for (const label of toLabelSpecs(this.#deps.config)) {
      const ensured = await github.ensureLabel(repo, label);
      if (!ensured.ok) return ensured;
    }
    this.#labelsEnsured.add(repo);
    return { ok: true, value: undefined };
  }

  async #cancel(
    github: IssueTracker,
    repo: string,
    issue: number,
    by: string,
    why: "label-removed" | "issue-closed",
  ): Promise<void> {
    if (!this.isArmedFor(repo)) return;
    let known = this.index.get(repo, issue);
    if (known === undefined) {
      const loaded = await loadRun(github, repo, issue, this.#deps.appId);
      if (!loaded.ok) throw new ReconcileError(`reading the progress comment: ${describeError(loaded.error)}`);
      if (loaded.value.kind !== "found") return;
      known = { record: loaded.value.record, commentId: loaded.value.commentId };
      this.index.set(repo, issue, known);
    }
    if (known.record === null) return;
    const after = await this.#advance(github, known.record, { kind: "Cancelled", by, why });
    if (after === null)
      throw new ReconcileError(`cancelling ${repo}#${issue} failed; the next delivery or sweep retries`);
  }

  async #reconcileWatchers(repo: string, issue: number): Promise<void> {
    const watchers = this.#reconcileDeps.blockerWatch.get(toRefKey({ repo, number: issue }));
    if (watchers === undefined) return;
    for (const watcher of watchers) {
      const installationId = this.installations.get(watcher);
      if (installationId !== undefined && watcher !== repo) await this.reconcile(watcher, installationId, null);
    }
  }

  #activeRuns(repo: string): RunRecord[] {
    return this.index.records().filter((record) => record.repo === repo.toLowerCase() && isActive(record.phase));
  }

  /** T3's shell route: every thread's turn state in one read. */
  async #readShell(): Promise<AgentOverview | null> {
    if (this.#deps.t3 === null || !this.armed) return null;
    const shell = await this.#deps.t3.readOverview();
    if (!shell.ok) throw new ReconcileError(`reading T3's threads: ${describeError(shell.error)}`);
    return shell.value;
  }

  /** Runs the observers in order, applying each event before the next looks. Returns a failure, or null. */
  async #observeRun(
    start: RunRecord,
    github: IssueTracker,
    defaultBranch: string,
    installationId: number,
    shell: AgentOverview | null,
    pipeline: PipelineHint | null,
  ): Promise<string | null> {
    const deps: ObserveDeps = {
      github: await this.#deps.githubCiFor(installationId),
      t3: this.#deps.t3,
      woodpecker: this.#deps.woodpecker,
      woodpeckerUrl: this.#deps.config.woodpecker?.url ?? null,
      kube: this.#deps.kube,
      versionUrl: this.#deps.versionUrl,
      versionMatches: this.#versionMatches,
      appId: this.#deps.appId,
      defaultBranch,
    };
    let record = start;
    const failures: string[] = [];
    const apply = async (seen: Seen): Promise<boolean> => {
      if (seen.failure !== null) failures.push(seen.failure);
      if (seen.event === null) return true;
      const next = await this.#advance(github, record, seen.event);
      if (next === null) return false;
      record = next;
      return true;
    };
    if (!(await apply(await observeAgent(record, shell, deps))))
      return failures.join("; ") || "applying the agent's event failed";
    const { seen, commits } = await observeCommits(record, deps);
    if (!(await apply(seen))) return failures.join("; ") || "applying the push failed";
    for (const observe of [
      () => observeCi(record, deps),
      () => observeDeploy(record, deps, pipeline),
      () => observeRollout(record, commits, deps),
    ]) {
      if (!(await apply(await observe()))) return failures.join("; ") || "applying a stage event failed";
    }
    if (!(await apply({ event: { kind: "Ticked" }, failure: null }))) return "applying the budgets failed";
    return failures.length === 0 ? null : failures.join("; ");
  }

  /** transition + effects for one event; the index keeps the new record once every effect is applied. */
  async #advance(github: IssueTracker, record: RunRecord, event: RunEvent): Promise<RunRecord | null> {
    return advanceRun(record, event, github, this.#depsFor(github));
  }

  async #redeliverFailed(): Promise<void> {
    const deliveries = await this.#deps.githubApp();
    const failed = await deliveries.listFailedDeliveries(this.#deps.clock() - REDELIVER_WINDOW_MS);
    if (!failed.ok) {
      this.#deps.log.warn({}, `cannot list failed webhook deliveries: ${describeError(failed.error)}`);
      return;
    }
    for (const id of failed.value) {
      const redelivered = await deliveries.redeliver(id);
      if (!redelivered.ok)
        this.#deps.log.warn({ delivery: id }, `cannot redeliver: ${describeError(redelivered.error)}`);
    }
    if (failed.value.length > 0)
      this.#deps.log.info({ count: failed.value.length }, "asked GitHub to redeliver failed webhook deliveries");
  }

  async #rebuild(repo: string, installationId: number): Promise<void> {
    const github = await this.#deps.githubFor(installationId);
    const { labels } = this.#deps.config;
    for (const label of [labels.inProgress, labels.human]) {
      const issues = await github.listOpenIssuesWithLabel(repo, label);
      if (!issues.ok) {
        this.#deps.log.warn(
          { repo, label },
          `cannot list issues to rebuild the run index: ${describeError(issues.error)}`,
        );
        continue;
      }
      for (const issue of issues.value) {
        this.titles.remember(repo, issue.number, issue.title);
        if (this.index.get(repo, issue.number) !== undefined) continue;
        const loaded = await loadRun(github, repo, issue.number, this.#deps.appId);
        if (loaded.ok && loaded.value.kind === "found")
          this.index.set(repo, issue.number, { record: loaded.value.record, commentId: loaded.value.commentId });
      }
    }
  }
}

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
