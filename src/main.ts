// The entry point, and the only file that reads process.env. `npm start` runs
// `probot run ./dist/main.js`; Probot has applied `.env` before it imports this module
// (a `.env` file overrides real environment variables: contracts/github.md).
// A bad configuration value stops start-up here, with a message naming the variable.

import type { ApplicationFunction } from "probot";
import { createAfkApp } from "./app.js";
import { loadConfig } from "./shell/load-config.js";

function start(): ApplicationFunction {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    console.error(`afk cannot start: the configuration is invalid.\n${loaded.message}`);
    process.exit(1);
  }
  // Probot imports this module only once APP_ID and the private key are set.
  const appId = Number(process.env.APP_ID);
  const githubUrl = process.env.GHE_HOST
    ? `${process.env.GHE_PROTOCOL ?? "https"}://${process.env.GHE_HOST}`
    : "https://github.com";
  return createAfkApp({ config: loaded.config, appId, githubUrl });
}

export default start();
