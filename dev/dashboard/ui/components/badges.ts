import { h } from "../dom";
import type { Phase, RunView } from "../types";

/**
 * A run's phase. The server sends `phase`; an older server sends only `status` and `waiting`,
 * from which the same answer follows.
 */
export function phaseOf(run: Pick<RunView, "phase" | "status" | "waiting">): Phase | string {
  if (run.phase) return run.phase;
  if (run.status !== "Running") return run.status.toLowerCase();
  switch (run.waiting?.type) {
    case "sleeping":
      return "sleeping";
    case "waiting-for-event":
    case "invoking":
      return "waiting";
    case "queued":
    case "concurrency":
    case "throttled":
      return "queued";
    default:
      return "running";
  }
}

/** A colored badge for a run's phase (`data-testid="phase"`). */
export function phaseBadge(run: Pick<RunView, "phase" | "status" | "waiting">): HTMLElement {
  const phase = phaseOf(run);
  return h("span", { class: `badge phase-${cssName(phase)}`, "data-testid": "phase", "data-phase": phase }, phase);
}

/** A badge for a step's status (Completed, Failed, Sleeping, ...). */
export function stepStatusBadge(status: string): HTMLElement {
  return h("span", { class: `badge step-${cssName(status.toLowerCase())}`, "data-testid": "step-status" }, status);
}

/** Only letters and dashes reach a class name: the status text comes from the server. */
const cssName = (text: string): string => text.replace(/[^a-z-]/gi, "");
