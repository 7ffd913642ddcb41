// The child-process afk that benchmarks and crash tests drive: started the way the image
// starts it, ready when it answers /ping, its output captured, restarted on the same port
// after a stop or a SIGKILL, and armed against the fakes when given their environment.

import { afterAll, describe, expect, it } from "vitest";
import { ChildAfk } from "./child-afk.js";
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
