// The world the real-process chaos test runs afk in: the bench's world (bench/lib/world.ts:
// the GitHub fake and the T3 fake on 127.0.0.1, one enrolled repo, a maintainer, afk as a
// child process connected to GitHub's deliveries) plus the Woodpecker and Kubernetes fakes
// named by the repo's `.github/afk.yml`. Everyone outside afk acts on what they can see,
// whether afk is alive or not, as in the crash-point stories (crash-stories.ts): the agent
// answers each turn T3 hands it with a pushed commit; GitHub Actions runs CI for a push to
// green; Woodpecker deploys it; Keel rolls it out. Each of those steps can be held back
// (`gates`) so that a test can let afk be killed a few times in each stage of the run.
//
// Every request afk makes to any of the four fakes is seen, in order (`seen`): the
// test kills afk right after its k-th request since it was started.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INSTALLATION_ID, MAINTAINER, READY, World } from "../../bench/lib/world.js";
import { toThreadId } from "../../src/core/run/ids.js";
import { decodeRecord, isAfkComment } from "../../src/core/run/record-codec.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { FAKE_APP_BOT } from "../fakes/github-fake.js";
import { FAKE_KUBE_TOKEN, KUBE_FIXTURE_CA, startFakeKube, type FakeKube } from "../fakes/kube-server.js";
import { FAKE_WOODPECKER_TOKEN, startFakeWoodpecker, type FakeWoodpecker } from "../fakes/woodpecker-server.js";
import type { ChildAfk } from "../support/child-afk.js";
import { toCommentsSeen, toRecordSeen, type CommentsSeen } from "./outcome.js";

export const ISSUE = 1;
export const AGENT = "afk-agent";
const NAMESPACE = "web";
const DEPLOYMENT = "hello";
const CONTAINER = "app";
const IMAGE = "registry.example.com/chaos/hello";
/** How long each outside actor takes to do its part, in real milliseconds. */
const ACT_MS = 150;

/** afk's environment beyond the bench world's: the deploy and rollout stages, and time made short. */
export function stageEnv(woodpecker: FakeWoodpecker, kube: FakeKube, tokenFile: string): Record<string, string> {
  return {
    WOODPECKER_URL: woodpecker.url,
    WOODPECKER_TOKEN: FAKE_WOODPECKER_TOKEN,
    AFK_KUBE_API_URL: kube.url,
    AFK_KUBE_TOKEN_FILE: tokenFile,
    AFK_KUBE_CA_FILE: KUBE_FIXTURE_CA,
    // afk's shortest sweep: the deploy and the rollout are seen only by a sweep (they send no webhook).
    AFK_SWEEP_INTERVAL_SECONDS: "10",
    AFK_MAX_CONCURRENT_RUNS: "1",
  };
}

/** One request afk made, to any of the fakes, in the order they were seen. */
export interface SeenRequest {
  readonly system: "github" | "t3" | "woodpecker" | "kubernetes";
  readonly method: string;
  readonly path: string;
}

/** What people and systems see at the end (times, shas and ids left out: a run with kills ends later). */
export interface Outcome extends CommentsSeen {
  readonly issue: { readonly state: string; readonly stateReason: string | null; readonly labels: readonly string[] };
  readonly record: Readonly<Record<string, unknown>> | null;
  /** Per T3 thread (by attempt): threads created, turns started, interrupts. */
  readonly threads: Readonly<
    Record<string, { readonly creates: number; readonly turns: number; readonly interrupts: number }>
  >;
  readonly projects: number;
  /** Commits the agent pushed. */
  readonly pushes: number;
}

/** Which outside steps may happen yet: the test opens them as it goes. */
export interface Gates {
  agent: boolean;
  ci: boolean;
  deploy: boolean;
  rollout: boolean;
}

interface Push {
  readonly sha: string;
  at: number;
  step: "pushed" | "ci-running" | "ci-green" | "deployed" | "rolled-out";
}

export class ProcessWorld {
  readonly base: World;
  readonly woodpecker: FakeWoodpecker;
  readonly kube: FakeKube;
  readonly repo: string;
  readonly gates: Gates = { agent: true, ci: true, deploy: true, rollout: true };
  /** Every request afk made to the fakes, oldest first. */
  readonly seen: SeenRequest[] = [];
  readonly #woodpeckerRepo: number;
  readonly #dir: string;
  readonly #pushes: Push[] = [];
  readonly #answered = new Set<string>();
  readonly #counted = { github: 0, t3: 0, woodpecker: 0, kubernetes: 0 };
  #afk: ChildAfk | null = null;
  #timer: NodeJS.Timeout | null = null;
  #listeners: (() => void)[] = [];

  private constructor(base: World, woodpecker: FakeWoodpecker, kube: FakeKube, dir: string) {
    this.base = base;
    this.woodpecker = woodpecker;
    this.kube = kube;
    this.#dir = dir;
    const repo = base.repos[0];
    if (repo === undefined) throw new Error("no repo");
    this.repo = repo;
    this.#woodpeckerRepo = woodpecker.addRepo(repo);
    const yml = [
      "woodpecker:",
      `  repo: ${repo}`,
      "rollout:",
      "  kubernetes:",
      `    namespace: ${NAMESPACE}`,
      `    deployment: ${DEPLOYMENT}`,
      `    container: ${CONTAINER}`,
      "",
    ].join("\n");
    base.github.repo(repo).files.set(AFK_CONFIG_PATH, yml);
    base.github.addCollaborator(repo, AGENT, "write");
    kube.addDeployment({
      namespace: NAMESPACE,
      name: DEPLOYMENT,
      replicas: 2,
      containers: [{ name: CONTAINER, image: `${IMAGE}:0ddba11` }],
    });
    base.github.addIssue(repo, { number: ISSUE, title: "Make the widgets spin" });
  }

  static async start(): Promise<ProcessWorld> {
    const base = await World.start({ repos: 1, prefix: "chaos" });
    const woodpecker = await startFakeWoodpecker({ mode: "v3" });
    const kube = await startFakeKube();
    const dir = mkdtempSync(join(tmpdir(), "afk-process-chaos-"));
    writeFileSync(join(dir, "token"), `${FAKE_KUBE_TOKEN}\n`);
    const world = new ProcessWorld(base, woodpecker, kube, dir);
    world.#timer = setInterval(() => world.#tick(), 2);
    return world;
  }

  get afk(): ChildAfk {
    if (this.#afk === null) throw new Error("afk was never started");
    return this.#afk;
  }

  /** Starts afk (armed, the fakes' deliveries connected to it). */
  async startAfk(): Promise<ChildAfk> {
    this.#afk = await this.base.startAfk(stageEnv(this.woodpecker, this.kube, join(this.#dir, "token")));
    return this.#afk;
  }

  /** A trusted maintainer applies the ready label (GitHub delivers `issues.labeled`, or fails to). */
  labelReady(): void {
    void this.base.github.as(MAINTAINER).label(this.repo, ISSUE, READY);
  }

  /** Resolves at afk's next request to any fake, or after `timeoutMs`. */
  nextRequest(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#listeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The run record afk keeps on the issue (its progress comment), or null. */
  record(): RunRecord | null {
    const ours = this.#appComments().filter((comment) => isAfkComment(comment.body));
    const decoded = decodeRecord(ours.at(-1)?.body);
    return decoded.ok ? decoded.record : null;
  }

  issueState(): string {
    return this.base.github.issue(this.repo, ISSUE).state;
  }

  outcome(): Outcome {
    const issue = this.base.github.issue(this.repo, ISSUE);
    const ours = this.#appComments();
    const record = this.record();
    const threads: Record<string, { creates: number; turns: number; interrupts: number }> = {};
    for (const command of this.base.t3.commands) {
      const threadId = command.threadId;
      if (typeof threadId !== "string") continue;
      const key = `attempt ${this.#attemptOf(threadId) ?? "?"}`;
      const counts = (threads[key] ??= { creates: 0, turns: 0, interrupts: 0 });
      if (command.type === "thread.create") counts.creates += 1;
      else if (command.type === "thread.turn.start") counts.turns += 1;
      else if (command.type === "thread.turn.interrupt") counts.interrupts += 1;
    }
    return {
      issue: {
        state: issue.state,
        stateReason: issue.state_reason,
        labels: [...issue.labels].sort(),
      },
      ...toCommentsSeen(ours.map((comment) => comment.body)),
      record: record === null ? null : { ...toRecordSeen(record), escalation: record.escalation },
      threads,
      projects: this.base.t3.commands.filter((command) => command.type === "project.create").length,
      pushes: this.#pushes.length,
    };
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#afk?.close();
    await this.base.close();
    await this.woodpecker.close();
    await this.kube.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #appComments(): { readonly body: string }[] {
    return this.base.github
      .issue(this.repo, ISSUE)
      .comments.filter((comment) => comment.viaApp && comment.user.login === FAKE_APP_BOT.login);
  }

  #attemptOf(threadId: string): number | null {
    for (let attempt = 1; attempt <= 9; attempt += 1)
      if (
        toThreadId({ installationId: INSTALLATION_ID, repo: this.repo.toLowerCase(), issue: ISSUE, attempt }) ===
        threadId
      )
        return attempt;
    return null;
  }

  /** Every 2 ms: the requests afk made since, in order; then what the outside world does. */
  #tick(): void {
    const before = this.seen.length;
    this.#take("github", this.base.github.requests);
    this.#take("t3", this.base.t3.requests);
    this.#take("woodpecker", this.woodpecker.requests);
    this.#take("kubernetes", this.kube.requests);
    if (this.seen.length > before) for (const listener of this.#listeners.splice(0)) listener();
    this.#act();
  }

  #take(system: SeenRequest["system"], requests: readonly { method: string; path: string }[]): void {
    for (let i = this.#counted[system]; i < requests.length; i += 1) {
      const request = requests[i];
      if (request !== undefined) this.seen.push({ system, method: request.method, path: request.path });
    }
    this.#counted[system] = requests.length;
  }

  /** The agent, GitHub Actions, Woodpecker and Keel, each on what it sees, each taking ACT_MS. */
  #act(): void {
    const now = Date.now();
    const { github, t3 } = this.base;
    if (this.gates.agent)
      for (const command of t3.commands) {
        if (command.type !== "thread.turn.start" || typeof command.threadId !== "string") continue;
        const key = `${command.threadId}/${String(command.commandId)}`;
        if (this.#answered.has(key)) continue;
        this.#answered.add(key);
        const threadId = command.threadId;
        // The agent pushes to the default branch (GitHub delivers `push`), then its turn ends.
        const { commit, payload } = github.pushCommit(this.repo, {
          message: `Make the widgets spin\n\nAFK-Issue: ${ISSUE}`,
          author: AGENT,
        });
        void github.notify("push", payload);
        t3.completeTurn(threadId, { text: `Done.\n\nAFK-STATUS: pushed ${commit.sha}`, state: "completed" });
        this.#pushes.push({ sha: commit.sha, at: now, step: "pushed" });
      }
    for (const push of this.#pushes) {
      if (now - push.at < ACT_MS) continue;
      if (push.step === "pushed" && this.gates.ci) this.#ciStarts(push, now);
      else if (push.step === "ci-running" && this.gates.ci) this.#ciEnds(push, now);
      else if (push.step === "ci-green" && this.gates.deploy) {
        this.woodpecker.addPipeline(this.#woodpeckerRepo, {
          commit: push.sha,
          status: "success",
          message: `deploy ${push.sha.slice(0, 7)}`,
        });
        Object.assign(push, { at: now, step: "deployed" });
      } else if (push.step === "deployed" && this.gates.rollout) {
        this.kube.setImage(NAMESPACE, DEPLOYMENT, CONTAINER, `${IMAGE}:${push.sha.slice(0, 7)}`);
        this.kube.rollOut(NAMESPACE, DEPLOYMENT);
        Object.assign(push, { at: now, step: "rolled-out" });
      }
    }
  }

  #ciStarts(push: Push, now: number): void {
    const { github } = this.base;
    const run = github.startWorkflowRun(this.repo, { sha: push.sha, jobs: ["lint", "test"] });
    void github.notify("workflow_run", github.workflowRunPayload(this.repo, run.id));
    Object.assign(push, { at: now, step: "ci-running", run: run.id });
  }

  #ciEnds(push: Push, now: number): void {
    const { github } = this.base;
    const run = github.repo(this.repo).workflowRuns.find((each) => each.headSha === push.sha);
    if (run === undefined) return;
    github.completeWorkflowRun(this.repo, run.id, { conclusion: "success" });
    for (const check of github.checkRunsOf(this.repo, run.id))
      void github.notify("check_run", github.checkRunPayload(this.repo, check.id));
    void github.notify("workflow_run", github.workflowRunPayload(this.repo, run.id));
    Object.assign(push, { at: now, step: "ci-green" });
  }
}
