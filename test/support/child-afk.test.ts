// The child-process afk that benchmarks and crash tests drive: started the way the image
// starts it, ready when it answers /ping, its output captured, restarted on the same port
// after a stop or a SIGKILL, and armed against the fakes when given their environment.

import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDockerfile, toEnv } from "../deploy/support/dockerfile.js";
import { ChildAfk, IMAGE_ENV, ROOT } from "./child-afk.js";
import { GitHubFake } from "../fakes/github-fake.js";

const github = new GitHubFake();
afterAll(() => github.stop());

describe("ChildAfk", () => {
  it("starts afk with Probot's JSON logs, restarts it on the same port after a SIGKILL, and stops it", async () => {
    await github.start();
    const afk = await ChildAfk.start({ env: { ...github.probotEnv(), WEBHOOK_SECRET: "child-afk-test" } });
    try {
      expect(await (await fetch(`${afk.url}/ping`)).text()).toBe("PONG");
      await afk.waitForOutput("afk is disarmed");
      expect(afk.logLines().some((line) => String(line.msg).startsWith("Listening on"))).toBe(true);
      expect(afk.rssBytes()).toBeGreaterThan(10 * 1024 * 1024);
      // The image's ENV as the Dockerfile sets it (V8's flags included): the bench measures what ships.
      const environ = readFileSync(`/proc/${afk.pid ?? 0}/environ`, "utf8").split("\0");
      for (const [key, value] of Object.entries(IMAGE_ENV)) expect(environ).toContain(`${key}=${value}`);
      const first = afk.pid;

      expect(await afk.kill()).toEqual({ code: null, signal: "SIGKILL" });
      expect(afk.pid).toBeNull();
      await afk.restart();
      expect(afk.pid).not.toBe(first);
      expect(await (await fetch(`${afk.url}/ping`)).text()).toBe("PONG");
      expect(afk.allOutput.match(/Listening on/g)).toHaveLength(2);
    } finally {
      await afk.close();
    }
    expect(afk.pid).toBeNull();
  });
});

describe("IMAGE_ENV", () => {
  it("is the ENV of the Dockerfile's last stage, without HOST and PORT (the child gets its own)", () => {
    const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
    const { HOST, PORT, ...rest } = toEnv(stages.at(-1) ?? { image: "", name: null, instructions: [] });
    expect(HOST).toBe("0.0.0.0");
    expect(PORT).toBe("3000");
    expect(IMAGE_ENV).toEqual(rest);
    expect(IMAGE_ENV).toMatchObject({ NODE_ENV: "production", LOG_FORMAT: "json", MALLOC_ARENA_MAX: "2" });
    expect(IMAGE_ENV.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
  });
});
