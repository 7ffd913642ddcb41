// The world of the issue-4 end-to-end suite: one enrolled repo whose `.github/afk.yml`
// names a Woodpecker deploy and a Kubernetes rollout, the three fakes behind afk's real
// clients, and one fake clock for all of them. Helpers script what people, the agent,
// GitHub Actions, Woodpecker and Kubernetes do, each the way the real system would.

import { toThreadId } from "../../src/core/run/ids.js";
import type { FakeWoodpeckerMode } from "../fakes/woodpecker-server.js";
import { DEFAULT_INSTALLATION_ID, DEFAULT_REPO } from "../support/webhook-fixtures.js";
import {
  applyReady,
  FakeClock,
  recordOf,
  REPO,
  type Harness,
  type HarnessOptions,
  type SlackHarnessOptions,
} from "./harness.js";

export const MINUTE_MS = 60_000;
export const NAMESPACE = "web";
export const DEPLOYMENT = "hello";
export const CONTAINER = "app";
export const IMAGE = "registry.example.com/codertocat/hello";
/** The sha the Deployment runs before any run: no commit of the tests. */
export const OLD_SHA = "0ddba11000000000000000000000000000000000";

export interface WorldOptions {
  /** The deploy stage (Woodpecker in this mode); none when false. Default v3. */
  readonly woodpecker?: FakeWoodpeckerMode | false;
  /** The Kubernetes rollout stage. Default true. */
  readonly kube?: boolean;
  /** `budgets:` of `.github/afk.yml`, in its own keys (`fix_forward_turns`, `deploy_blocked_minutes`, …). */
  readonly budgets?: Readonly<Record<string, number>>;
  readonly config?: HarnessOptions["config"];
  /** The Slack doorbell (the fake Slack Web API); none when absent. */
  readonly slack?: SlackHarnessOptions;
}

export interface World {
  readonly h: Harness;
  readonly clock: FakeClock;
  /** The repo's id in the Woodpecker fake (null without a deploy stage). */
  readonly woodpeckerRepoId: number | null;
}

/** `.github/afk.yml` as a repo would write it. */
export function toAfkYml(
  options: Pick<WorldOptions, "budgets"> & { readonly deploy: boolean; readonly rollout: boolean },
): string {
  const lines: string[] = [];
  if (options.deploy) lines.push("woodpecker:", `  repo: ${DEFAULT_REPO}`);
  if (options.rollout)
    lines.push(
      "rollout:",
      "  kubernetes:",
      `    namespace: ${NAMESPACE}`,
      `    deployment: ${DEPLOYMENT}`,
      `    container: ${CONTAINER}`,
    );
  const budgets = Object.entries(options.budgets ?? {});
  if (budgets.length > 0) lines.push("budgets:", ...budgets.map(([key, value]) => `  ${key}: ${value}`));
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

export async function startWorld(
  started: (options?: HarnessOptions) => Promise<Harness>,
  options: WorldOptions = {},
): Promise<World> {
  const clock = new FakeClock();
  const mode = options.woodpecker ?? "v3";
  const kube = options.kube ?? true;
  const h = await started({
    clock,
    ...(mode === false ? {} : { woodpecker: mode }),
    kube,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.slack === undefined ? {} : { slack: options.slack }),
  });
  const yml = toAfkYml({
    deploy: mode !== false,
    rollout: kube,
    ...(options.budgets === undefined ? {} : { budgets: options.budgets }),
  });
  if (yml !== "") h.github.repo(REPO).files.set(".github/afk.yml", yml);
  const woodpeckerRepoId = h.woodpecker?.addRepo(DEFAULT_REPO) ?? null;
  h.kube?.addDeployment({
    namespace: NAMESPACE,
    name: DEPLOYMENT,
    replicas: 2,
    containers: [{ name: CONTAINER, image: `${IMAGE}:${OLD_SHA.slice(0, 7)}` }],
  });
  return { h, clock, woodpeckerRepoId };
}

export function threadOf(issue: number, attempt = 1): string {
  return toThreadId({ installationId: DEFAULT_INSTALLATION_ID, repo: REPO, issue, attempt });
}

/** A trusted person labels the issue and afk dispatches it. */
export async function dispatched(world: World, issue: number): Promise<string> {
  const { h } = world;
  h.github.addIssue(REPO, { number: issue, title: `Make issue ${issue} happen` });
  if ((await applyReady(h, issue)) !== 200) throw new Error(`the labeled delivery for #${issue} failed`);
  await h.settle();
  const record = recordOf(h, issue);
  if (record.phase !== "dispatched") throw new Error(`#${issue} is ${record.phase}, not dispatched`);
  return record.threadId;
}

/** The agent's commit lands on the default branch with the trailer afk asks for. */
export function agentCommits(
  world: World,
  issue: number,
  subject = `Fix issue ${issue}`,
): ReturnType<Harness["github"]["pushCommit"]> {
  return world.h.github.pushCommit(REPO, { message: `${subject}\n\nAFK-Issue: ${issue}` });
}

/** The agent's turn ends, leaving `text` (its last message, status line included). */
export function agentEnds(world: World, threadId: string, text: string): void {
  world.h.t3.completeTurn(threadId, { text, state: "completed" });
}

/** Delivers a payload and fails the test unless afk answered 200. */
export async function deliverOk(world: World, event: string, payload: unknown): Promise<void> {
  const status = await world.h.deliver(event, payload);
  if (status !== 200) throw new Error(`the ${event} delivery was answered ${status}`);
  await world.h.settle();
}

/** GitHub Actions runs CI for the sha to its end and says so (`workflow_run` and each `check_run`). */
export async function ciRuns(
  world: World,
  sha: string,
  conclusion: "success" | "failure",
  jobs: Parameters<Harness["github"]["completeWorkflowRun"]>[2]["jobs"] = {},
): Promise<number> {
  const { github } = world.h;
  const run = github.startWorkflowRun(REPO, { sha, jobs: ["lint", "test"] });
  await deliverOk(world, "workflow_run", github.workflowRunPayload(REPO, run.id));
  world.clock.advance(3 * MINUTE_MS);
  github.completeWorkflowRun(REPO, run.id, { conclusion, jobs });
  for (const check of github.checkRunsOf(REPO, run.id))
    await deliverOk(world, "check_run", github.checkRunPayload(REPO, check.id));
  await deliverOk(world, "workflow_run", github.workflowRunPayload(REPO, run.id));
  return run.id;
}

/** Woodpecker starts the deploy pipeline for the sha (it sends afk no webhook). */
export function pipelineFor(world: World, sha: string, status: "pending" | "running" | "blocked" = "running"): number {
  const { h, woodpeckerRepoId } = world;
  if (h.woodpecker === null || woodpeckerRepoId === null) throw new Error("this world has no Woodpecker");
  return h.woodpecker.addPipeline(woodpeckerRepoId, { commit: sha, status, message: `deploy ${sha.slice(0, 7)}` })
    .number;
}

export function pipelineEnds(
  world: World,
  number: number,
  status: "success" | "failure" | "killed" | "canceled",
  supersededBy?: number,
): void {
  const { h, woodpeckerRepoId } = world;
  if (h.woodpecker === null || woodpeckerRepoId === null) throw new Error("this world has no Woodpecker");
  h.woodpecker.setStatus(woodpeckerRepoId, number, status, supersededBy === undefined ? {} : { supersededBy });
}

/** Keel sets the image tag to the sha; the controller observes the new generation. */
export function keelDeploys(world: World, sha: string): void {
  const { kube } = world.h;
  if (kube === null) throw new Error("this world has no Kubernetes");
  kube.setImage(NAMESPACE, DEPLOYMENT, CONTAINER, `${IMAGE}:${sha.slice(0, 7)}`);
  kube.advance(NAMESPACE, DEPLOYMENT);
}

/** A failing job's log: a long preamble, then the lines that tell why. */
export function aFailingLog(lines = 400): string[] {
  const preamble = Array.from({ length: lines }, (_, n) => `preamble line ${n + 1}: installing dependencies`);
  return [
    ...preamble,
    "FAIL test/math.test.ts > add > adds two numbers",
    "AssertionError: expected 5 to be 4 // Object.is equality",
    "##[error]Process completed with exit code 1.",
  ];
}

/** The text of every `thread.turn.start` afk sent, in order (the opening turn first). */
export function turnTexts(world: World): string[] {
  return world.h.t3.commands
    .filter((command) => command.type === "thread.turn.start")
    .map((command) => String((command.message as { text?: unknown }).text));
}

/** Dispatch, the agent's push (by webhook) and green CI: the run waits on the deploy. */
export async function toDeploying(world: World, issue: number): Promise<{ thread: string; sha: string }> {
  const thread = await dispatched(world, issue);
  world.clock.advance(10 * MINUTE_MS);
  const { commit, payload } = agentCommits(world, issue);
  agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
  await deliverOk(world, "push", payload);
  await ciRuns(world, commit.sha, "success");
  const phase = recordOf(world.h, issue).phase;
  if (phase !== "deploying") throw new Error(`#${issue} is ${phase}, not deploying`);
  return { thread, sha: commit.sha };
}

/** …and the deploy pipeline green: the run waits on the rollout. */
export async function toRollingOut(world: World, issue: number): Promise<{ thread: string; sha: string }> {
  const reached = await toDeploying(world, issue);
  pipelineEnds(world, pipelineFor(world, reached.sha), "success");
  world.clock.advance(MINUTE_MS);
  await world.h.sweepOnce();
  const phase = recordOf(world.h, issue).phase;
  if (phase !== "rolling-out") throw new Error(`#${issue} is ${phase}, not rolling out`);
  return reached;
}
