// The GitHub App port: calls made as the app itself (JWT), not as one installation
// (contracts/github.md): where afk is installed, who afk is, and the webhook deliveries
// that failed (app-deliveries.ts).
//
// Who afk is takes two reads: `GET /app` names the app (its slug), and the bot user
// `<slug>[bot]` (the sender of the webhooks afk's own writes cause) comes from
// `GET /users/{username}`. That second route is public, not an `/app` route: Probot's
// app-level Octokit sends a JWT only to `/app` routes and cannot make other calls
// without an installation, so the caller may hand a separate `publicOctokit` for it.

import type { AppIdentity, GitHubApp } from "../../ports/github-app.js";
import type { Result } from "../../ports/result.js";
import { listDeliveriesSince, toRedeliveries } from "./app-deliveries.js";
import { attemptGitHub } from "./github-error.js";
import { toOwnerAndName } from "./github-mapping.js";
import type { Octokit } from "./octokit.js";

export interface GitHubAppOptions {
  readonly clock?: () => number;
  /** For the public `GET /users/{username}`; the app's own Octokit when absent. */
  readonly publicOctokit?: Octokit;
}

export function createGitHubApp(appOctokit: Octokit, options: GitHubAppOptions = {}): GitHubApp {
  const clock = options.clock ?? Date.now;
  const publicOctokit = options.publicOctokit ?? appOctokit;
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);

  return {
    readIdentity: () =>
      attempt(async (): Promise<AppIdentity> => {
        const { data: app } = await appOctokit.request("GET /app");
        // Typed nullable for a route that also serves other kinds of auth; a JWT always names its app.
        if (app === null) throw new Error("GET /app answered without an app");
        const slug = app.slug ?? "";
        const { data: user } = await publicOctokit.request("GET /users/{username}", { username: `${slug}[bot]` });
        // Octokit's types allow a bigint for int64 ids; JSON.parse never makes one.
        return { appId: app.id, slug, bot: { login: user.login, id: Number(user.id), type: "Bot" } };
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
