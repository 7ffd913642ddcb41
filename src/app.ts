// Probot wiring: every webhook becomes a nudge through the core's pure mapping
// (core/ingress/to-nudge.ts), handled once per delivery; Slack and the status page are
// mounted on the same server. Decisions live in src/core, I/O in src/adapters, state in
// the shell's AfkService; clients are built in one place (compose.ts).

import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import type { Octokit } from "./adapters/github/octokit.js";
import { composeShellDeps, type PortOverrides } from "./compose.js";
import { guardWebhooks, type GuardedDelivery } from "./adapters/github/webhook-guard.js";
import { describeArming } from "./core/config/arming.js";
import type { OperatorConfig } from "./core/config/config-types.js";
import type { Nudge } from "./core/ingress/nudge.js";
import { toNudge } from "./core/ingress/to-nudge.js";
import { describeError } from "./ports/result.js";
import type { AfkService } from "./shell/afk-service.js";
import { DeliveryDedup } from "./shell/delivery-dedup.js";
import { createStatusRoutes } from "./shell/http/status-routes.js";
import { wireOps } from "./shell/http/wire-ops.js";
import { AfkMetrics } from "./shell/metrics/afk-metrics.js";
import { watchOctokit } from "./shell/metrics/watch-octokit.js";
import { watchPorts } from "./shell/metrics/watch-ports.js";
import { createOwnActs, type OwnActs } from "./shell/own-acts.js";
import { createRuntime, type AfkRuntime } from "./shell/runtime.js";

export interface AfkOptions {
  readonly config: OperatorConfig;
  /** The GitHub App's id: afk trusts only progress comments its own app wrote. */
  readonly appId: number;
  /** Web base of GitHub for links (a GHE host otherwise). */
  readonly githubUrl?: string;
  /** For tests: ports built elsewhere (null: not configured). */
  readonly ports?: PortOverrides;
  readonly clock?: () => number;
  /** False keeps the periodic sweep from starting (tests run sweeps by hand). */
  readonly sweep?: boolean;
  /** Called with the runtime once it exists (tests drive it). */
  readonly onRuntime?: (runtime: AfkRuntime) => void;
  /** This afk's metrics (/metrics); a fresh registry when absent. Tests share it with the clients they build. */
  readonly metrics?: AfkMetrics;
}

/** Whether afk acts on what the nudge is about (DESIGN 1.5): nothing goes out otherwise. */
function isArmedForNudge(service: AfkService, nudge: GuardedDelivery["nudge"]): boolean {
  if (nudge.kind === "installation") return service.armed;
  return service.isArmedFor(nudge.repo);
}

/** The delivery's nudge; when a bot's act could be afk's own, afk first learns who it is. */
async function toDeliveryNudge(delivery: GuardedDelivery, config: OperatorConfig, ownActs: OwnActs): Promise<Nudge> {
  if (delivery.nudge.kind !== "needs-identity") return delivery.nudge;
  const context = { readyLabel: config.labels.ready, humanLabel: config.labels.human, self: await ownActs.read() };
  return toNudge(delivery.name, delivery.payload, context);
}

export function createAfkApp(options: AfkOptions): ApplicationFunction {
  return async (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    const { config } = options;
    const arming = describeArming(config);
    if (arming.armed) app.log.info(arming.message);
    else app.log.warn(arming.message);
    const clock = options.clock ?? Date.now;
    const metrics = options.metrics ?? new AfkMetrics();
    const observe = metrics.recordRequest.bind(metrics);
    const github = { observe, rateLimit: metrics.recordRateLimit.bind(metrics) };
    const composed = await composeShellDeps({
      config,
      appId: options.appId,
      githubUrl: options.githubUrl ?? "https://github.com",
      auth: async (id) => watchOctokit((await app.auth(id)) as Octokit, id ?? null, github),
      clock,
      log: app.log,
      observe,
      ...(options.ports === undefined ? {} : { overrides: options.ports }),
    });
    const deps = watchPorts(composed, metrics.recordFailure.bind(metrics));
    const runtime = createRuntime(deps);
    const { service } = runtime;
    options.onRuntime?.(runtime);
    const ownActs = createOwnActs(
      async () => (await deps.app()).readIdentity(),
      app.log,
      (identity) => (service.self = identity),
    );
    const dedup = new DeliveryDedup(service.deliveries);

    // /healthz, /readyz and /metrics, always (they make no request while afk is disarmed).
    addHandler(wireOps(runtime, metrics));
    // The status page: off (not mounted, so 404) unless AFK_STATUS_TOKEN is set.
    if (config.statusToken !== null)
      addHandler(createStatusRoutes({ token: config.statusToken, read: () => service.statusInput(), clock }));

    // Every signed delivery afk can read, as its nudge (webhook-guard.ts).
    guardWebhooks(app.webhooks, {
      labels: config.labels,
      self: () => ownActs.known(),
      log: app.log,
      deliver: async (delivery) => {
        const started = performance.now();
        try {
          await onDelivery(delivery);
        } finally {
          metrics.recordWebhook(delivery.name, (performance.now() - started) / 1_000);
        }
      },
    });

    async function onDelivery(delivery: GuardedDelivery) {
      const fields = { delivery: delivery.id, event: delivery.name };
      // The arming check comes first: a disarmed afk makes no request at all.
      if (!isArmedForNudge(service, delivery.nudge))
        return void app.log.debug({ ...fields, why: "afk is disarmed for this repository" }, "delivery ignored");
      const outcome = await dedup.once(delivery.id, async () => {
        const nudge = await toDeliveryNudge(delivery, config, ownActs);
        if (nudge.kind === "ignore") return void app.log.debug({ ...fields, why: nudge.why }, "delivery ignored");
        await runtime.handleNudge(nudge);
      });
      if (outcome === "already-handled") app.log.info(fields, "delivery already handled; ignoring the redelivery");
      if (outcome === "shared")
        app.log.info(fields, "redelivery arrived while the first is running; sharing its outcome");
    }

    // The doorbell's replies and buttons arrive on afk's own server (no second port).
    // Mounted only when armed: reading the bot's identity is a request to Slack.
    if (service.armed && deps.doorbell !== null && config.slack !== null) {
      const identity = await deps.doorbell.readIdentity();
      if (!identity.ok)
        app.log.error(
          {},
          `cannot read the Slack bot's identity (${describeError(identity.error)}); its own messages are still ignored by their bot_id`,
        );
      // @slack/bolt is loaded only when Slack is configured (compose.ts).
      const { createSlackReceiver } = await import("./adapters/slack/slack-receiver.js");
      const receiver = createSlackReceiver({
        signingSecret: config.slack.signingSecret,
        botToken: config.slack.botToken,
        botId: identity.ok ? identity.value.botId : "unknown",
        botUserId: identity.ok ? identity.value.botUserId : "unknown",
        apiUrl: config.slack.apiUrl,
        onMessage: (event) => runtime.onSlackMessage(event),
        onAction: (press) => runtime.onDoorbellPress(press),
        log: app.log,
      });
      addHandler(receiver.handler);
    }

    if (service.armed) {
      void ownActs.learn();
      void runtime.start({ sweep: options.sweep !== false });
    }
  };
}
