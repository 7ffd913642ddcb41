// Issue 8, item 1, held in every e2e test: GitHub sends the app each of its own writes
// back as a webhook (contracts/github.md, "Echoes of an app's own writes"), and afk takes
// every one of them calmly. Checked after each test against the fake's final state: each
// label added or removed, each close and reopen, each comment afk made on an issue of an
// installed repo went out as its echo (delivered, or failed when afk was down: GitHub
// logs both), and every echo afk answered was answered 2xx.

import { FAKE_APP_BOT, type GitHubFake } from "../fakes/github-fake.js";

/** `owner/repo#N action label` of each of afk's own acts on issues, by the fake's state. */
function toOwnActs(github: GitHubFake): string[] {
  const acts: string[] = [];
  for (const repo of github.repos.values()) {
    if (repo.installationId === null) continue;
    for (const issue of repo.issues.values()) {
      const key = `${repo.fullName.toLowerCase()}#${issue.number}`;
      for (const event of issue.events)
        if (event.actor.login === FAKE_APP_BOT.login)
          acts.push(`${key} issues.${event.event} ${event.label?.name ?? ""}`);
      for (const comment of issue.comments) if (comment.viaApp) acts.push(`${key} issue_comment.created `);
    }
  }
  return acts.sort();
}

interface EchoPayload {
  readonly repository?: { readonly full_name?: string };
  readonly issue?: { readonly number?: number };
  readonly label?: { readonly name?: string };
}

/** The same, read from the echoes GitHub sent (first deliveries: a redelivery is the same echo again). */
function toEchoed(github: GitHubFake): string[] {
  return github.webhooks.sent
    .filter((sent) => sent.echo && !sent.redelivery && !(sent.event === "issue_comment" && sent.action === "edited"))
    .map((sent) => {
      const payload = sent.payload as EchoPayload;
      const key = `${String(payload.repository?.full_name).toLowerCase()}#${payload.issue?.number}`;
      return `${key} ${sent.event}.${sent.action} ${payload.label?.name ?? ""}`;
    })
    .sort();
}

/** Fails unless every write afk made was echoed, and afk answered every echo it received with a 2xx. */
export function assertEveryWriteEchoed(github: GitHubFake): void {
  if (github.webhooks.unsent.length > 0)
    throw new Error(`afk wrote while the fake GitHub had no app to echo to: ${github.webhooks.unsent.length} echoes`);
  const acts = toOwnActs(github);
  const echoed = toEchoed(github);
  if (JSON.stringify(acts) !== JSON.stringify(echoed))
    throw new Error(
      `afk's writes and GitHub's echoes differ:\nwrites: ${acts.join(", ")}\nechoes: ${echoed.join(", ")}`,
    );
  const refused = github.webhooks.sent.filter(
    (sent) => sent.echo && sent.status !== null && (sent.status < 200 || sent.status >= 300),
  );
  if (refused.length > 0)
    throw new Error(
      `afk failed on its own echoes: ${refused.map((s) => `${s.event}.${s.action} ${s.status}`).join(", ")}`,
    );
  if (github.webhooks.sent.some((sent) => sent.echo && sent.sender !== FAKE_APP_BOT.login))
    throw new Error("an echo of afk's write was not sent by afk's bot");
}
