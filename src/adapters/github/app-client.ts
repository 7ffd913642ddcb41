// Calls made as the GitHub App itself (JWT), not as one installation.

import { toGitHubError, type GitHubResult } from "./github-error.js";
import type { Octokit } from "./github-client.js";
import { toOwnerAndName } from "./github-mapping.js";

export interface AppClient {
  /** The installation of afk on the repo, or null when afk is not installed there. */
  findInstallation(repo: string): Promise<GitHubResult<number | null>>;
}

export function createAppClient(octokit: Octokit, clock: () => number = Date.now): AppClient {
  return {
    findInstallation: async (repo) => {
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/installation", toOwnerAndName(repo));
        return { ok: true, value: data.id };
      } catch (error) {
        const mapped = toGitHubError(error, clock());
        if (mapped.category === "not-found") return { ok: true, value: null };
        return { ok: false, error: mapped };
      }
    },
  };
}
