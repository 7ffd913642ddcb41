// `afk doctor` in-process against the project's fakes: everything passing, then one
// thing broken at a time. Each broken case fails exactly one check with its fix; checks
// that depend on the broken one say they were not run (–); every other line stays ✓.
// The doctor only ever reads, and no secret value reaches its output.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runDoctor, type DoctorReport } from "../../src/doctor/run-doctor.js";
import { BROKEN_CASES } from "./broken-cases.js";
import { MANIFEST, startDoctorWorld, TestOctokit, toWrites, type DoctorWorld } from "./doctor-world.js";

const LIMITS = { deadlineMs: 3_000, retries: 0 };

function doctor(world: DoctorWorld, env: Record<string, string> = world.env): Promise<DoctorReport> {
  return runDoctor({ env, manifest: MANIFEST, cwd: world.dir, Octokit: TestOctokit, limits: LIMITS });
}

const marked = (report: DoctorReport, mark: string): string[] => report.lines.filter((line) => line.startsWith(mark));

function expectClean(world: DoctorWorld, report: DoctorReport): void {
  expect(toWrites(world)).toEqual([]);
  expect(world.github.violations).toEqual([]);
  expect(world.github.unexpected).toEqual([]);
  const output = report.lines.join("\n");
  for (const secret of world.secrets) expect(output).not.toContain(secret);
}

describe("afk doctor, with every outside system as it should be", () => {
  let world: DoctorWorld;
  beforeEach(async () => {
    world = await startDoctorWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it("passes every check, exits 0, only reads, and prints no secret", async () => {
    const report = await doctor(world);
    expect(report.exitCode).toBe(0);
    expect(report.lines.every((line) => line.startsWith("✓ "))).toBe(true);
    expect(report.lines).toEqual([
      "✓ the configuration is valid",
      "✓ afk is armed for 2 repositories: acme/widgets, acme/gadgets",
      "✓ the app authenticates as afk-test (app 4711)",
      "✓ the app's settings grant every permission and event app.yml asks for",
      "✓ acme/widgets: installed (installation 4242), every permission and event accepted",
      "✓ acme/widgets: .github/afk.yml on main is valid (deploy: Woodpecker acme/widgets-deploy; rollout: Deployment web/widgets)",
      "✓ acme/gadgets: installed (installation 4343), every permission and event accepted",
      "✓ acme/gadgets: no .github/afk.yml on main (CI alone decides; the operator's budgets apply)",
      "✓ T3 answers (version 0.0.33; afk needs 0.0.29 or later)",
      "✓ T3's token reads (orchestration:read: GET /api/orchestration/shell)",
      "✓ T3's token may dispatch (orchestration:operate: a body that is no command passed the scope check, then was refused; nothing was created)",
      "✓ Woodpecker reads acme/widgets-deploy (repo 101), the deploy stage of acme/widgets",
      "✓ Kubernetes: afk's service account may get Deployments in namespace web",
      "✓ Kubernetes: Deployment web/widgets exists, with container app (rollout of acme/widgets)",
      "✓ Slack's bot token works (bot user U0AFKBOT)",
      "✓ Slack: the bot is in SLACK_CHANNEL C0AFK",
      "✓ Slack: allowed user U0ALICE exists (alice)",
    ]);
    expectClean(world, report);
    // The operate probe was refused at decoding, after the scope check: T3 created nothing.
    expect(world.t3.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([400]);
  });

  it("runs every check it can while afk is disarmed, and says so without failing", async () => {
    const report = await doctor(world, { ...world.env, AFK_KILL_SWITCH: "on" });
    expect(report.exitCode).toBe(0);
    expect(report.lines[1]).toBe(
      "– afk is disarmed: the kill switch is on (AFK_KILL_SWITCH=on). It makes no outbound requests; the doctor checks the set-up all the same",
    );
    expect(report.lines.filter((line) => !line.startsWith("✓ "))).toHaveLength(1);
    expectClean(world, report);
  });

  it("prints a neutral line for what is not configured, and still exits 0", async () => {
    const env = { ...world.env, AFK_KILL_SWITCH: "on", AFK_ALLOWLIST: "" };
    for (const name of ["T3_BASE_URL", "T3_TOKEN", "WOODPECKER_URL", "WOODPECKER_TOKEN", "AFK_KUBE_API_URL"])
      delete env[name as keyof typeof env];
    for (const name of [
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
      "SLACK_CHANNEL",
      "SLACK_ALLOWED_USERS",
      "SLACK_API_URL",
    ])
      delete env[name as keyof typeof env];
    const report = await doctor(world, env);
    expect(report.exitCode).toBe(0);
    expect(marked(report, "–")).toEqual([
      "– afk is disarmed: the kill switch is on (AFK_KILL_SWITCH=on). It makes no outbound requests; the doctor checks the set-up all the same",
      "– no repository is enrolled (AFK_ALLOWLIST is empty): no installation or .github/afk.yml to check",
      "– T3: not configured (T3_BASE_URL is unset); afk cannot dispatch until it is",
      "– Woodpecker: not configured (WOODPECKER_URL is unset: no deploy stage)",
      "– Kubernetes: no enrolled repo follows a Deployment (rollout.kubernetes in .github/afk.yml)",
      "– Slack: not configured (no doorbell: escalations stay on GitHub)",
    ]);
  });

  it("does not fail when the Slack token lacks users:read, which only the doctor uses", async () => {
    world.slack.setScopes(["chat:write", "channels:history", "groups:history", "reactions:write"]);
    const report = await doctor(world);
    expect(report.exitCode).toBe(0);
    expect(marked(report, "–")).toEqual([
      "– Slack: the allowed users are not checked: the token lacks users:read (Slack unauthorized (missing_scope): users.info failed: missing_scope (needed: users:read)); afk itself does not need it, add it to let the doctor check them",
    ]);
  });
});

describe("afk doctor, with one thing broken at a time", () => {
  let allPass: DoctorReport;
  beforeAll(async () => {
    const intact = await startDoctorWorld();
    allPass = await doctor(intact);
    await intact.close();
  });
  let world: DoctorWorld | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    await world?.close();
    world = undefined;
    cleanup = undefined;
  });

  it.each(BROKEN_CASES)("$name: exit 1, that one ✗ with its fix, every other check ✓", async (broken) => {
    world = await startDoctorWorld(broken.world);
    const { env, close } = await broken.breakIt(world);
    cleanup = close;
    const report = await doctor(world, env);
    expect(report.exitCode).toBe(1);
    const failed = marked(report, "✗");
    expect(failed).toHaveLength(1);
    if (typeof broken.failed === "string") expect(failed[0]).toBe(broken.failed);
    else expect(failed[0]).toMatch(broken.failed);
    expect(marked(report, "–")).toHaveLength(broken.notRun);
    const passed = marked(report, "✓");
    for (const line of passed) expect(allPass.lines).toContain(line);
    expect(passed.length + 1 + broken.notRun).toBe(report.lines.length);
    expectClean(world, report);
  });
});
