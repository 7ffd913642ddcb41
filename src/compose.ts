// The composition root: builds every adapter from the operator configuration, once. The
// GitHub ports come from Probot's authentication (an installation token per call, or the
// app's JWT); the others from their settings. A test hands in its own ports instead.
// @slack/bolt is loaded only when Slack is configured (~11 MB of resident memory).

import { createEtagCache } from "./adapters/github/etag-cache.js";
import { createGitHubApp } from "./adapters/github/github-app.js";
import { createGitHubCiClient } from "./adapters/github/github-ci-client.js";
import { createGitHubClient } from "./adapters/github/github-client.js";
import type { Octokit } from "./adapters/github/octokit.js";
import { createKubeClient } from "./adapters/kubernetes/kube-client.js";
import { createT3AgentRunner } from "./adapters/t3/t3-agent-runner.js";
import { createVersionUrlClient } from "./adapters/version-url/version-url-client.js";
import { createWoodpeckerClient } from "./adapters/woodpecker/woodpecker-client.js";
import type { OperatorConfig } from "./core/config/config-types.js";
import type { AgentRunner } from "./ports/agent-runner.js";
import type { DeployReader } from "./ports/deploy-reader.js";
import type { Doorbell } from "./ports/doorbell.js";
import type { OutboundObserver } from "./ports/outbound.js";
import type { RolloutReader, VersionReader } from "./ports/rollout-reader.js";
import type { ShellDeps } from "./shell/afk-service.js";
import type { Log } from "./shell/log.js";

/** Ports a test builds itself (null: not configured); the configuration decides the rest. */
export interface PortOverrides {
  readonly agent?: AgentRunner | null;
  readonly deploy?: DeployReader | null;
  readonly rollout?: RolloutReader | null;
  readonly versions?: VersionReader | null;
  readonly doorbell?: Doorbell | null;
}

export interface CompositionInput {
  readonly config: OperatorConfig;
  readonly appId: number;
  readonly githubUrl: string;
  /** Probot's `app.auth`: an installation's Octokit, or the app's (JWT) without an id. */
  readonly auth: (installationId?: number) => Promise<Octokit>;
  readonly clock: () => number;
  readonly log: Log;
  readonly overrides?: PortOverrides;
  /** Told of every request the undici and Slack clients send (metrics). */
  readonly observe?: OutboundObserver;
}

function pick<T>(override: T | null | undefined, build: () => T | null): T | null {
  return override !== undefined ? override : build();
}

/** The Slack doorbell, with its client (and @slack/bolt) loaded only when Slack is configured. */
async function toDoorbell(config: OperatorConfig, observe: OutboundObserver | undefined): Promise<Doorbell | null> {
  const { slack } = config;
  if (slack === null) return null;
  const { createSlackClient } = await import("./adapters/slack/slack-client.js");
  return createSlackClient({ token: slack.botToken, apiUrl: slack.apiUrl, observe });
}

/**
 * One Octokit per installation for the life of the process. Probot's `app.auth(id)` builds
 * a new one on every call (its plugins, Bottleneck's groups, and afk's unpaced twin for
 * reads on its first read): a few milliseconds of CPU that every delivery paid before its
 * first request left (issue 12). Nothing in it is tied to one call: its auth hook takes the
 * installation token from Probot's cache on every request and fetches a new one when that
 * expired, and the throttling of writes is per installation whichever Octokit sends them.
 */
function toInstallationOctokits(auth: CompositionInput["auth"]): (installationId: number) => Promise<Octokit> {
  const made = new Map<number, Promise<Octokit>>();
  return (installationId) => {
    const known = made.get(installationId);
    if (known !== undefined) return known;
    const octokit = auth(installationId);
    made.set(installationId, octokit);
    // A failed one is forgotten: the next call asks again.
    octokit.catch(() => made.delete(installationId));
    return octokit;
  };
}

export async function composeShellDeps(input: CompositionInput): Promise<ShellDeps> {
  const { config, clock, auth } = input;
  const overrides = input.overrides ?? {};
  // One ETag cache for the whole process: every repeated GitHub read is conditional, and a 304 costs no rate limit.
  const etags = createEtagCache();
  const { t3, woodpecker, kube } = config;
  const { observe } = input;
  const installation = toInstallationOctokits(auth);
  return {
    config,
    appId: input.appId,
    githubUrl: input.githubUrl,
    issues: async (installationId) => createGitHubClient(await installation(installationId), clock, etags),
    ci: async (installationId) => createGitHubCiClient(await installation(installationId), { clock, etags }),
    app: async () => createGitHubApp(await auth(), { clock }),
    agent: pick(overrides.agent, () =>
      t3.baseUrl === null
        ? null
        : createT3AgentRunner({ baseUrl: t3.baseUrl, token: t3.token, tokenFile: t3.tokenFile, observe }),
    ),
    deploy: pick(overrides.deploy, () =>
      woodpecker === null ? null : createWoodpeckerClient({ ...woodpecker, observe }),
    ),
    rollout: pick(overrides.rollout, () =>
      kube.apiUrl === null ? null : createKubeClient({ ...kube, apiUrl: kube.apiUrl, observe }),
    ),
    versions: pick(overrides.versions, () => createVersionUrlClient({ observe })),
    doorbell: overrides.doorbell !== undefined ? overrides.doorbell : await toDoorbell(config, observe),
    clock,
    log: input.log,
  };
}
