// The world of the model-based test (issue 8): three enrolled repos of two issues each, on
// the chaos world's twins (chaos-world.ts), afk wired as src/app.ts wires it (twin-afk.ts),
// killed mid-way and started again at will (lifeline.ts), a cap of two runs for three
// repos, and the people around it: a maintainer afk trusts, Mallory who has no access
// (afk must never dispatch for her), Alice who may answer on the doorbell and a Slack
// stranger who may not. What happened across every sequence is tallied for the report.

import { parseThreadTitle } from "../../src/core/run/thread-title.js";
import { ChaosWorld, MINUTE_MS } from "./chaos-world.js";
import { recordOnGitHub } from "./crash-stories.js";

export const MODEL_REPOS: readonly string[] = ["acme/alpha", "acme/beta", "acme/gamma"];
export const ISSUES_PER_REPO = 2;
export const CAP = 2;
/** A person with no access to any repo: a label of hers is never an approval. */
export const MALLORY = "mallory";
/** A Slack user not on the allowed list. */
export const STRANGER = "U0STRANGER";

/** What the runs of one test did, summed over every sequence (the closing note's figures). */
export interface Tally {
  sequences: number;
  commands: number;
  /** afk killed: right after its k-th write (mid-way), or between two commands. */
  kills: number;
  /** New afk processes started over the same twins after a kill. */
  restarts: number;
  /** Calls a twin answered with an injected failure (5xx, timeout, secondary rate limit). */
  faults: number;
  /** T3 threads afk made (dispatches), and runs that rested shipped, escalated or cancelled at the end. */
  dispatches: number;
  ended: Record<string, number>;
}

export function aTally(): Tally {
  return { sequences: 0, commands: 0, kills: 0, restarts: 0, faults: 0, dispatches: 0, ended: {} };
}

export function issueKey(repo: string, issue: number): string {
  return `${repo}#${issue}`;
}

export class ModelWorld {
  readonly world: ChaosWorld;
  readonly tally: Tally;
  /** Per issue: stopping acts by people (ready or human label removed, closed, Take over by Alice). */
  readonly humanStops = new Map<string, number>();
  /** Per issue: the stopping acts already accounted for by a run that ended as cancelled or taken over. */
  readonly stopsUsed = new Map<string, number>();
  /** Per issue: the terminal (attempt/phase) already seen, so each ending is judged once. */
  readonly endingsSeen = new Map<string, string>();
  /** T3 threads seen so far (a new one is a dispatch). */
  readonly threadsSeen = new Set<string>();

  constructor(tally: Tally) {
    this.tally = tally;
    this.world = new ChaosWorld({
      repos: MODEL_REPOS,
      slack: true,
      config: { maxConcurrentRuns: CAP },
      keepLogs: process.env.AFK_MODEL_LOGS === "1",
    });
    for (const repo of MODEL_REPOS)
      for (let n = 1; n <= ISSUES_PER_REPO; n += 1)
        this.world.github.addIssue(repo, { title: `Task ${n} of ${repo}`, body: "Make it so." });
  }

  async begin(): Promise<void> {
    await this.world.start();
    await this.settleLife();
  }

  /** A person's (or a system's) act is followed by what GitHub and Slack deliver, with afk restarted whenever it died. */
  async deliver(): Promise<void> {
    await this.settleLife();
    await this.world.deliver();
    await this.settleLife();
    this.agentsStart();
  }

  /**
   * T3 starts a requested turn within seconds (its session runs, or fails: contracts/t3.md):
   * the agents pick up every turn afk asked for before anything else happens. Left waiting
   * for hours, they would show T3 in a state the real one does not stay in.
   */
  agentsStart(): void {
    const { agent } = this.world;
    for (const thread of agent.snapshot().threads) if (thread.turnRequested) agent.pickUpTurn(thread.id);
  }

  /** Starts afk again until it is alive and has delivered what waits (it may die again on the way). */
  async settleLife(): Promise<void> {
    for (let round = 0; this.world.afk.dead; round += 1) {
      if (round > 20) throw new Error("afk keeps dying at start");
      this.tally.kills += 1;
      this.tally.restarts += 1;
      await this.world.start();
      await this.world.deliver();
    }
  }

  /** Kill afk now, between two acts, and start a new one. */
  async restart(): Promise<void> {
    this.world.kill();
    await this.settleLife();
  }

  /** Kill afk right after its k-th write from now (mid-way through whatever it does next). */
  crashAfter(writes: number): void {
    this.world.writes.crashAt = this.world.writes.count + writes;
  }

  async sweep(minutes: number): Promise<void> {
    this.world.clock.advance(minutes * MINUTE_MS);
    await this.settleLife();
    await this.world.sweep();
    await this.settleLife();
    this.agentsStart();
  }

  stoppedByPerson(repo: string, issue: number): void {
    const key = issueKey(repo, issue);
    this.humanStops.set(key, (this.humanStops.get(key) ?? 0) + 1);
  }

  /** The threads afk made in a repo (from their titles, which name the issue). */
  threadsOf(repo: string): ReturnType<ChaosWorld["agent"]["snapshot"]>["threads"] {
    return this.world.agent.snapshot().threads.filter((thread) => parseThreadTitle(thread.title)?.repo === repo);
  }

  /** Clears every injected fault and pending crash; the injected failures answered so far are tallied. */
  clearFaults(): void {
    const { github, agent, doorbell, writes } = this.world;
    github.knobs.clear();
    agent.knobs.clear();
    doorbell.knobs.clear();
    writes.crashAt = null;
  }

  /** Quiet: no fault, no crash pending, afk alive, every delivery made, two sweeps a minute apart. */
  async quiesce(): Promise<void> {
    this.clearFaults();
    await this.deliver();
    await this.sweep(1);
    await this.sweep(1);
  }

  /** Ends the sequence: its injected failures go into the tally. */
  finish(): void {
    const { github, agent, doorbell } = this.world;
    for (const calls of [github.knobs.calls, agent.knobs.calls, doorbell.knobs.calls])
      this.tally.faults += calls.filter(
        (call) => call.injected === "fail" || call.injected === "fail-after-apply",
      ).length;
    this.tally.dispatches += agent.snapshot().threads.length;
    for (const repo of github.snapshot().repos)
      for (const issue of repo.issues) {
        const phase = recordOnGitHub(this.world, repo.repo, issue.number)?.phase ?? "none";
        this.tally.ended[phase] = (this.tally.ended[phase] ?? 0) + 1;
      }
    this.world.kill();
  }
}
