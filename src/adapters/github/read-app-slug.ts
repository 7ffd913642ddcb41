// The app's own slug, read as the app (JWT): `GET /app`. Its bot user is `<slug>[bot]`.

import type { Octokit } from "./github-client.js";
import { toGitHubError, type GitHubResult } from "./github-error.js";

export async function readAppSlug(appOctokit: Octokit, clock: () => number = Date.now): Promise<GitHubResult<string>> {
  try {
    const { data } = await appOctokit.request("GET /app");
    const slug = data?.slug;
    if (typeof slug !== "string" || slug === "")
      return {
        ok: false,
        error: { category: "invalid-response", status: 200, message: "GET /app named no slug", retryAfterMs: null },
      };
    return { ok: true, value: slug };
  } catch (error) {
    return { ok: false, error: toGitHubError(error, clock()) };
  }
}
