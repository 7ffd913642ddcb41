// The shell put together: the service's state, the reconciler wired to the requests
// runs make when they free their repo, the sweep, and one entry per kind of ingress.
// app.ts (Probot) and the tests drive afk through this.

import { isReleaseAwaited } from "../core/dispatch/is-release-awaited.js";
import type { Nudge } from "../core/ingress/nudge.js";
import type { SlackMessageEvent } from "../core/slack/decide-slack.js";
import { AfkService, type ShellDeps } from "./afk-service.js";
import { handleNudge } from "./github-ingress.js";
import { reconcile } from "./reconcile-repo.js";
import { onDoorbellPress, onSlackMessage, type DoorbellPress } from "./slack-ingress.js";
import { startUp } from "./start-up.js";
import { Sweep, type SweepOutcome } from "./sweep.js";
import { sweepOnce } from "./sweep-work.js";

export interface AfkRuntime {
  readonly service: AfkService;
  readonly sweep: Sweep;
  /** Start-up (index rebuild, redeliveries, reconcile), then the periodic sweep unless told not to. */
  start(options?: { readonly sweep?: boolean }): Promise<void>;
  /** Settles once start-up has finished (at once when it never began). */
  whenStarted(): Promise<void>;
  sweepOnce(): Promise<SweepOutcome>;
  reconcile(repo: string, installationId: number): Promise<void>;
  handleNudge(nudge: Nudge): Promise<void>;
  onSlackMessage(event: SlackMessageEvent): Promise<void>;
  onDoorbellPress(press: DoorbellPress): Promise<void>;
}

export function createRuntime(deps: ShellDeps): AfkRuntime {
  const service = new AfkService(deps);
  service.onReconcileRequested((repo, whenQueued) => {
    const installationId = service.installations.get(repo);
    if (installationId === undefined) return;
    if (whenQueued && !isReleaseAwaited(service.index.recordsOf(repo))) {
      deps.log.debug({ repo }, "a run ended and none is queued in its repo; the sweep looks for new ready issues");
      return;
    }
    void reconcile(service, repo, installationId, null).catch((error: unknown) =>
      deps.log.error({ repo, err: error }, "reconcile after a run ended failed; the sweep retries"),
    );
  });
  const sweep = new Sweep({
    intervalMs: deps.config.sweepIntervalMs,
    enabled: () => service.armed,
    // Through the runtime, so that what the scheduler runs is what `runtime.sweepOnce` is.
    runOnce: () => runtime.sweepOnce(),
    clock: deps.clock,
    onError: (error) => deps.log.error({ err: error }, "the sweep failed; the next one starts on time"),
  });
  let started: Promise<void> = Promise.resolve();
  const start = async (options: { readonly sweep?: boolean }): Promise<void> => {
    try {
      await startUp(service);
    } catch (error) {
      deps.log.error({ err: error }, "afk could not rebuild its state at start; the sweep retries");
    }
    if (options.sweep !== false) sweep.start();
  };
  const runtime: AfkRuntime = {
    service,
    sweep,
    start: (options = {}) => (started = start(options)),
    whenStarted: () => started,
    sweepOnce: () => sweepOnce(service),
    reconcile: (repo, installationId) => reconcile(service, repo, installationId, null),
    handleNudge: (nudge) => handleNudge(service, nudge),
    onSlackMessage: (event) => onSlackMessage(service, event),
    onDoorbellPress: (press) => onDoorbellPress(service, press),
  };
  return runtime;
}
