// The composition root asks Probot for an installation's Octokit once (issue 12): building
// one costs milliseconds of CPU that a delivery would otherwise pay before its first read.

import { describe, expect, it } from "vitest";
import type { Octokit } from "../src/adapters/github/octokit.js";
import { composeShellDeps } from "../src/compose.js";
import { anOperatorConfig } from "./core/builders.js";
import { aQuietLog } from "./shell/world.js";

function compose(auth: (installationId?: number) => Promise<Octokit>) {
  return composeShellDeps({
    config: anOperatorConfig(),
    appId: 1,
    githubUrl: "https://github.com",
    auth,
    clock: () => 0,
    log: aQuietLog(),
    overrides: { agent: null, deploy: null, rollout: null, versions: null, doorbell: null },
  });
}

describe("composeShellDeps", () => {
  it("asks Probot for each installation's Octokit once, whoever needs it", async () => {
    const asked: (number | undefined)[] = [];
    const deps = await compose((id) => {
      asked.push(id);
      return Promise.resolve({} as Octokit);
    });
    await Promise.all([deps.issues(7), deps.issues(7), deps.ci(7), deps.issues(8)]);
    await deps.issues(7);
    expect(asked).toEqual([7, 8]);
  });

  it("asks again after a failed attempt", async () => {
    let calls = 0;
    const deps = await compose(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error("no token")) : Promise.resolve({} as Octokit);
    });
    await expect(deps.issues(7)).rejects.toThrow("no token");
    await deps.issues(7);
    await deps.issues(7);
    expect(calls).toBe(2);
  });
});
