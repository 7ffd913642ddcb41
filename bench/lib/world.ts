// The world a benchmark runs afk in: the GitHub fake and the T3 fake (real HTTP servers
// on 127.0.0.1 in this, the bench's, process; they answer at once), N enrolled repos of
// one organisation under one installation, a maintainer with write access, and afk as a
// child process armed against them. Seeding helpers put runs in flight the way afk would
// have left them (labels, a progress comment written by the app holding the record, the
// pushed commit and its CI), so that afk finds them at start without a minute of writes.

import { renderProgressComment } from "../../src/core/render/render-progress.js";
import { toThreadId } from "../../src/core/run/ids.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { defaultRepoConfig, type OperatorConfig } from "../../src/core/config/config-types.js";
import { loadConfig } from "../../src/shell/load-config.js";
import { toLabelSpecs } from "../../src/shell/labels.js";
import { FAKE_APP_BOT, GitHubFake, toUser, type RecordedRequest } from "../../test/fakes/github-fake.js";
import { preciseNow } from "../../test/fakes/github-fake-http.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeRequest, type FakeT3 } from "../../test/fakes/t3-server.js";
import { ChildAfk } from "../../test/support/child-afk.js";

export const ORG = "bench-org";
export const INSTALLATION_ID = 4242;
export const WEBHOOK_SECRET = "bench-webhook-secret";
export const MAINTAINER = "maintainer";
export const READY = "ready-for-agent";
export const IN_PROGRESS = "afk:in-progress";
const MINUTE_MS = 60_000;

export interface WorldOptions {
  readonly repos: number;
  /** Repo names are `<prefix>-<i>`; `repo` when absent. */
  readonly prefix?: string;
  /** Create afk's labels in every repo up front (an installation that has run a while). */
  readonly labels?: boolean;
}

export class World {
  readonly github: GitHubFake;
  readonly t3: FakeT3;
  readonly repos: readonly string[];

  private constructor(github: GitHubFake, t3: FakeT3, repos: readonly string[]) {
    this.github = github;
    this.t3 = t3;
    this.repos = repos;
  }

  static async start(options: WorldOptions): Promise<World> {
    const github = new GitHubFake();
    await github.start();
    // A benchmark is not about GitHub's limit running out, only about counting against it.
    const t3 = await startFakeT3();
    const repos = Array.from({ length: options.repos }, (_, i) => `${ORG}/${options.prefix ?? "repo"}-${i + 1}`);
    const world = new World(github, t3, repos);
    for (const repo of repos) world.addRepo(repo, options.labels ?? true);
    return world;
  }

  addRepo(repo: string, labels: boolean): void {
    this.github.addRepo({ fullName: repo, ownerType: "Organization", installationId: INSTALLATION_ID });
    this.github.addCollaborator(repo, MAINTAINER, "write");
    if (!labels) return;
    for (const label of toLabelSpecs(this.config()))
      this.github.repo(repo).labels.set(label.name.toLowerCase(), {
        name: label.name,
        color: label.color,
        description: label.description,
      });
  }

  /** afk's environment against these fakes, armed for every repo; `extra` overrides. */
  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      ...this.github.probotEnv(),
      WEBHOOK_SECRET,
      AFK_KILL_SWITCH: "off",
      AFK_ALLOWLIST: this.repos.join(","),
      T3_BASE_URL: this.t3.url,
      T3_TOKEN: FAKE_T3_TOKEN,
      AFK_MAX_CONCURRENT_RUNS: "100",
      ...extra,
    };
  }

  /** The operator configuration afk parses from `env()`. */
  config(extra: Readonly<Record<string, string>> = {}): OperatorConfig {
    const loaded = loadConfig(this.env(extra));
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.config;
  }

  /** Starts afk against this world and connects GitHub's deliveries to it. */
  async startAfk(extra: Readonly<Record<string, string>> = {}): Promise<ChildAfk> {
    const afk = await ChildAfk.start({ env: this.env(extra) });
    this.github.connect({ webhookUrl: afk.webhookUrl, secret: WEBHOOK_SECRET });
    return afk;
  }

  /**
   * Resolves once afk's start-up is over: every repo's ready issues were listed (the last
   * read of the start-up reconcile) and no request reached either fake for `quietMs`.
   */
  async startupDone(since: number, quietMs = 400, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const listed = (): number =>
      new Set(
        this.github.requests
          .filter(
            (r) => r.startedAt >= since && r.endedAt !== null && /\/issues\?.*labels=ready-for-agent/.test(r.path),
          )
          .map((r) => r.path.split("/issues")[0]),
      ).size;
    while (listed() < this.repos.length) {
      if (Date.now() > deadline) throw new Error(`afk's start-up listed ${listed()} of ${this.repos.length} repos`);
      await sleep(50);
    }
    await this.quiet(quietMs, deadline);
  }

  /** Resolves once no request reached either fake, and no webhook was in flight, for `quietMs`. */
  async quiet(quietMs: number, deadline = Date.now() + 120_000): Promise<void> {
    let last = this.lastActivity();
    while (preciseNow() - last < quietMs || this.github.webhooks.busy) {
      if (Date.now() > deadline) throw new Error("the fakes never went quiet");
      await sleep(Math.max(20, quietMs / 4));
      last = this.lastActivity();
    }
  }

  lastActivity(): number {
    const at = (r: { startedAt: number; endedAt: number | null }): number => r.endedAt ?? r.startedAt;
    const github = this.github.requests.at(-1);
    const t3 = this.t3.requests.at(-1);
    return Math.max(github === undefined ? 0 : at(github), t3 === undefined ? 0 : at(t3));
  }

  /** GitHub requests for one repo (its `/repos/o/n/` routes), in a time window. */
  githubIn(from: number, to: number, repo?: string): RecordedRequest[] {
    const prefix = repo === undefined ? null : `/repos/${repo}/`;
    return this.github.requests.filter(
      (r) => r.startedAt >= from && r.startedAt < to && (prefix === null || r.path.toLowerCase().startsWith(prefix)),
    );
  }

  t3In(from: number, to: number): FakeRequest[] {
    return this.t3.requests.filter((r) => r.startedAt >= from && r.startedAt < to);
  }

  /** A run in flight waiting on CI, as afk leaves it: labels, pushed commit, pending workflow run, progress comment. */
  seedRunWaitingOnCi(repo: string, number: number, config: OperatorConfig): RunRecord {
    const now = Date.now();
    this.github.addIssue(repo, { number, labels: [READY, IN_PROGRESS], labeledBy: MAINTAINER });
    const { commit } = this.github.pushCommit(repo, { message: `Fix issue ${number}\n\nAFK-Issue: ${number}` });
    const run = this.github.startWorkflowRun(repo, { sha: commit.sha, jobs: ["test"] });
    const ciUrl = `https://github.com/${this.github.repo(repo).fullName}/actions/runs/${run.id}`;
    const record = aRunWaitingOnCi(repo.toLowerCase(), number, commit.sha, ciUrl, now, config);
    const body = renderProgressComment(record, now, { config, githubUrl: "https://github.com" });
    this.github.addComment(repo, number, body, FAKE_APP_BOT, true);
    return record;
  }

  async close(): Promise<void> {
    this.github.webhooks.disconnect();
    await this.github.stop();
    await this.t3.close();
  }
}

/** The record of a run whose agent pushed `sha` five minutes ago and whose CI is running. */
export function aRunWaitingOnCi(
  repo: string,
  issue: number,
  sha: string,
  ciUrl: string,
  now: number,
  config: OperatorConfig,
): RunRecord {
  const dispatchedAt = now - 20 * MINUTE_MS;
  const pushedAt = now - 5 * MINUTE_MS;
  return {
    v: 2,
    repo,
    issue,
    installationId: INSTALLATION_ID,
    attempt: 1,
    phase: "ci",
    threadId: toThreadId({ installationId: INSTALLATION_ID, repo, issue, attempt: 1 }),
    labeler: MAINTAINER,
    approval: { by: MAINTAINER, role: "write", via: "label", at: dispatchedAt, fingerprint: null },
    queuedReason: null,
    dispatchedAt,
    legStartedAt: dispatchedAt,
    endedAt: null,
    turn: { number: 1, kind: "opening", state: "ended", startedAt: dispatchedAt, sha: null, relayText: null },
    turns: 1,
    agentStatus: { kind: "pushed", sha },
    sha,
    pushedAt,
    stages: {
      ci: {
        verdict: "pending",
        since: pushedAt,
        url: ciUrl,
        detail: null,
        blockedSince: null,
        seenAny: true,
        failures: [],
      },
      deploy: null,
      rollout: null,
    },
    fixForwards: 0,
    fixForwardsTotal: 0,
    escalation: null,
    doorbell: null,
    doorbellFailure: null,
    closedByCommit: null,
    turnSeenAt: null,
    problems: [],
    resumptions: [],
    history: [
      { at: dispatchedAt, phase: "dispatched", note: "dispatched" },
      { at: pushedAt, phase: "ci", note: `pushed ${sha.slice(0, 7)}` },
    ],
    repoConfig: defaultRepoConfig(config),
  };
}

export function aMaintainer(): ReturnType<typeof toUser> {
  return toUser(MAINTAINER);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
