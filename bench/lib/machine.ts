// The machine a bench ran on: cores, CPU model, memory and Node, as the README states them.

import { availableParallelism, loadavg, totalmem } from "node:os";
import { readFileSync } from "node:fs";

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly node: string;
  /** The 1-minute load average when the bench started and ended: the machine is shared. */
  readonly load: { readonly start: number; readonly end: number };
}

export function loadNow(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

export function describeMachine(loadAtStart: number): Machine {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  return {
    nproc: availableParallelism(),
    cpu,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    load: { start: loadAtStart, end: loadNow() },
  };
}
