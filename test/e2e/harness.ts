// The end-to-end harness: afk's REAL HTTP server (Probot's `Server` loading
// `createAfkApp`) on an ephemeral port, fed correctly signed deliveries. GitHub is the
// stateful fake GitHub server on 127.0.0.1 (afk authenticates as the app with its key;
// every request checked against GitHub's OpenAPI description), connected to afk's webhook
// route so that every write afk makes comes back to it as GitHub's echo; T3 is the strict
// fake T3 server on 127.0.0.1. nock only keeps everything else unreachable.
// On request the harness also starts the Woodpecker fake (HTTP) and the Kubernetes fake
// (HTTPS with the fixture CA) and wires afk's real clients to them; a shared fake clock
// drives afk, GitHub, T3 and Woodpecker alike, so budgets can be run out on purpose.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach } from "vitest";
import type { Logger } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { afkOctokitWith } from "../../src/adapters/github/afk-octokit.js";
import { createT3AgentRunner } from "../../src/adapters/t3/t3-agent-runner.js";
import { createKubeClient } from "../../src/adapters/kubernetes/kube-client.js";
import { createWoodpeckerClient } from "../../src/adapters/woodpecker/woodpecker-client.js";
import type { AgentRunner } from "../../src/ports/agent-runner.js";
import type { DeployReader } from "../../src/ports/deploy-reader.js";
import type { RolloutReader } from "../../src/ports/rollout-reader.js";
import { createAfkApp } from "../../src/app.js";
import type { OperatorConfig } from "../../src/core/config/config-types.js";
import type { AfkService } from "../../src/shell/afk-service.js";
import type { Sweep, SweepOutcome } from "../../src/shell/sweep.js";
import type { AfkRuntime } from "../../src/shell/runtime.js";
import { AfkMetrics } from "../../src/shell/metrics/afk-metrics.js";
import type { OutboundObserver } from "../../src/ports/outbound.js";
import { createRedactingLogger } from "../../src/shell/logging/afk-logger.js";
import { createSecretScrubber, type SecretScrubber } from "../../src/shell/logging/secret-scrubber.js";
import { anOperatorConfig } from "../core/builders.js";
import { decodeRecord, RECORD_MARKER_PREFIX } from "../../src/core/run/record-codec.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { FAKE_APP_ID, GitHubFake, toUser, type FakeUser } from "../fakes/github-fake.js";
import type { IssueChange } from "../fakes/github-fake-payloads.js";
import { FAKE_SLACK_CHANNEL, FAKE_SLACK_TOKEN, startFakeSlackApi, type FakeSlackApi } from "../fakes/slack-api.js";
import { postSlack, signBlockAction, signEvent, type SlackRequest, type SlackResponse } from "../support/sign-slack.js";
import { FAKE_KUBE_TOKEN, KUBE_FIXTURE_CA, startFakeKube, type FakeKube } from "../fakes/kube-server.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3 } from "../fakes/t3-server.js";
import {
  FAKE_WOODPECKER_TOKEN,
  startFakeWoodpecker,
  type FakeWoodpecker,
  type FakeWoodpeckerMode,
} from "../fakes/woodpecker-server.js";
import { toFreePort } from "../support/free-port.js";
import { assertNoOpenApiViolations } from "../support/github-openapi.js";
import { findLeaks } from "../support/leaks.js";
import { WEBHOOK_PATH } from "../support/sign-delivery.js";
import { DEFAULT_REPO } from "../support/webhook-fixtures.js";
import { assertEveryWriteEchoed } from "./echo-invariant.js";

export const WEBHOOK_SECRET = "e2e-webhook-secret";
/** afk lower-cases repo names; the fixtures' default repo is `Codertocat/Hello-World`. */
export const REPO = DEFAULT_REPO.toLowerCase();
export const READY = "ready-for-agent";
export const IN_PROGRESS = "afk:in-progress";
export const SLACK_SIGNING_SECRET = "e2e-slack-signing-secret";

export interface SlackHarnessOptions {
  /** Slack user ids allowed to steer agents; none when absent. */
  readonly allowedUsers?: readonly string[];
  readonly announceShipped?: boolean;
  /** Shared with an earlier instance (a restart); a fresh fake Slack Web API otherwise. */
  readonly api?: FakeSlackApi;
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A clock that moves only when a test moves it; afk and the fakes read the same one. */
export class FakeClock {
  #now: number;

  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface HarnessOptions {
  readonly config?: Partial<OperatorConfig>;
  /** afk's clock, and that of the fakes the harness makes; the real clock when absent. */
  readonly clock?: FakeClock;
  /** Start the Woodpecker fake in this mode and give afk a Woodpecker client for it. */
  readonly woodpecker?: FakeWoodpeckerMode;
  /** Start the Kubernetes fake (TLS, fixture CA) and give afk a Kubernetes client for it. */
  readonly kube?: boolean;
  /** Shared with an earlier instance (a restart); a fresh fake with the default repo otherwise. */
  readonly github?: GitHubFake;
  readonly t3?: FakeT3;
  /** Per-call T3 deadline: short, so that a held request (a timeout) fails fast. */
  readonly t3DeadlineMs?: number;
  /** Start the fake Slack Web API and configure the doorbell (`config.slack`) against it. */
  readonly slack?: SlackHarnessOptions;
  /** afk's own Octokit (main.ts: reads past Probot's plugins, held while rate-limited), on `clock`. */
  readonly afkOctokit?: boolean;
}

export interface Harness {
  readonly github: GitHubFake;
  readonly t3: FakeT3;
  readonly woodpecker: FakeWoodpecker | null;
  readonly kube: FakeKube | null;
  /** The fake Slack Web API, when the doorbell is configured. */
  readonly slack: FakeSlackApi | null;
  readonly service: AfkService;
  /** The shell put together: start-up, sweeps, reconciles. */
  readonly runtime: AfkRuntime;
  /** The app's sweep scheduler (never started by itself here: `sweep: false`). */
  readonly sweep: Sweep;
  readonly config: OperatorConfig;
  /** afk's own server, e.g. `http://127.0.0.1:40123` (the status page is served there). */
  readonly baseUrl: string;
  readonly logs: LogLine[];
  /** Every log line as text, as written and before the secret scrubber. */
  readonly captured: CapturedLogs;
  /** Every secret value afk was configured with (the fakes' tokens, the app's key, the webhook secret…). */
  readonly secrets: readonly string[];
  /** The event name of every delivery a test posted or a person's act caused (GitHub's echoes aside), in order. */
  readonly delivered: string[];
  /** One reconciling sweep (`runtime.sweepOnce()`), then settles. */
  sweepOnce(): Promise<SweepOutcome>;
  /** Posts a signed delivery to afk's webhook route; resolves with the HTTP status. */
  deliver(event: string, payload: unknown, id?: string): Promise<number>;
  /** Posts a signed Slack request to afk's own server (`/slack/events`), with extra headers. */
  slackRequest(request: SlackRequest, headers?: Readonly<Record<string, string>>): Promise<SlackResponse>;
  /** Waits until start-up, every webhook GitHub has to send and every queued reconcile (those queued by effects included) are done. */
  settle(): Promise<void>;
  /** Stops afk's server only (the fakes keep their state, for a restart). */
  stopAfk(): Promise<void>;
  /** Stops afk and both fakes, and restores nock. */
  close(): Promise<void>;
}

/** A fresh fake GitHub holding the fixtures' repo, installed as DEFAULT_INSTALLATION_ID. */
export function aGitHubFake(clock?: FakeClock): GitHubFake {
  const github = new GitHubFake(clock?.now);
  github.addRepo({ fullName: DEFAULT_REPO, ownerType: "User", defaultBranch: "main" });
  return github;
}

/** What afk logged, as production's logger writes it and as it was before the secret scrubber. */
export interface CapturedLogs {
  /** Every line as written: redacted by path, then scrubbed of the secrets' values. */
  readonly written: string[];
  /** The same lines before the scrubber (the last line of defence) ran: path redaction only. */
  readonly unscrubbed: string[];
}

/** afk's production logger (createRedactingLogger: the same redaction paths and scrubber), capturing every line. */
function aCapturingLogger(lines: LogLine[], captured: CapturedLogs, secrets: readonly string[]): Logger {
  const scrubber = createSecretScrubber(secrets);
  const recording: SecretScrubber = {
    scrub: (line) => {
      captured.unscrubbed.push(line);
      return scrubber.scrub(line);
    },
    add: (value) => scrubber.add(value),
    get size() {
      return scrubber.size;
    },
  };
  return createRedactingLogger({
    level: "debug",
    scrubber: recording,
    destination: {
      write: (line: string) => {
        captured.written.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  });
}

function restoreNock(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  // The fakes and afk's own server listen on 127.0.0.1.
  nock.enableNetConnect("127.0.0.1");
}

interface Stages {
  readonly woodpecker: FakeWoodpecker | null;
  readonly woodpeckerClient: DeployReader | null;
  readonly kube: FakeKube | null;
  readonly kubeClient: RolloutReader | null;
  readonly config: Partial<OperatorConfig>;
  close(): Promise<void>;
}

const STAGE_DEADLINE_MS = 2_000;

/** The deploy and rollout fakes a test asked for, afk's clients for them and the config naming them. */
async function startStages(options: HarnessOptions, observe: OutboundObserver): Promise<Stages> {
  const now = options.clock?.now;
  const woodpecker =
    options.woodpecker === undefined
      ? null
      : await startFakeWoodpecker({ mode: options.woodpecker, ...(now === undefined ? {} : { now }) });
  const kube = options.kube === true ? await startFakeKube() : null;
  const dir = kube === null ? null : mkdtempSync(join(tmpdir(), "afk-e2e-kube-"));
  const tokenFile = dir === null ? "" : join(dir, "token");
  if (dir !== null) writeFileSync(tokenFile, `${FAKE_KUBE_TOKEN}\n`);
  const timeouts = {
    connectMs: STAGE_DEADLINE_MS,
    headersMs: STAGE_DEADLINE_MS,
    bodyMs: STAGE_DEADLINE_MS,
    deadlineMs: STAGE_DEADLINE_MS,
  };
  const woodpeckerClient =
    woodpecker === null
      ? null
      : createWoodpeckerClient({
          url: woodpecker.url,
          token: FAKE_WOODPECKER_TOKEN,
          timeouts,
          retry: { retries: 0 },
          observe,
        });
  const kubeClient =
    kube === null
      ? null
      : createKubeClient({
          apiUrl: kube.url,
          tokenFile,
          caFile: KUBE_FIXTURE_CA,
          timeouts,
          retry: { retries: 0 },
          observe,
        });
  const config: Partial<OperatorConfig> = {
    ...(woodpecker === null ? {} : { woodpecker: { url: woodpecker.url, token: FAKE_WOODPECKER_TOKEN } }),
    ...(kube === null ? {} : { kube: { apiUrl: kube.url, tokenFile, caFile: KUBE_FIXTURE_CA } }),
  };
  return {
    woodpecker,
    woodpeckerClient,
    kube,
    kubeClient,
    config,
    close: async () => {
      await woodpecker?.close();
      await kube?.close();
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  restoreNock();
  const github = options.github ?? aGitHubFake(options.clock);
  await github.start();
  const t3 = options.t3 ?? (await startFakeT3(options.clock === undefined ? {} : { now: options.clock.now }));
  // afk's metrics, shared with the clients the harness builds, as compose.ts would.
  const metrics = new AfkMetrics();
  const observe = metrics.recordRequest.bind(metrics);
  const stages = await startStages(options, observe);
  const slack = options.slack === undefined ? null : (options.slack.api ?? (await startFakeSlackApi()));
  const slackConfig: Partial<OperatorConfig> =
    slack === null
      ? {}
      : {
          slack: {
            botToken: FAKE_SLACK_TOKEN,
            signingSecret: SLACK_SIGNING_SECRET,
            channel: FAKE_SLACK_CHANNEL,
            allowedUsers: options.slack?.allowedUsers ?? [],
            apiUrl: slack.apiUrl,
            announceShipped: options.slack?.announceShipped ?? false,
          },
        };
  const config = anOperatorConfig({
    allowlist: [REPO],
    ...stages.config,
    ...slackConfig,
    ...options.config,
    t3: { ...anOperatorConfig().t3, baseUrl: t3.url, token: FAKE_T3_TOKEN, ...options.config?.t3 },
  });
  const deadlineMs = options.t3DeadlineMs ?? 1_500;
  const t3Client: AgentRunner = createT3AgentRunner({
    baseUrl: t3.url,
    token: FAKE_T3_TOKEN,
    tokenFile: null,
    timeouts: { connectMs: deadlineMs, headersMs: deadlineMs, bodyMs: deadlineMs, deadlineMs },
    retry: { retries: 0 },
    observe,
  });
  const logs: LogLine[] = [];
  const captured: CapturedLogs = { written: [], unscrubbed: [] };
  const secrets = [
    WEBHOOK_SECRET,
    github.appPrivateKey,
    FAKE_T3_TOKEN,
    ...(config.slack === null ? [] : [config.slack.botToken, config.slack.signingSecret]),
    ...(config.woodpecker === null ? [] : [config.woodpecker.token]),
    ...(stages.kube === null ? [] : [FAKE_KUBE_TOKEN]),
    ...(config.statusToken === null ? [] : [config.statusToken]),
  ];
  const log = aCapturingLogger(logs, captured, secrets);
  let runtime: AfkRuntime | undefined;
  const port = await toFreePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    enablePing: false,
    enableStaticFiles: false,
    Probot: Probot.defaults({
      appId: FAKE_APP_ID,
      privateKey: github.appPrivateKey,
      baseUrl: github.apiUrl,
      secret: WEBHOOK_SECRET,
      log,
      Octokit: (options.afkOctokit === true ? afkOctokitWith(options.clock?.now) : ProbotOctokit).defaults(
        (o: object) => ({
          ...o,
          retry: { enabled: false },
          throttle: { enabled: false },
        }),
      ),
    }),
  });
  const app = createAfkApp({
    config,
    appId: FAKE_APP_ID,
    ports: { agent: t3Client, deploy: stages.woodpeckerClient, rollout: stages.kubeClient },
    ...(options.clock === undefined ? {} : { clock: options.clock.now }),
    sweep: false,
    metrics,
    onRuntime: (created) => (runtime = created),
  });
  await server.load(app);
  await server.start();
  if (runtime === undefined) throw new Error("createAfkApp did not hand out its runtime");
  const live = runtime;
  const afk = live.service;
  const delivered: string[] = [];
  const baseUrl = `http://127.0.0.1:${port}`;
  github.connect({ webhookUrl: `${baseUrl}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET });
  let afkStopped = false;

  const settle = async (): Promise<void> => {
    await live.whenStarted();
    // Effects queue reconciles from inside queued work, and each write afk makes comes back
    // as a webhook that may queue more: idle twice in a row, on both sides, means done.
    let quiet = 0;
    while (quiet < 2) {
      const busy = afk.queue.busyKeys.length > 0 || github.webhooks.busy;
      await github.deliveriesSettled();
      await afk.queue.idle();
      await new Promise((resolve) => setImmediate(resolve));
      quiet = busy ? 0 : quiet + 1;
    }
  };

  const stopAfk = async (): Promise<void> => {
    if (afkStopped) return;
    afkStopped = true;
    await settle();
    await server.stop();
    await t3Client.close();
    await stages.woodpeckerClient?.close();
    await stages.kubeClient?.close();
  };

  return {
    github,
    t3,
    woodpecker: stages.woodpecker,
    kube: stages.kube,
    slack,
    service: afk,
    runtime: live,
    sweep: live.sweep,
    config,
    baseUrl,
    logs,
    captured,
    secrets,
    delivered,
    sweepOnce: async () => {
      await settle();
      const outcome = await live.sweepOnce();
      await settle();
      return outcome;
    },
    deliver: async (event, payload, id) => {
      delivered.push(event);
      // Through GitHub's delivery log, so that afk can list it and ask for it again.
      const sent = await github.webhooks.send({ event, payload, ...(id === undefined ? {} : { guid: id }) });
      return sent.status ?? 0;
    },
    slackRequest: (request, headers = {}) => postSlack(baseUrl, request, headers),
    settle,
    stopAfk,
    close: async () => {
      await stopAfk();
      await stages.close();
      if (options.slack !== undefined && options.slack.api === undefined) await slack?.close();
      // Fakes handed in belong to the harness that made them.
      if (options.github === undefined) await github.stop();
      if (options.t3 === undefined) await t3.close();
      restoreNock();
    },
  };
}

/** Fails with every GitHub request that breaks GitHub's REST description, and every route the fake does not serve. */
export function assertGitHubClean(github: GitHubFake): void {
  assertNoOpenApiViolations();
  const violations = github.violations.splice(0);
  if (violations.length > 0)
    throw new Error(`GitHub requests that break GitHub's REST description:\n- ${violations.join("\n- ")}`);
  if (github.unexpected.length > 0)
    throw new Error(`unexpected GitHub requests:\n${github.unexpected.map((r) => `${r.method} ${r.path}`).join("\n")}`);
  assertEveryWriteEchoed(github);
}

/** Fails with every configured secret found in a log line, as written or before the scrubber ran. */
export function assertNoLeaks(h: Harness): void {
  const leaks = [...findLeaks(h.captured.written, h.secrets), ...findLeaks(h.captured.unscrubbed, h.secrets)];
  if (leaks.length > 0)
    throw new Error(
      `secrets in afk's log lines:\n${leaks.map((leak) => `#${leak.secret} ${leak.form}: ${leak.excerpt}`).join("\n")}`,
    );
}

/** Log lines whose message contains `text`. */
export function logsWith(logs: readonly LogLine[], text: string): LogLine[] {
  return logs.filter((line) => typeof line.msg === "string" && line.msg.includes(text));
}

export interface LabelerInput {
  readonly login: string;
  readonly type?: FakeUser["type"];
}

export interface HumanAct {
  /** Who acts; `Codertocat`, the owner of the fixtures' user-owned repo, when absent. */
  readonly by?: LabelerInput;
  readonly repo?: string;
  /** The delivery id; a fresh one when absent. */
  readonly id?: string;
}

/**
 * A person acts on the fake GitHub, which delivers the webhook with them as sender; when
 * the act changes nothing (the label was already on), the webhook GitHub sent for the
 * state as it is arrives again, as a redelivery would. Resolves with afk's HTTP answer.
 */
async function act(h: Harness, input: HumanAct, change: IssueChange, issue: number): Promise<number> {
  const by = input.by ?? { login: "Codertocat" };
  const user = toUser(by.login, by.type ?? "User");
  const repo = input.repo ?? REPO;
  const options = input.id === undefined ? {} : { guid: input.id };
  const actor = h.github.as(user);
  const label = "label" in change ? String(change.label.name) : "";
  h.delivered.push("issues");
  const sent =
    change.action === "labeled"
      ? await actor.label(repo, issue, label, options)
      : change.action === "unlabeled"
        ? await actor.unlabel(repo, issue, label, options)
        : change.action === "closed"
          ? await actor.close(repo, issue, options)
          : null;
  const again = sent ?? (await h.github.notify("issues", h.github.issuesPayload(repo, issue, user, change), options));
  return again.status ?? 0;
}

/** A person (or bot) applies the ready label: on the fake GitHub, which delivers `issues.labeled`. */
export async function applyReady(h: Harness, issue: number, input: HumanAct = {}): Promise<number> {
  return act(h, input, { action: "labeled", label: h.github.labelJson(input.repo ?? REPO, READY) }, issue);
}

/** A person removes the ready label. */
export async function removeReady(h: Harness, issue: number, input: HumanAct = {}): Promise<number> {
  return act(h, input, { action: "unlabeled", label: h.github.labelJson(input.repo ?? REPO, READY) }, issue);
}

/** A person closes the issue. */
export async function closeIssue(h: Harness, issue: number, input: HumanAct = {}): Promise<number> {
  return act(h, input, { action: "closed" }, issue);
}

/** The run record in afk's progress comments on the issue (exactly one is expected). */
export function progressRecord(h: Harness, issue: number, repo: string = REPO): RunRecord {
  const comments = h.github.appComments(repo, issue);
  if (comments.length !== 1)
    throw new Error(`expected one progress comment on ${repo}#${issue}, found ${comments.length}`);
  const decoded = decodeRecord(comments[0]?.body);
  if (!decoded.ok)
    throw new Error(`the progress comment on ${repo}#${issue} does not decode: ${decoded.error.message}`);
  return decoded.record;
}

/** The T3 command types afk dispatched, in order. */
export function t3Commands(h: Harness): string[] {
  return h.t3.commands.map((command) => String(command.type));
}

/**
 * Registers the teardown of each test's harness (afk, both fakes, nock) and the check
 * that every GitHub request was in GitHub's REST description; returns the starter.
 * The starter waits for afk's start-up rebuild before it returns.
 */
export function harnessPerTest(): (options?: HarnessOptions) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    const closing = open.splice(0, open.length);
    // Newest first: a restarted instance shares the fakes its predecessor owns.
    for (const harness of [...closing].reverse()) await harness.close();
    for (const harness of closing) assertGitHubClean(harness.github);
    // Every end-to-end test is also a log leak test (issue 11): no configured secret in any line.
    for (const harness of closing) assertNoLeaks(harness);
  });
  return async (options) => {
    const harness = await startHarness(options);
    open.push(harness);
    await harness.settle();
    return harness;
  };
}

/** The run record in afk's progress comment, beside any notices afk posted (escalated, shipped). */
/** The record afk holds in its index: ahead of the comment where a change is not worth an edit (CI starting). */
export function heldRecordOf(h: Harness, issue: number, repo: string = REPO): RunRecord | null {
  return h.service.index.get(repo, issue)?.record ?? null;
}

export function recordOf(h: Harness, issue: number, repo: string = REPO): RunRecord {
  const withRecord = h.github.appComments(repo, issue).filter((comment) => comment.body.includes(RECORD_MARKER_PREFIX));
  if (withRecord.length !== 1)
    throw new Error(`expected one progress comment on ${repo}#${issue}, found ${withRecord.length}`);
  const decoded = decodeRecord(withRecord[0]?.body);
  if (!decoded.ok)
    throw new Error(`the progress comment on ${repo}#${issue} does not decode: ${decoded.error.message}`);
  return decoded.record;
}

/** The bodies of afk's comments other than the progress comment: the notices that ping a person. */
export function noticesOf(h: Harness, issue: number, repo: string = REPO): string[] {
  return h.github
    .appComments(repo, issue)
    .filter((comment) => !comment.body.includes(RECORD_MARKER_PREFIX))
    .map((comment) => comment.body);
}

/** Slack user ids of the doorbell suites: one allowed to steer agents, one not. */
export const SLACK_ALLOWED_USER = "U0ALLOWED";
export const SLACK_STRANGER = "U0STRANGER";

/** The calls afk made to one method of the fake Slack Web API, in order. */
export function slackCalls(h: Harness, method: string): FakeSlackApi["calls"] {
  return (h.slack?.calls ?? []).filter((call) => call.method === method);
}

/** Waits (real time) until `done` holds, then settles afk: Bolt answers Slack before its listeners run. */
export async function eventually(h: Harness, done: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await h.settle();
}

export interface SlackEventOptions {
  readonly eventId?: string;
  readonly secret?: string;
  readonly timestampSec?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Slack delivers one event to afk's server, signed with the configured secret unless told otherwise. */
export async function sendSlackEvent(
  h: Harness,
  event: Readonly<Record<string, unknown>>,
  options: SlackEventOptions = {},
): Promise<SlackResponse> {
  const signed = signEvent(
    { channel_type: "channel", ...event },
    {
      secret: options.secret ?? SLACK_SIGNING_SECRET,
      ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
      ...(options.timestampSec === undefined ? {} : { timestampSec: options.timestampSec }),
    },
  );
  return h.slackRequest(signed, options.headers);
}

/** A person posts in the doorbell's thread: the message exists in Slack, and this is its `message` event. */
export function replyInDoorbell(h: Harness, doorbellTs: string, user: string, text: string): Record<string, unknown> {
  if (h.slack === null) throw new Error("this harness has no Slack");
  const message = h.slack.addMessage({ channel: FAKE_SLACK_CHANNEL, user, text, threadTs: doorbellTs });
  return { type: "message", channel: FAKE_SLACK_CHANNEL, user, text, ts: message.ts, thread_ts: doorbellTs };
}

/** A person presses a doorbell button (`block_actions`), signed with the configured secret. */
export async function pressDoorbell(
  h: Harness,
  doorbellTs: string,
  actionId: string,
  user: { readonly id: string; readonly name: string },
): Promise<SlackResponse> {
  // The button's value as Slack sends it back: the one afk put on the button it shows.
  const blocks = (h.slack?.message(FAKE_SLACK_CHANNEL, doorbellTs)?.blocks ?? []) as {
    elements?: { action_id?: string; value?: string }[];
  }[];
  const button = blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId);
  const value = button?.value ?? "";
  return h.slackRequest(
    signBlockAction(
      { actionId, value, user, channel: FAKE_SLACK_CHANNEL, messageTs: doorbellTs },
      { secret: SLACK_SIGNING_SECRET },
    ),
  );
}

/** How many Slack message events afk has ignored so far (its debug log says so). */
export function slackIgnoredCount(h: Harness): number {
  return logsWith(h.logs, "Slack message ignored").length;
}
