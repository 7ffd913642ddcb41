// The stories the crash-point suite tells, and the people and systems acting in them.
// Everyone outside afk reacts to what they can see, minute by minute, whether afk is
// alive or not: the agent answers each turn T3 hands it, GitHub Actions, Woodpecker and
// Keel carry a pushed commit to production, and Alice answers (or presses a button on)
// the doorbell she sees while the issue says it waits for a human. A person whose act
// changed nothing in three minutes acts again, as people do. The same story, told with
// and without a crash, must end the same.

import { RETRY_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { toThreadId } from "../../src/core/run/ids.js";
import { decodeRecord, isAfkComment } from "../../src/core/run/record-codec.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { AGENT_LOGIN, ALICE, CHANNEL, INSTALLATION, MAINTAINER, type ChaosWorld } from "./chaos-world.js";

export const REPO = "acme/widgets";
export const ISSUE = 1;
const NAMESPACE = "web";
const DEPLOYMENT = "hello";
const IMAGE = "registry.test/acme/widgets";
const QUESTION = "AFK-STATUS: blocked: Which colour should the widgets spin?";
const ANSWER = "Blue, please.";
/** Minutes a person waits for a visible answer before acting again. */
const PATIENCE_TICKS = 3;

export interface Story {
  readonly name: string;
  readonly slack: boolean;
  /** What the agent does with a turn: push a fix, or ask a question. */
  readonly agent: (turn: { readonly attempt: number; readonly text: string }) => "push" | "ask";
  /** Alice on the doorbell, when the issue waits for a human: answer in its thread, or press Retry. */
  readonly alice: "answer" | "retry" | null;
}

export const STORIES: readonly Story[] = [
  { name: "label → shipped", slack: false, agent: () => "push", alice: null },
  {
    name: "escalate → Slack answer → resume → shipped",
    slack: true,
    agent: ({ text }) => (text.includes(ANSWER) ? "push" : "ask"),
    alice: "answer",
  },
  {
    name: "escalate → Retry from scratch → attempt 2 → shipped",
    slack: true,
    agent: ({ attempt }) => (attempt >= 2 ? "push" : "ask"),
    alice: "retry",
  },
];

/** The repo's pipeline: CI on GitHub Actions, a Woodpecker deploy, a Kubernetes rollout. */
export function setUpRepo(world: ChaosWorld): void {
  const yml = [
    "woodpecker:",
    `  repo: ${REPO}`,
    "rollout:",
    "  kubernetes:",
    `    namespace: ${NAMESPACE}`,
    `    deployment: ${DEPLOYMENT}`,
    "    container: app",
    "",
  ].join("\n");
  world.github.setFile(REPO, AFK_CONFIG_PATH, yml);
  world.deploy.addRepo(REPO);
  world.rollout.setDeployment(NAMESPACE, DEPLOYMENT, { image: `${IMAGE}:0ddba11`, container: "app" });
  world.github.addIssue(REPO, { title: "Widgets should spin" });
}

/** The run record on GitHub: afk's newest progress comment (what a restart reads). */
export function recordOnGitHub(world: ChaosWorld, repo: string, issue: number): RunRecord | null {
  const found = world.github
    .snapshot()
    .repos.find((each) => each.repo === repo)
    ?.issues.find((each) => each.number === issue);
  const ours = (found?.comments ?? []).filter(
    (comment) => comment.appId === world.github.identity.appId && isAfkComment(comment.body),
  );
  const decoded = decodeRecord(ours.at(-1)?.body);
  return decoded.ok ? decoded.record : null;
}

/** Which attempt of which issue a thread is, from its deterministic id. */
export function toAttemptOf(threadId: string, repo: string, issue: number): number | null {
  for (let attempt = 1; attempt <= 9; attempt += 1)
    if (toThreadId({ installationId: INSTALLATION, repo, issue, attempt }) === threadId) return attempt;
  return null;
}

interface Push {
  readonly sha: string;
  readonly tick: number;
  done: number;
}

/** Everyone outside afk, acting each minute on what they see. */
export class Actors {
  readonly #world: ChaosWorld;
  readonly #story: Story;
  readonly #pushes: Push[] = [];
  /** When the agent first saw each requested turn (by the thread's message count): it works a minute on it. */
  readonly #seen = new Map<string, number>();
  #aliceActedAt = -Infinity;
  #tick = 0;

  constructor(world: ChaosWorld, story: Story) {
    this.#world = world;
    this.#story = story;
  }

  async act(tick: number): Promise<void> {
    this.#tick = tick;
    this.#agentAnswers();
    this.#pipelineMoves();
    await this.#aliceActs();
  }

  #agentAnswers(): void {
    const { agent, github } = this.#world;
    for (const thread of agent.snapshot().threads) {
      if (!thread.live || !thread.turnRequested) continue;
      const key = `${thread.id}/${thread.messages.length}`;
      const seenAt = this.#seen.get(key) ?? this.#tick;
      this.#seen.set(key, seenAt);
      if (this.#tick === seenAt) continue;
      const attempt = toAttemptOf(thread.id, REPO, ISSUE) ?? 0;
      const text = thread.messages.filter((message) => message.role === "user").at(-1)?.text ?? "";
      if (this.#story.agent({ attempt, text }) === "ask") {
        agent.endTurn(thread.id, { state: "completed", text: QUESTION });
        continue;
      }
      const [sha = ""] = github.act.push(REPO, [{ message: `Make widgets spin\n\nAFK-Issue: ${ISSUE}` }], {
        by: AGENT_LOGIN,
      });
      this.#pushes.push({ sha, tick: this.#tick, done: 0 });
      agent.endTurn(thread.id, { state: "completed", text: `Done.\n\nAFK-STATUS: pushed ${sha}` });
    }
  }

  /** A minute per stage: CI green, the deploy pipeline green, the rollout complete. */
  #pipelineMoves(): void {
    const { github, deploy, rollout } = this.#world;
    for (const push of this.#pushes) {
      const due = this.#tick - push.tick;
      if (push.done === 0 && due >= 1) {
        github.ci.completeWorkflowRun(github.ci.startWorkflowRun(REPO, { sha: push.sha }), "success");
        push.done = 1;
      } else if (push.done === 1 && due >= 2) {
        deploy.addPipeline(deploy.addRepo(REPO), { commit: push.sha, status: "success" });
        push.done = 2;
      } else if (push.done === 2 && due >= 3) {
        rollout.rollOut(NAMESPACE, DEPLOYMENT, `${IMAGE}:${push.sha.slice(0, 7)}`);
        rollout.completeRollout(NAMESPACE, DEPLOYMENT);
        push.done = 3;
      }
    }
  }

  async #aliceActs(): Promise<void> {
    const { alice } = this.#story;
    if (alice === null || this.#tick - this.#aliceActedAt < PATIENCE_TICKS) return;
    const record = recordOnGitHub(this.#world, REPO, ISSUE);
    if (record?.phase !== "escalated" || record.attempt !== 1) return;
    const doorbell = this.#world.doorbell
      .messages(CHANNEL)
      .filter((message) => message.botId !== null && message.threadTs === null)
      .at(-1);
    if (doorbell === undefined) return;
    this.#aliceActedAt = this.#tick;
    if (alice === "answer") {
      this.#world.doorbell.humanMessage(CHANNEL, ALICE, ANSWER, doorbell.ts);
      return;
    }
    await this.#world.press({
      actionId: RETRY_ACTION_ID,
      user: { id: ALICE, name: "alice" },
      channel: CHANNEL,
      messageTs: doorbell.ts,
    });
  }
}

/** A trusted maintainer labels the issue. */
export function labelReady(world: ChaosWorld): void {
  world.github.act.label(REPO, ISSUE, world.config.labels.ready, MAINTAINER);
}
