// The commands of the model-based test (issue 8): what people, the agent, CI, Slack and
// the operator may do at any moment over the three repos, afk's restarts (killed between
// two acts, or mid-way right after its k-th write) and the faults the twins answer with
// (5xx, timeouts, GitHub's secondary rate limit; before or after applying a write). Each
// command acts, lets GitHub and Slack deliver what it caused, restarts afk if it died,
// and checks the invariants (model-invariants.ts). The model is kept by the world itself
// (model-world.ts: who stopped which run, which threads were seen): fast-check's model
// object carries nothing, every command may run at any time.

import fc from "fast-check";
import { parseDoorbellMetadata } from "../../src/core/slack/decide-slack.js";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { parseThreadTitle } from "../../src/core/run/thread-title.js";
import type { FailureSpec } from "../../src/adapters/memory/knobs.js";
import { isActive } from "../../src/core/run/run-record.js";
import { AGENT_LOGIN, ALICE, CHANNEL, MAINTAINER } from "./chaos-world.js";
import { recordOnGitHub } from "./crash-stories.js";
import { checkAlways, checkAtRest } from "./model-invariants.js";
import { ISSUES_PER_REPO, MALLORY, MODEL_REPOS, STRANGER, type ModelWorld } from "./model-world.js";

/** Nothing: the world keeps the model (see above). */
export type Model = object;
type Command = fc.AsyncCommand<Model, ModelWorld>;

const repoOf = (index: number): string => MODEL_REPOS[index] ?? "";

abstract class Act implements Command {
  check(): boolean {
    return true;
  }

  async run(_model: Model, real: ModelWorld): Promise<void> {
    real.tally.commands += 1;
    await this.act(real);
    await real.deliver();
    checkAlways(real);
  }

  protected abstract act(real: ModelWorld): Promise<void> | void;
  abstract toString(): string;
}

class Label extends Act {
  constructor(
    readonly repo: number,
    readonly issue: number,
    readonly by: string,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    real.world.github.act.label(repoOf(this.repo), this.issue, real.world.config.labels.ready, this.by);
  }
  toString(): string {
    return `${this.by} labels ${repoOf(this.repo)}#${this.issue} ready`;
  }
}

class Unlabel extends Act {
  constructor(
    readonly repo: number,
    readonly issue: number,
    readonly label: "ready" | "human",
    readonly by: string,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const { github, config } = real.world;
    const name = config.labels[this.label];
    const issue = github.snapshot().repos[this.repo]?.issues[this.issue - 1];
    if (issue?.labels.includes(name) !== true) return;
    real.stoppedByPerson(repoOf(this.repo), this.issue);
    github.act.unlabel(repoOf(this.repo), this.issue, name, this.by);
  }
  toString(): string {
    return `${this.by} removes ${this.label} from ${repoOf(this.repo)}#${this.issue}`;
  }
}

class CloseOrReopen extends Act {
  constructor(
    readonly repo: number,
    readonly issue: number,
    readonly close: boolean,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const { github } = real.world;
    const open = github.snapshot().repos[this.repo]?.issues[this.issue - 1]?.state === "open";
    if (this.close && open) {
      real.stoppedByPerson(repoOf(this.repo), this.issue);
      github.act.close(repoOf(this.repo), this.issue, MAINTAINER);
    } else if (!this.close && !open) github.act.reopen(repoOf(this.repo), this.issue, MAINTAINER);
  }
  toString(): string {
    return `${MAINTAINER} ${this.close ? "closes" : "reopens"} ${repoOf(this.repo)}#${this.issue}`;
  }
}

class EditBody extends Act {
  constructor(
    readonly repo: number,
    readonly issue: number,
    readonly by: string,
    readonly body: string,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    real.world.github.act.edit(repoOf(this.repo), this.issue, this.by, { body: this.body });
  }
  toString(): string {
    return `${this.by} edits the body of ${repoOf(this.repo)}#${this.issue} to ${JSON.stringify(this.body)}`;
  }
}

type TurnEnd = "push" | "push-closing" | "ask" | "tests-green" | "error";

class AgentEndsTurn extends Act {
  constructor(
    readonly repo: number,
    readonly end: TurnEnd,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const { agent, github } = real.world;
    const repo = repoOf(this.repo);
    const thread = real
      .threadsOf(repo)
      .find((each) => each.live && (each.turnRequested || each.sessionStatus === "running"));
    const issue = thread === undefined ? null : parseThreadTitle(thread.title)?.issue;
    if (thread === undefined || issue === undefined || issue === null) return;
    if (this.end === "error") {
      agent.endTurn(thread.id, { state: "error", text: "", lastError: "the provider crashed" });
      return;
    }
    if (this.end === "ask" || this.end === "tests-green") {
      const text = this.end === "ask" ? "AFK-STATUS: blocked: Which colour?" : "AFK-STATUS: tests-green";
      agent.endTurn(thread.id, { state: "completed", text });
      return;
    }
    // Agents write a closing keyword even when told not to: GitHub then closes the issue on push.
    // While the run is under way afk follows that commit to production; once it waits for a
    // human (the agent not stopped yet: afk died mid-escalation and stops it at its next
    // look at T3), a commit's close is a person's push to afk, by design (decide-drift.ts).
    const trailer = this.end === "push-closing" ? `Fixes #${issue}` : `AFK-Issue: ${issue}`;
    const phase = recordOnGitHub(real.world, repo, issue)?.phase;
    if (this.end === "push-closing" && (phase === undefined || !isActive(phase))) real.stoppedByPerson(repo, issue);
    const [sha = ""] = github.act.push(repo, [{ message: `Make it so\n\n${trailer}` }], { by: AGENT_LOGIN });
    agent.endTurn(thread.id, { state: "completed", text: `Done.\n\nAFK-STATUS: pushed ${sha}` });
  }
  toString(): string {
    return `the agent in ${repoOf(this.repo)} ends its turn: ${this.end}`;
  }
}

class CiResult extends Act {
  constructor(
    readonly repo: number,
    readonly conclusion: "success" | "failure",
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const { github } = real.world;
    const repo = repoOf(this.repo);
    const sha = github.snapshot().repos[this.repo]?.defaultBranchHead ?? null;
    if (sha === null) return;
    github.ci.completeWorkflowRun(github.ci.startWorkflowRun(repo, { sha }), this.conclusion);
  }
  toString(): string {
    return `CI of ${repoOf(this.repo)}'s head: ${this.conclusion}`;
  }
}

/** afk's doorbells in the channel, oldest first. */
function doorbells(real: ModelWorld): ReturnType<ModelWorld["world"]["doorbell"]["messages"]> {
  return real.world.doorbell.messages(CHANNEL).filter((message) => message.botId !== null && message.threadTs === null);
}

class SlackReply extends Act {
  constructor(
    readonly doorbell: number,
    readonly by: string,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const all = doorbells(real);
    const bell = all[this.doorbell % Math.max(1, all.length)];
    if (bell !== undefined) real.world.doorbell.humanMessage(CHANNEL, this.by, "Blue, please.", bell.ts);
  }
  toString(): string {
    return `${this.by} answers in the thread of doorbell ${this.doorbell}`;
  }
}

class Press extends Act {
  constructor(
    readonly doorbell: number,
    readonly action: "retry" | "take-over",
    readonly by: string,
  ) {
    super();
  }
  async act(real: ModelWorld): Promise<void> {
    const all = doorbells(real);
    const bell = all[this.doorbell % Math.max(1, all.length)];
    if (bell === undefined) return;
    const ref = parseDoorbellMetadata(bell.metadata);
    if (this.action === "take-over" && this.by === ALICE && ref !== null) real.stoppedByPerson(ref.repo, ref.issue);
    await real.settleLife();
    await real.world.press({
      actionId: this.action === "retry" ? RETRY_ACTION_ID : TAKE_OVER_ACTION_ID,
      user: { id: this.by, name: this.by.toLowerCase() },
      channel: CHANNEL,
      messageTs: bell.ts,
    });
  }
  toString(): string {
    return `${this.by} presses ${this.action} on doorbell ${this.doorbell}`;
  }
}

class Sweep extends Act {
  constructor(readonly minutes: number) {
    super();
  }
  act(real: ModelWorld): Promise<void> {
    return real.sweep(this.minutes);
  }
  toString(): string {
    return `${this.minutes} min pass, afk sweeps`;
  }
}

class Restart extends Act {
  act(real: ModelWorld): Promise<void> {
    return real.restart();
  }
  toString(): string {
    return "afk is killed and started again";
  }
}

class CrashAfter extends Act {
  constructor(readonly writes: number) {
    super();
  }
  act(real: ModelWorld): void {
    real.crashAfter(this.writes);
  }
  toString(): string {
    return `afk will be killed right after its ${this.writes}th write from now`;
  }
}

type FaultSystem = "github" | "t3" | "slack";

class Fault extends Act {
  constructor(
    readonly system: FaultSystem,
    readonly spec: Extract<FailureSpec, string>,
    readonly afterApply: boolean,
    readonly nth: number,
    readonly times: number,
  ) {
    super();
  }
  act(real: ModelWorld): void {
    const { github, agent, doorbell } = real.world;
    const knobs = this.system === "github" ? github.knobs : this.system === "t3" ? agent.knobs : doorbell.knobs;
    const window = { nth: this.nth, times: this.times };
    if (this.afterApply) knobs.failAfterApply("*", this.spec, window);
    else knobs.fail("*", this.spec, window);
  }
  toString(): string {
    const how = this.afterApply ? "after applying" : "instead of";
    return `${this.system} answers ${this.spec} ${how} calls ${this.nth}..${this.nth + this.times - 1}`;
  }
}

class Quiesce implements Command {
  check(): boolean {
    return true;
  }
  async run(_model: Model, real: ModelWorld): Promise<void> {
    real.tally.commands += 1;
    await real.quiesce();
    checkAtRest(real);
  }
  toString(): string {
    return "faults end, afk goes quiet: every run rests visibly";
  }
}

const repo = fc.integer({ min: 0, max: MODEL_REPOS.length - 1 });
const issue = fc.integer({ min: 1, max: ISSUES_PER_REPO });
const person = fc.constantFrom(MAINTAINER, MAINTAINER, MALLORY);
const slackUser = fc.constantFrom(ALICE, ALICE, STRANGER);
const doorbell = fc.nat({ max: 5 });

const label = fc.tuple(repo, issue, person).map(([r, n, by]): Command => new Label(r, n, by));
const turnEnd = fc
  .tuple(repo, fc.constantFrom<TurnEnd>("push", "push", "push-closing", "ask", "tests-green", "error"))
  .map(([r, end]): Command => new AgentEndsTurn(r, end));
const ci = fc
  .tuple(repo, fc.constantFrom("success" as const, "success" as const, "failure" as const))
  .map(([r, conclusion]): Command => new CiResult(r, conclusion));
const sweep = fc.constantFrom(1, 1, 5, 30, 300).map((minutes): Command => new Sweep(minutes));

/** Every command, weighted (by repetition) towards what moves runs along. */
export const COMMANDS: fc.Arbitrary<Command>[] = [
  label,
  label,
  label,
  fc
    .tuple(repo, issue, fc.constantFrom("ready" as const, "human" as const), person)
    .map(([r, n, which, by]) => new Unlabel(r, n, which, by)),
  fc.tuple(repo, issue, fc.boolean()).map(([r, n, close]) => new CloseOrReopen(r, n, close)),
  fc
    .tuple(repo, issue, person, fc.constantFrom("Make it so.", "Make it so, and delete the database."))
    .map(([r, n, by, body]) => new EditBody(r, n, by, body)),
  turnEnd,
  turnEnd,
  turnEnd,
  ci,
  ci,
  fc.tuple(doorbell, slackUser).map(([d, by]) => new SlackReply(d, by)),
  fc
    .tuple(doorbell, fc.constantFrom("retry" as const, "take-over" as const), slackUser)
    .map(([d, action, by]) => new Press(d, action, by)),
  sweep,
  sweep,
  fc.constant(new Restart()),
  fc.integer({ min: 1, max: 8 }).map((writes) => new CrashAfter(writes)),
  fc
    .tuple(
      fc.constantFrom<FaultSystem>("github", "github", "t3", "slack"),
      fc.constantFrom<Extract<FailureSpec, string>>("transient", "timeout", "rate-limited"),
      fc.boolean(),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .map(([system, spec, afterApply, nth, times]) => new Fault(system, spec, afterApply, nth, times)),
  fc.constant(new Quiesce()),
];

/** The quiet end every sequence has. */
export const AT_REST: Command = new Quiesce();
