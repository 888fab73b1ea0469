import { execFileSync } from "node:child_process";
import { arch, cpus, platform, release, totalmem } from "node:os";

/** The machine the figures came from. */
export interface MachineInfo {
  os: string;
  cpus: number;
  cpuModel: string;
  node: string;
  totalMemoryBytes: number;
}

/** This machine. */
export function machine(): MachineInfo {
  const list = cpus();
  return {
    os: `${platform()} ${release()} ${arch()}`,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    totalMemoryBytes: totalmem(),
  };
}

/** The short sha of HEAD, if this is a git checkout. */
export function gitSha(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
