// The GitHub App port: calls made as the app itself (JWT), not as one installation
// (contracts/github.md): where afk is installed, who afk is, and the webhook deliveries
// that failed (app-deliveries.ts).
//
// Who afk is: `GET /app` names the app (its slug); its bot user is `<slug>[bot]`, the
// sender of the webhooks afk's own writes cause.

import type { AppIdentity, GitHubApp } from "../../ports/github-app.js";
import type { Result } from "../../ports/result.js";
import { listDeliveriesSince, toRedeliveries } from "./app-deliveries.js";
import { attemptGitHub } from "./github-error.js";
import { toOwnerAndName } from "./github-mapping.js";
import type { Octokit } from "./octokit.js";

export interface GitHubAppOptions {
  readonly clock?: () => number;
}

export function createGitHubApp(appOctokit: Octokit, options: GitHubAppOptions = {}): GitHubApp {
  const clock = options.clock ?? Date.now;
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);

  return {
    readIdentity: () =>
      attempt(async (): Promise<AppIdentity> => {
        const { data: app } = await appOctokit.request("GET /app");
        // Typed nullable for a route that also serves other kinds of auth; a JWT always names its app.
        if (app === null) throw new Error("GET /app answered without an app");
        const slug = app.slug ?? "";
        if (slug === "") throw Object.assign(new Error("GET /app named no slug"), { status: 200 });
        return { appId: app.id, slug, botLogin: `${slug}[bot]` };
      }),

    findInstallation: async (repo) => {
      const found = await attempt(async () => {
        const { data } = await appOctokit.request("GET /repos/{owner}/{repo}/installation", toOwnerAndName(repo));
        return data.id;
      });
      // Not installed there: a fact, not a failure.
      return !found.ok && found.error.category === "not-found" ? { ok: true, value: null } : found;
    },

    listFailedDeliveries: (sinceMs) =>
      attempt(async () => toRedeliveries(await listDeliveriesSince(appOctokit, sinceMs), sinceMs)),

    redeliver: (deliveryId) =>
      attempt(async () => {
        await appOctokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: deliveryId });
      }),
  };
}
