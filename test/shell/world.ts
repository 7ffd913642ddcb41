// The shell's test world: an AfkService over an in-memory twin of every port, a clock
// that moves only when a test moves it, and a quiet logger that keeps its lines. Every
// option has a default, so a case states only what it varies (STYLE habit 7).

import { MemoryAgentRunner } from "../../src/adapters/memory/memory-agent-runner.js";
import { MemoryDeployReader } from "../../src/adapters/memory/memory-deploy-reader.js";
import { MemoryDoorbell } from "../../src/adapters/memory/memory-doorbell.js";
import { MemoryGitHub, type IssueInput } from "../../src/adapters/memory/memory-github.js";
import type { IssueSnapshot } from "../../src/adapters/memory/github-snapshot.js";
import { MemoryRolloutReader } from "../../src/adapters/memory/memory-rollout-reader.js";
import { MemoryVersionReader } from "../../src/adapters/memory/memory-version-reader.js";
import type { OperatorConfig, SlackConfig } from "../../src/core/config/config-types.js";
import { toBotIdentity } from "../../src/core/ingress/is-own-act.js";
import { toThreadId } from "../../src/core/run/ids.js";
import { decodeRecord, isAfkComment } from "../../src/core/run/record-codec.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import type { IssueTracker } from "../../src/ports/issue-tracker.js";
import type { AdvanceDeps } from "../../src/shell/advance-run.js";
import { AfkService, type ShellDeps } from "../../src/shell/afk-service.js";
import type { Log } from "../../src/shell/log.js";
import { reconcile } from "../../src/shell/reconcile-repo.js";
import { toRunDeps } from "../../src/shell/run-deps.js";
import { T0, anOperatorConfig } from "../core/builders.js";

export { T0 };
export const REPO = "acme/widgets";
export const INSTALLATION = 7;
export const READY = "ready-for-agent";
export const IN_PROGRESS = "afk:in-progress";
export const HUMAN = "ready-for-human";
/** A collaborator with the `write` role in every repo of the world: afk trusts their label. */
export const MAINTAINER = "maintainer";
export const CHANNEL = "C0AFK";
/** The Slack user allowed to steer agents. */
export const ALICE = "U0ALICE";
export const MINUTE = 60_000;
/** A moment: how long afk takes between two of its own steps. */
export const SECOND = 1_000;

export const WOODPECKER_URL = "https://ci.test";

export const SLACK: SlackConfig = {
  botToken: "xoxb-test",
  signingSecret: "secret",
  channel: CHANNEL,
  allowedUsers: [ALICE],
  apiUrl: null,
  announceShipped: false,
};

/** A clock that moves only when the test moves it; afk and every twin read the same one. */
export class Clock {
  #now: number;

  constructor(start: number = T0) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A logger that prints nothing and keeps every line, child bindings merged into its fields. */
export function aQuietLog(lines: LogLine[] = [], bindings: Readonly<Record<string, unknown>> = {}): Log {
  const at =
    (level: LogLine["level"]) =>
    (fields: object, msg: string): void =>
      void lines.push({ level, msg, fields: { ...bindings, ...fields } });
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => aQuietLog(lines, { ...bindings, ...more }),
  };
}

export interface WorldOptions {
  readonly config?: Partial<OperatorConfig>;
  /** Repos on GitHub, all installed as INSTALLATION; the first one by default only. Enrolled unless `config.allowlist` says otherwise. */
  readonly repos?: readonly string[];
  /** False: T3 is not configured (`deps.agent` is null). */
  readonly agent?: boolean;
  /** True: the Slack doorbell is configured (`config.slack`, channel C0AFK, ALICE allowed). */
  readonly slack?: boolean;
}

export interface World {
  readonly clock: Clock;
  readonly github: MemoryGitHub;
  readonly agent: MemoryAgentRunner;
  readonly deploy: MemoryDeployReader;
  readonly rollout: MemoryRolloutReader;
  readonly versions: MemoryVersionReader;
  readonly doorbell: MemoryDoorbell;
  readonly config: OperatorConfig;
  readonly logs: LogLine[];
  /** Repos the runs asked to reconcile now (`ReconcileRepo`), in order. */
  readonly reconcileRequests: string[];
  /** The service under test; `restart` replaces it. */
  afk: AfkService;
  /** afk dies and starts again over the same twins: a fresh service that knows nothing yet (start-up has not run). */
  restart(): AfkService;
  /** The issue tracker of INSTALLATION. */
  issues(): IssueTracker;
  /** An open issue in REPO (or `repo`) carrying the ready label, applied by MAINTAINER unless told. */
  readyIssue(input?: IssueInput & { readonly repo?: string }): number;
  /** What afk's index holds for the issue. */
  record(issue: number, repo?: string): RunRecord | null;
  /** The issue as GitHub has it now. */
  issue(issue: number, repo?: string): IssueSnapshot;
  /** The run record in the issue's progress comment on GitHub (what a restart would read). */
  recordOnGitHub(issue: number, repo?: string): RunRecord | null;
  /** The effect deps of a run, as the shell builds them. */
  runDeps(record: RunRecord): AdvanceDeps;
  /** The world's T3 thread id of an issue's attempt. */
  threadId(issue: number, attempt?: number, repo?: string): string;
  /** Reconciles REPO (or `repo`) as a sweep does. */
  reconcile(repo?: string): Promise<void>;
}

export function aWorld(options: WorldOptions = {}): World {
  const clock = new Clock();
  const repos = options.repos ?? [REPO];
  const base = anOperatorConfig();
  // Every stage is available by default (Woodpecker, Kubernetes): the repo's file decides which run.
  const config = anOperatorConfig({
    allowlist: [...repos],
    woodpecker: { url: WOODPECKER_URL, token: "wp-token" },
    kube: { ...base.kube, apiUrl: "https://kube.test" },
    ...(options.slack === true ? { slack: SLACK } : {}),
    ...options.config,
  });
  const github = new MemoryGitHub({ now: clock.now });
  for (const repo of repos) {
    github.addRepo(repo, { installationId: INSTALLATION });
    github.setRole(repo, MAINTAINER, "write");
  }
  const agent = new MemoryAgentRunner({ now: clock.now });
  const deploy = new MemoryDeployReader({ nowSeconds: () => Math.floor(clock.now() / 1000) });
  const rollout = new MemoryRolloutReader();
  const versions = new MemoryVersionReader();
  const doorbell = new MemoryDoorbell({ channels: [CHANNEL] });
  const logs: LogLine[] = [];
  const reconcileRequests: string[] = [];
  const deps: ShellDeps = {
    config,
    appId: github.identity.appId,
    githubUrl: "https://github.com",
    issues: async (installationId) => github.issueTracker(installationId),
    ci: async (installationId) => github.ciReader(installationId),
    app: async () => github.app(),
    agent: options.agent === false ? null : agent,
    deploy,
    rollout,
    versions,
    doorbell,
    clock: clock.now,
    log: aQuietLog(logs),
  };
  const start = (): AfkService => {
    const afk = new AfkService(deps);
    afk.onReconcileRequested((repo) => void reconcileRequests.push(repo));
    // As app.ts does before the first delivery: afk knows its own bot, so its echoes are not a person's acts.
    afk.self = toBotIdentity(github.identity.slug);
    return afk;
  };
  const afk = start();
  // As after start-up: afk knows where it is installed, and has read each repo's runs (none yet).
  for (const repo of repos) {
    afk.rememberInstallation(repo, INSTALLATION);
    afk.indexedRepos.add(repo.toLowerCase());
  }
  const snapshotOf = (issue: number, repo: string): IssueSnapshot => {
    const found = github
      .snapshot()
      .repos.find((each) => each.repo === repo.toLowerCase())
      ?.issues.find((each) => each.number === issue);
    if (found === undefined) throw new Error(`no issue ${repo}#${issue}`);
    return found;
  };
  const world: World = {
    clock,
    github,
    agent,
    deploy,
    rollout,
    versions,
    doorbell,
    config,
    logs,
    reconcileRequests,
    afk,
    restart: () => (world.afk = start()),
    issues: () => github.issueTracker(INSTALLATION),
    readyIssue: ({ repo = REPO, ...input } = {}) =>
      github.addIssue(repo, { labeledBy: MAINTAINER, ...input, labels: [READY, ...(input.labels ?? [])] }),
    record: (issue, repo = REPO) => world.afk.index.get(repo, issue)?.record ?? null,
    issue: (issue, repo = REPO) => snapshotOf(issue, repo),
    recordOnGitHub: (issue, repo = REPO) => {
      const ours = snapshotOf(issue, repo).comments.filter(
        (comment) => comment.appId === github.identity.appId && isAfkComment(comment.body),
      );
      const decoded = decodeRecord(ours.at(-1)?.body);
      return decoded.ok ? decoded.record : null;
    },
    runDeps: (record) => toRunDeps(world.afk, github.issueTracker(INSTALLATION), record),
    threadId: (issue, attempt = 1, repo = REPO) =>
      toThreadId({ installationId: INSTALLATION, repo: repo.toLowerCase(), issue, attempt }),
    reconcile: (repo = REPO) => reconcile(world.afk, repo, INSTALLATION, null),
  };
  return world;
}

/** afk's own comments on the issue (its progress comment and its notices), oldest first. */
export function botComments(world: World, issue: number, repo: string = REPO): IssueSnapshot["comments"] {
  return world.issue(issue, repo).comments.filter((comment) => comment.appId === world.github.identity.appId);
}

/** afk's notices on the issue (the comments that notify a person: escalated, shipped), oldest first. */
export function noticesOf(world: World, issue: number, repo: string = REPO): string[] {
  return botComments(world, issue, repo)
    .map((comment) => comment.body)
    .filter((body) => body.includes("<!-- afk:notice "));
}

/** A ready issue, dispatched by a reconcile: its run is in the index, its thread in T3. */
export async function aDispatchedRun(
  world: World,
  input: IssueInput & { readonly repo?: string } = {},
): Promise<{ readonly issue: number; readonly record: RunRecord; readonly threadId: string }> {
  const issue = world.readyIssue(input);
  await world.reconcile(input.repo);
  const record = world.record(issue, input.repo);
  if (record === null || record.phase !== "dispatched") throw new Error(`#${issue} was not dispatched`);
  // Time moves on after the dispatch, as it does for real: a read of T3 on the dispatch's
  // own clock tick says nothing of its turn (core/observe/agent-threads.ts, isReadAfter).
  world.clock.advance(SECOND);
  return { issue, record, threadId: record.threadId };
}

/** A commit on the default branch carrying the `AFK-Issue` trailer, as the agent pushes it. Returns its sha. */
export function pushFix(world: World, issue: number, repo: string = REPO): string {
  const [sha] = world.github.act.push(repo, [{ message: `Make widgets spin\n\nAFK-Issue: ${issue}` }], {
    by: "afk-agent",
  });
  if (sha === undefined) throw new Error("nothing pushed");
  return sha;
}
