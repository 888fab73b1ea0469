import type { Sdk } from "./app";

/** Per-configuration targets: workload A's per-step p50 and workload B's steps/s. */
export interface Targets {
  perStepMsP50: number;
  stepsPerSec: number;
}

/** One SDK with checkpointing on or off, run against its own fresh dev server. */
export interface Configuration {
  /** Name in the table and for `--only`. */
  name: string;
  sdk: Sdk;
  checkpointing: boolean;
  /**
   * The SDK's `checkpointing.bufferedSteps` (both SDKs have it): steps it runs before it reports
   * them in one checkpoint (default 1). More per report means fewer requests, and more steps run
   * again if the app dies before reporting them.
   */
  bufferedSteps?: number;
  targets?: Targets;
}

/**
 * The configurations in the order they run. Targets come from issue 11; those of our SDK
 * without checkpointing are the earlier ones (issue 7), kept as a reference.
 */
export const CONFIGURATIONS: readonly Configuration[] = [
  { name: "ferry-cp", sdk: "ferry", checkpointing: true, targets: { perStepMsP50: 0.5, stepsPerSec: 3000 } },
  { name: "ferry-nocp", sdk: "ferry", checkpointing: false, targets: { perStepMsP50: 1.1, stepsPerSec: 2000 } },
  { name: "official-cp", sdk: "official", checkpointing: true, targets: { perStepMsP50: 2, stepsPerSec: 1500 } },
  { name: "official-nocp", sdk: "official", checkpointing: false },
  // Not the default: what a user of either SDK can trade for speed (see docs/benchmarks.md).
  { name: "ferry-cp-buffered", sdk: "ferry", checkpointing: true, bufferedSteps: 10 },
  { name: "official-cp-buffered", sdk: "official", checkpointing: true, bufferedSteps: 10 },
];

/** The configuration the soak runs: our SDK with checkpointing. */
export const SOAK_CONFIGURATION = CONFIGURATIONS[0] as Configuration;
