// Counts every failed call to an outside system by system and category (the ports'
// shared vocabulary, ports/result.ts), whichever adapter answered and whatever went wrong
// before or after a request (a token file unreadable, a body that broke the contract).
// The ports are wrapped once where the shell receives them; adapters are not touched.

import type { PortError } from "../../ports/result.js";
import type { ShellDeps } from "../afk-service.js";

function isFailure(value: unknown): value is { readonly ok: false; readonly error: PortError } {
  return typeof value === "object" && value !== null && "ok" in value && value.ok === false && "error" in value;
}

/** The port, whose methods tell `failed` of every failed Result they return. */
export function watchPort<T extends object>(port: T, failed: (error: PortError) => void): T {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        const out: unknown = Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        if (!(out instanceof Promise)) return out;
        return out.then((result: unknown) => {
          if (isFailure(result)) failed(result.error);
          return result;
        });
      };
    },
  });
}

function watchNullable<T extends object>(port: T | null, failed: (error: PortError) => void): T | null {
  return port === null ? null : watchPort(port, failed);
}

/** The shell's dependencies with every port watched. */
export function watchPorts(deps: ShellDeps, failed: (error: PortError) => void): ShellDeps {
  return {
    ...deps,
    issues: async (installationId) => watchPort(await deps.issues(installationId), failed),
    ci: async (installationId) => watchPort(await deps.ci(installationId), failed),
    app: async () => watchPort(await deps.app(), failed),
    agent: watchNullable(deps.agent, failed),
    deploy: watchNullable(deps.deploy, failed),
    rollout: watchNullable(deps.rollout, failed),
    versions: watchNullable(deps.versions, failed),
    doorbell: watchNullable(deps.doorbell, failed),
  };
}
