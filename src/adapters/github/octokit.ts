// The Octokit afk's GitHub adapters take: Probot's, one installation's or the app's (JWT).

import type { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;
