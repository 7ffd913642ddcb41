// One afk process over the in-memory twins, wired as src/app.ts wires the real one: the
// shell's runtime (start-up, sweeps, reconciles on request), each GitHub delivery mapped
// by the core's `toNudge` and handled once per delivery id (a failure is a failed
// delivery GitHub can redeliver), afk's own bot learnt at start so that echoes of its
// writes are never read as a person's acts, Slack's message events and button presses.
// Every port goes through the process's lifeline (lifeline.ts): a killed process makes
// no further call and sees no further answer.

import type { MemoryAgentRunner } from "../../src/adapters/memory/memory-agent-runner.js";
import type { MemoryDeployReader } from "../../src/adapters/memory/memory-deploy-reader.js";
import type { MemoryDoorbell } from "../../src/adapters/memory/memory-doorbell.js";
import type { MemoryGitHub } from "../../src/adapters/memory/memory-github.js";
import type { MemoryRolloutReader } from "../../src/adapters/memory/memory-rollout-reader.js";
import type { MemoryVersionReader } from "../../src/adapters/memory/memory-version-reader.js";
import type { Webhook } from "../../src/adapters/memory/github-world.js";
import type { OperatorConfig } from "../../src/core/config/config-types.js";
import type { Nudge } from "../../src/core/ingress/nudge.js";
import { toNudge } from "../../src/core/ingress/to-nudge.js";
import type { SlackMessageEvent } from "../../src/core/slack/decide-slack.js";
import type { AfkService, ShellDeps } from "../../src/shell/afk-service.js";
import { DeliveryDedup } from "../../src/shell/delivery-dedup.js";
import type { Log } from "../../src/shell/log.js";
import { createOwnActs, type OwnActs } from "../../src/shell/own-acts.js";
import { createRuntime, type AfkRuntime } from "../../src/shell/runtime.js";
import type { DoorbellPress } from "../../src/shell/slack-ingress.js";
import { Lifeline, type WriteCounter } from "./lifeline.js";

/** The outside world afk runs in: the twins, the clock and afk's configuration. */
export interface Twins {
  readonly github: MemoryGitHub;
  readonly agent: MemoryAgentRunner;
  readonly deploy: MemoryDeployReader;
  readonly rollout: MemoryRolloutReader;
  readonly versions: MemoryVersionReader;
  readonly doorbell: MemoryDoorbell;
  readonly config: OperatorConfig;
  readonly now: () => number;
  /** Moves the clock on by a little: each call afk makes takes time. */
  readonly elapse: () => void;
  readonly log: Log;
}

/** Whether afk acts on what the nudge is about (src/app.ts): nothing goes out otherwise. */
function isArmedForNudge(service: AfkService, nudge: Nudge): boolean {
  if (nudge.kind === "ignore") return false;
  if (nudge.kind === "installation") return service.armed;
  return service.isArmedFor(nudge.repo);
}

export class DeadAfkError extends Error {
  constructor(what: string) {
    super(`afk is down: ${what} fails`);
  }
}

export class TwinAfk {
  readonly life: Lifeline;
  readonly runtime: AfkRuntime;
  readonly #twins: Twins;
  readonly #ownActs: OwnActs;
  readonly #dedup: DeliveryDedup;

  private constructor(twins: Twins, counter: WriteCounter) {
    this.#twins = twins;
    const life = new Lifeline(counter, twins.elapse);
    this.life = life;
    const { github, config } = twins;
    const deps: ShellDeps = {
      config,
      appId: github.identity.appId,
      githubUrl: "https://github.com",
      issues: async (installationId) => life.guard("github", github.issueTracker(installationId)),
      ci: async (installationId) => life.guard("none", github.ciReader(installationId)),
      app: async () => life.guard("github", github.app()),
      agent: life.guard("t3", twins.agent),
      deploy: life.guard("none", twins.deploy),
      rollout: life.guard("none", twins.rollout),
      versions: life.guard("none", twins.versions),
      doorbell: config.slack === null ? null : life.guard("slack", twins.doorbell),
      clock: twins.now,
      log: twins.log,
    };
    this.runtime = createRuntime(deps);
    const service = this.runtime.service;
    this.#ownActs = createOwnActs(
      async () => (await deps.app()).readIdentity(),
      twins.log,
      (identity) => (service.self = identity),
    );
    this.#dedup = new DeliveryDedup(service.deliveries);
  }

  /** A new process: it learns who it is and runs start-up (index rebuild, redeliveries, reconcile). */
  static async start(twins: Twins, counter: WriteCounter): Promise<TwinAfk> {
    const afk = new TwinAfk(twins, counter);
    if (afk.service.armed) {
      await afk.life.orDeath(afk.#ownActs.learn());
      await afk.life.orDeath(afk.runtime.start({ sweep: false }));
    }
    return afk;
  }

  get service(): AfkService {
    return this.runtime.service;
  }

  get dead(): boolean {
    return this.life.dead;
  }

  kill(): void {
    this.life.kill();
  }

  /** Work queued or running (deliveries, reconciles a run asked for). */
  get busy(): boolean {
    return this.service.queue.busyKeys.length > 0;
  }

  /** GitHub delivers a webhook: handled as src/app.ts handles it; throws (a failed delivery) when afk is down or the work failed. */
  async onWebhook(webhook: Webhook): Promise<void> {
    if (this.dead) throw new DeadAfkError(`delivery ${webhook.id}`);
    const outcome = await this.life.orDeath(this.#handle(webhook));
    if (outcome === "dead") throw new DeadAfkError(`delivery ${webhook.id}`);
  }

  async #handle(webhook: Webhook): Promise<void> {
    const { labels } = this.#twins.config;
    const context = { readyLabel: labels.ready, humanLabel: labels.human };
    const first = toNudge(webhook.name, webhook.payload, { ...context, self: this.#ownActs.known() });
    if (!isArmedForNudge(this.service, first)) return;
    await this.#dedup.once(webhook.id, async () => {
      const nudge =
        first.kind === "needs-identity"
          ? toNudge(webhook.name, webhook.payload, { ...context, self: await this.#ownActs.read() })
          : first;
      if (nudge.kind === "ignore") return;
      await this.runtime.handleNudge(nudge);
    });
  }

  /** A Slack message event (Bolt acknowledges it first: a failure is logged, never redelivered). */
  async onSlackMessage(event: SlackMessageEvent): Promise<"done" | "dead"> {
    if (this.dead) return "dead";
    const outcome = await this.life.orDeath(this.runtime.onSlackMessage(event).catch(() => undefined));
    return outcome === "dead" ? "dead" : "done";
  }

  /** A doorbell button press; a failure is the presser's to see (nothing happens). */
  async onDoorbellPress(press: DoorbellPress): Promise<"done" | "dead"> {
    if (this.dead) return "dead";
    const outcome = await this.life.orDeath(this.runtime.onDoorbellPress(press).catch(() => undefined));
    return outcome === "dead" ? "dead" : "done";
  }

  /** One reconciling sweep; its failures are the sweep's own (logged, retried next time). */
  async sweep(): Promise<void> {
    if (this.dead) return;
    // As the sweep's scheduler does (src/shell/sweep.ts): a sweep that throws is logged, the next one runs.
    const swept = this.runtime.sweepOnce().catch((error: unknown) => {
      this.#twins.log.error({ err: error }, "the sweep failed; the next one starts on time");
    });
    await this.life.orDeath(swept);
  }

  /** Until every queued piece of work has settled, or afk died. */
  async settle(): Promise<void> {
    if (this.dead) return;
    await this.life.orDeath(this.service.queue.idle());
  }
}
