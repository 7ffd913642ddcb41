// The world crash and model tests run afk in: every outside system as its in-memory twin
// (they keep their state when afk dies), one clock for all, and afk as a process that can
// be killed at any write and started again (twin-afk.ts). GitHub's webhooks are delivered
// as GitHub delivers them: one at a time to whichever afk runs; a delivery afk fails (or
// is down for) is recorded as failed and redelivered by the next start-up. Slack retries
// an event afk never acknowledged (it was down); an event afk acknowledged and then died
// on is lost, as Bolt acknowledges before it works.

import { MemoryAgentRunner } from "../../src/adapters/memory/memory-agent-runner.js";
import { MemoryDeployReader } from "../../src/adapters/memory/memory-deploy-reader.js";
import { MemoryDoorbell } from "../../src/adapters/memory/memory-doorbell.js";
import { MemoryGitHub } from "../../src/adapters/memory/memory-github.js";
import { MemoryRolloutReader } from "../../src/adapters/memory/memory-rollout-reader.js";
import { MemoryVersionReader } from "../../src/adapters/memory/memory-version-reader.js";
import type { SlackEvent } from "../../src/adapters/memory/doorbell-state.js";
import type { OperatorConfig } from "../../src/core/config/config-types.js";
import type { SlackMessageEvent } from "../../src/core/slack/decide-slack.js";
import type { DoorbellPress } from "../../src/shell/slack-ingress.js";
import { anOperatorConfig } from "../core/builders.js";
import { aQuietLog, Clock, SLACK, type LogLine } from "../shell/world.js";
import { WriteCounter } from "./lifeline.js";
import { TwinAfk, type Twins } from "./twin-afk.js";

export const INSTALLATION = 7;
export const MAINTAINER = "maintainer";
export const AGENT_LOGIN = "afk-agent";
export const CHANNEL = SLACK.channel;
export const ALICE = SLACK.allowedUsers[0] ?? "U0ALICE";
export const MINUTE_MS = 60_000;
/** How long each call afk makes takes, on the world's clock. */
const CALL_MS = 5;

export interface ChaosWorldOptions {
  /** Enrolled repos, all installed as INSTALLATION. */
  readonly repos: readonly string[];
  readonly slack?: boolean;
  readonly config?: Partial<OperatorConfig>;
  /** Keep afk's log lines (for a failing case); dropped by default. */
  readonly keepLogs?: boolean;
}

export class ChaosWorld {
  readonly clock = new Clock();
  readonly github: MemoryGitHub;
  readonly agent: MemoryAgentRunner;
  readonly deploy: MemoryDeployReader;
  readonly rollout = new MemoryRolloutReader();
  readonly versions = new MemoryVersionReader();
  readonly doorbell = new MemoryDoorbell({ channels: [CHANNEL] });
  readonly config: OperatorConfig;
  readonly repos: readonly string[];
  readonly writes = new WriteCounter();
  readonly logs: LogLine[] = [];
  /** Slack events afk was down for: Slack sends them again. */
  readonly #slackRetries: SlackEvent[] = [];
  readonly #twins: Twins;
  #afk: TwinAfk | null = null;
  /** How many times afk was started. */
  starts = 0;

  constructor(options: ChaosWorldOptions) {
    const now = this.clock.now;
    this.repos = options.repos;
    this.github = new MemoryGitHub({ now });
    this.agent = new MemoryAgentRunner({ now });
    this.deploy = new MemoryDeployReader({ nowSeconds: () => Math.floor(now() / 1000) });
    const base = anOperatorConfig();
    this.config = anOperatorConfig({
      allowlist: [...options.repos],
      woodpecker: { url: "https://ci.test", token: "wp-token" },
      kube: { ...base.kube, apiUrl: "https://kube.test" },
      ...(options.slack === true ? { slack: SLACK } : {}),
      ...options.config,
    });
    for (const repo of options.repos) {
      this.github.addRepo(repo, { installationId: INSTALLATION });
      this.github.setRole(repo, MAINTAINER, "write");
    }
    const log = options.keepLogs === true ? aQuietLog(this.logs) : aQuietLog([]);
    this.#twins = {
      github: this.github,
      agent: this.agent,
      deploy: this.deploy,
      rollout: this.rollout,
      versions: this.versions,
      doorbell: this.doorbell,
      config: this.config,
      now,
      elapse: () => this.clock.advance(CALL_MS),
      log,
    };
    this.github.onWebhook(async (webhook) => {
      await this.afk.onWebhook(webhook);
    });
    this.doorbell.onEvent(async (event) => {
      if ((await this.afk.onSlackMessage(toMessageEvent(event))) === "dead") this.#slackRetries.push(event);
    });
  }

  /** The afk that runs now. */
  get afk(): TwinAfk {
    if (this.#afk === null) throw new Error("afk was never started");
    return this.#afk;
  }

  /** Starts afk (again): a new process that knows nothing but what it reads. */
  async start(): Promise<void> {
    this.starts += 1;
    this.#afk = await TwinAfk.start(this.#twins, this.writes);
  }

  /** Kills afk now (SIGKILL): whatever it was doing stops where it is. */
  kill(): void {
    this.#afk?.kill();
  }

  /** Starts afk again when it died; true when it did. */
  async restartIfDead(): Promise<boolean> {
    if (!this.afk.dead) return false;
    await this.start();
    return true;
  }

  /** Delivers GitHub's webhooks and Slack's events until nothing is pending and afk is idle (or dead). */
  async deliver(): Promise<void> {
    for (let round = 0; round < 100; round += 1) {
      await this.github.flushWebhooks();
      for (const event of this.#slackRetries.splice(0))
        if ((await this.afk.onSlackMessage(toMessageEvent(event))) === "dead") this.#slackRetries.push(event);
      await this.doorbell.flushEvents();
      await this.afk.settle();
      if (this.afk.dead) return;
      const pending = this.github.pendingWebhooks.length + this.doorbell.pendingEvents.length;
      if (pending === 0 && !this.afk.busy) return;
    }
    throw new Error("the world never went quiet: an echo loop?");
  }

  /** One sweep, and what it causes delivered. */
  async sweep(): Promise<void> {
    await this.afk.sweep();
    await this.deliver();
  }

  /** A person presses a doorbell button. */
  async press(press: DoorbellPress): Promise<void> {
    await this.afk.onDoorbellPress(press);
    await this.deliver();
  }
}

/** Slack's `message` event as the receiver hands it to afk. */
export function toMessageEvent(event: SlackEvent): SlackMessageEvent {
  return event.payload as unknown as SlackMessageEvent;
}
