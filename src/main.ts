// The process entry (`npm start` and the image both run `node dist/main.js`), and the
// only file that reads process.env. It applies `.env` as Probot would (the file
// OVERRIDES the environment: contracts/github.md), validates the whole configuration
// (a bad value, or in production a missing webhook secret, stops afk here with a message
// naming the variable), builds afk's redacting logger, and hands both to Probot's `run`:
// with APP_ID and the private key it serves afk; without them, outside production, it
// serves Probot's "Register GitHub App" page (the manifest flow), logging through the
// same logger. (`probot run` built its own logger, with no way to redact.)

import { run } from "probot";
import { AfkOctokit } from "./adapters/github/afk-octokit.js";
import { createAfkApp } from "./app.js";
import { toLogSettings } from "./core/config/log-settings.js";
import { formatConfigErrors } from "./core/config/config-errors.js";
import { applyDotEnv } from "./shell/dot-env.js";
import { loadConfig } from "./shell/load-config.js";
import { createAfkLogger } from "./shell/logging/afk-logger.js";
import { keepSecretFilesKnown, toConfiguredSecrets } from "./shell/logging/configured-secrets.js";
import { createSecretScrubber, type SecretScrubber } from "./shell/logging/secret-scrubber.js";

function stop(message: string, scrubber: SecretScrubber | null = null): never {
  console.error(scrubber === null ? message : scrubber.scrub(message));
  process.exit(1);
}

async function main(): Promise<void> {
  applyDotEnv(process.env, process.cwd());
  const env = process.env;
  const loaded = loadConfig(env);
  const logSettings = toLogSettings(env);
  const problems = [
    ...(loaded.ok ? [] : [loaded.message]),
    ...(logSettings.ok ? [] : [formatConfigErrors(logSettings.errors)]),
  ];
  if (!loaded.ok || !logSettings.ok)
    return stop(`afk cannot start: the configuration is invalid.\n${problems.join("\n")}`);
  const secrets = toConfiguredSecrets(env, loaded.config);
  const scrubber = createSecretScrubber(secrets.values);
  keepSecretFilesKnown(secrets.files, scrubber);
  const log = await createAfkLogger(logSettings.config, scrubber);
  const githubUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}` : "https://github.com";
  // Probot calls the app only once APP_ID and the private key are set.
  const app = createAfkApp({ config: loaded.config, appId: Number(env.APP_ID), githubUrl });
  // Probot's Octokit, its reads taken out of the throttling and retry queues (afk-octokit.ts).
  await run(app, { env, log, Octokit: AfkOctokit }).catch((error: unknown) =>
    stop(`afk cannot start: ${error instanceof Error ? error.message : String(error)}`, scrubber),
  );
}

await main();
