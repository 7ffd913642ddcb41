// Probot wiring only: it turns GitHub events into nudges for the shell. Decisions live
// in src/core; I/O lives in src/adapters; state lives in the AfkService.

import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { createEtagCache } from "./adapters/github/etag-cache.js";
import { createGitHubApp } from "./adapters/github/github-app.js";
import { createGitHubCiClient } from "./adapters/github/github-ci-client.js";
import { createGitHubClient } from "./adapters/github/github-client.js";
import type { Octokit } from "./adapters/github/octokit.js";
import { createKubeClient } from "./adapters/kubernetes/kube-client.js";
import { createSlackClient } from "./adapters/slack/slack-client.js";
import { createSlackReceiver } from "./adapters/slack/slack-receiver.js";
import { guardWebhooks } from "./adapters/github/webhook-guard.js";
import { toActor } from "./adapters/github/github-mapping.js";
import { createT3AgentRunner } from "./adapters/t3/t3-agent-runner.js";
import { createVersionUrlClient } from "./adapters/version-url/version-url-client.js";
import { createWoodpeckerClient } from "./adapters/woodpecker/woodpecker-client.js";
import type { AgentRunner } from "./ports/agent-runner.js";
import type { DeployReader } from "./ports/deploy-reader.js";
import type { Doorbell } from "./ports/doorbell.js";
import { describeError } from "./ports/result.js";
import type { RolloutReader, VersionReader } from "./ports/rollout-reader.js";
import type { OperatorConfig } from "./core/config/config-types.js";
import { toWoodpeckerNudge } from "./core/observe/decide-deploy.js";
import { describeArming } from "./core/config/arming.js";
import type { Actor } from "./core/common/github-types.js";
import { AfkService } from "./shell/afk-service.js";
import { createStatusRoutes } from "./shell/http/status-routes.js";
import { Sweep } from "./shell/sweep.js";
import { createOwnActs } from "./shell/own-acts.js";

export interface AfkOptions {
  readonly config: OperatorConfig;
  /** The GitHub App's id: afk trusts only progress comments its own app wrote. */
  readonly appId: number;
  /** Web base of GitHub for links (a GHE host otherwise). */
  readonly githubUrl?: string;
  /** For tests: clients built elsewhere (null: not configured). */
  readonly t3?: AgentRunner | null;
  readonly woodpecker?: DeployReader | null;
  readonly kube?: RolloutReader | null;
  readonly versionUrl?: VersionReader | null;
  readonly slack?: Doorbell | null;
  readonly clock?: () => number;
  /** False keeps the periodic sweep from starting (tests run sweeps by hand). */
  readonly sweep?: boolean;
  /** Called with the service and its sweep once they exist (tests drive them). */
  readonly onService?: (service: AfkService, sweep: Sweep) => void;
}

interface RepoPayload {
  readonly repository: { readonly full_name: string };
  readonly installation?: { readonly id: number };
  readonly sender?: { readonly login: string; readonly id: number; readonly type?: string };
}

function toNudgeBase(payload: RepoPayload): { repo: string; installationId: number | null; sender: Actor | null } {
  return {
    repo: payload.repository.full_name.toLowerCase(),
    installationId: payload.installation?.id ?? null,
    sender: toActor(payload.sender),
  };
}

export function createAfkApp(options: AfkOptions): ApplicationFunction {
  return async (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    const { config } = options;
    guardWebhooks(app.webhooks, config.labels, app.log);
    const arming = describeArming(config);
    if (arming.armed) app.log.info(arming.message);
    else app.log.warn(arming.message);
    const clock = options.clock ?? Date.now;
    const t3 =
      options.t3 !== undefined
        ? options.t3
        : config.t3.baseUrl === null
          ? null
          : createT3AgentRunner({
              baseUrl: config.t3.baseUrl,
              token: config.t3.token,
              tokenFile: config.t3.tokenFile,
            });
    const etags = createEtagCache();
    const slack =
      options.slack !== undefined
        ? options.slack
        : config.slack === null
          ? null
          : createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
    const service = new AfkService({
      config,
      appId: options.appId,
      githubUrl: options.githubUrl ?? "https://github.com",
      githubFor: async (installationId) => createGitHubClient((await app.auth(installationId)) as Octokit, clock),
      githubCiFor: async (installationId) =>
        createGitHubCiClient((await app.auth(installationId)) as Octokit, { clock, etags }),
      githubApp: async () => createGitHubApp((await app.auth()) as Octokit, { clock }),
      t3,
      woodpecker:
        options.woodpecker !== undefined
          ? options.woodpecker
          : config.woodpecker === null
            ? null
            : createWoodpeckerClient(config.woodpecker),
      kube:
        options.kube !== undefined
          ? options.kube
          : config.kube.apiUrl === null
            ? null
            : createKubeClient({ ...config.kube, apiUrl: config.kube.apiUrl }),
      versionUrl: options.versionUrl !== undefined ? options.versionUrl : createVersionUrlClient(),
      slack,
      clock,
      log: app.log,
    });
    const sweep = new Sweep({
      intervalMs: config.sweepIntervalMs,
      enabled: () => service.armed,
      runOnce: () => service.sweepOnce(),
      clock,
      onError: (error) => app.log.error({ err: error }, "the sweep failed"),
    });
    options.onService?.(service, sweep);
    const ownActs = createOwnActs(
      async () => createGitHubApp((await app.auth()) as Octokit, { clock }).readIdentity(),
      app.log,
    );
    // The status page: off (not mounted, so 404) unless AFK_STATUS_TOKEN is set.
    if (config.statusToken !== null)
      addHandler(createStatusRoutes({ token: config.statusToken, read: () => service.statusInput(), clock }));

    const inFlight = new Map<string, Promise<void>>();

    /** Runs a handler once per delivery id; a failed one throws (500) and stays redeliverable. */
    async function once(context: Context, repo: string, work: () => Promise<void>): Promise<void> {
      if (!service.isArmedFor(repo)) {
        app.log.debug(
          { delivery: context.id, event: context.name, repo },
          "afk is disarmed for this repository; ignoring",
        );
        return;
      }
      if (service.deliveries.has(context.id)) {
        app.log.info({ delivery: context.id }, "delivery already handled; ignoring the redelivery");
        return;
      }
      // A redelivery that arrives while the first is still being handled shares its outcome.
      const running = inFlight.get(context.id);
      if (running !== undefined) {
        app.log.info({ delivery: context.id }, "redelivery arrived while the first is running; sharing its outcome");
        return running;
      }
      const handled = work().then(() => service.deliveries.markDone(context.id));
      inFlight.set(context.id, handled);
      try {
        await handled;
      } finally {
        inFlight.delete(context.id);
      }
    }

    app.on(["issues.labeled", "issues.unlabeled", "issues.closed"], async (context) => {
      const payload = context.payload;
      const { repo, installationId, sender } = toNudgeBase(payload);
      await once(context, repo, async () => {
        if (await ownActs.isOwnAct(context.name, sender)) return;
        if (installationId === null || sender === null) {
          app.log.warn({ delivery: context.id, repo }, "issues event without an installation or sender; ignoring");
          return;
        }
        const nudge = { repo, installationId, issue: payload.issue.number, sender };
        const label = "label" in payload ? payload.label?.name : undefined;
        const isReady = label !== undefined && label.toLowerCase() === config.labels.ready.toLowerCase();
        if (payload.action === "closed") await service.onStopped(nudge, "issue-closed");
        else if (payload.action === "unlabeled" && isReady) await service.onStopped(nudge, "label-removed");
        else if (payload.action === "labeled" && isReady) await service.onReadyLabeled(nudge);
      });
    });

    app.on(["installation", "installation_repositories"], async (context) => {
      if (!service.armed) {
        app.log.debug({ delivery: context.id, event: context.name }, "afk is disarmed; ignoring");
        return;
      }
      const payload = context.payload;
      const installationId = payload.installation.id;
      const added =
        "repositories_added" in payload
          ? payload.repositories_added
          : payload.action === "deleted"
            ? []
            : (payload.repositories ?? []);
      const removed =
        "repositories_removed" in payload
          ? payload.repositories_removed
          : payload.action === "deleted"
            ? (payload.repositories ?? [])
            : [];
      for (const repo of added) service.rememberInstallation(repo.full_name, installationId);
      for (const repo of removed) if (repo.full_name !== undefined) service.forgetInstallation(repo.full_name);
    });

    // CI, deploy and push facts are nudges: the run of that repo is observed afresh now
    // (the sweep would see the same a little later).
    app.on(["workflow_run", "check_run", "status", "push"], async (context) => {
      const { repo, installationId } = toNudgeBase(context.payload);
      const payload = context.payload;
      const pipeline =
        "context" in payload && "target_url" in payload ? toWoodpeckerNudge(payload.context, payload.target_url) : null;
      await once(context, repo, async () => {
        if (installationId === null) return;
        await service.onCiNudge(repo, installationId, pipeline);
      });
    });

    // The doorbell's replies and buttons arrive on afk's own server (no second port).
    // Mounted only when armed: reading the bot's identity is a request to Slack.
    if (service.armed && slack !== null && config.slack !== null) {
      const identity = await slack.readIdentity();
      if (!identity.ok)
        app.log.error(
          {},
          `cannot read the Slack bot's identity (${describeError(identity.error)}); its own messages are still ignored by their bot_id`,
        );
      const receiver = createSlackReceiver({
        signingSecret: config.slack.signingSecret,
        botToken: config.slack.botToken,
        botId: identity.ok ? identity.value.botId : "unknown",
        botUserId: identity.ok ? identity.value.botUserId : "unknown",
        apiUrl: config.slack.apiUrl,
        onMessage: (event) => service.onSlackMessage(event),
        onAction: (press) => service.onDoorbellPress(press),
        log: app.log,
      });
      addHandler(receiver.handler);
    }

    if (service.armed) {
      void ownActs.learn();
      void service
        .start()
        .catch((error: unknown) => app.log.error({ err: error }, "afk could not rebuild its state at start"))
        .finally(() => {
          if (options.sweep !== false) sweep.start();
        });
    }
  };
}
