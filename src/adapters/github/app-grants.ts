// The app's grants over GitHub's REST API, as the app (JWT): `GET /app` names the
// permissions and events set in the app's settings, `GET /repos/{o}/{r}/installation`
// those the installation on that repo has accepted (an installation keeps its old grants
// until an owner accepts the app's new ones).

import type { AppGrantsReader, Grants } from "../../ports/app-grants.js";
import type { Result } from "../../ports/result.js";
import { attemptGitHub } from "./github-error.js";
import { toOwnerAndName } from "./github-mapping.js";
import type { Octokit } from "./octokit.js";

interface RestGrants {
  readonly permissions?: Readonly<Record<string, string | undefined>> | null;
  readonly events?: readonly string[] | null;
}

/** Both routes type every permission optional: an absent one is not granted. */
function toGrants(rest: RestGrants): Grants {
  const permissions = Object.fromEntries(
    Object.entries(rest.permissions ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  return { permissions, events: [...(rest.events ?? [])] };
}

export function createAppGrantsReader(appOctokit: Octokit, clock: () => number = Date.now): AppGrantsReader {
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);
  return {
    readApp: () =>
      attempt(async () => {
        const { data: app } = await appOctokit.request("GET /app");
        // Typed nullable for a route that also serves other kinds of auth; a JWT always names its app.
        if (app === null) throw Object.assign(new Error("GET /app answered without an app"), { status: 200 });
        return { appId: app.id, slug: app.slug ?? "", ...toGrants(app as RestGrants) };
      }),

    readInstallation: async (repo) => {
      const found = await attempt(async () => {
        const { data } = await appOctokit.request("GET /repos/{owner}/{repo}/installation", toOwnerAndName(repo));
        const account = data.account !== null && "login" in data.account ? data.account.login : "";
        return { installationId: data.id, account, ...toGrants(data as RestGrants) };
      });
      // Not installed there: a fact, not a failure.
      return !found.ok && found.error.category === "not-found" ? { ok: true, value: null } : found;
    },
  };
}
