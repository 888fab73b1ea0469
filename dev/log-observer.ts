import pc from "picocolors";
import type { EngineObserver, RunRecord, SerializedError, StepRecord, WaitingReason } from "../core";
import { isoTime } from "../core/api/iso-time";

/** Where log lines go (stdout by default; tests capture them). */
export type LogSink = (line: string) => void;

const time = () => pc.dim(new Date().toISOString().slice(11, 23));
const fn = (run: RunRecord) => pc.bold(run.functionId);
const id = (run: RunRecord) => pc.dim(run.id);

/**
 * One colored line per thing that happened: events in, runs started and finished, each step's
 * outcome with its duration, retries with the error and when the next attempt is due.
 */
export function createLogObserver(sink: LogSink = (line) => process.stdout.write(`${line}\n`), verbose = true): EngineObserver {
  const log = (line: string) => sink(`${time()} ${line}`);
  return {
    // The engine's own lifecycle events are dimmed: they follow every run and would drown the rest.
    eventReceived: (name, eventId) => verbose && log(name.startsWith("inngest/") ? pc.dim(`event    ${name} ${eventId}`) : `${pc.magenta("event")}    ${name} ${pc.dim(eventId)}`),
    runStarted: (run) => verbose && log(`${pc.blue("run")}      ${fn(run)} ${id(run)} started`),
    runPaused: (run) => verbose && run.waiting && log(`${pc.blue("run")}      ${fn(run)} ${id(run)} ${pc.yellow(describeWaiting(run.waiting))}`),
    stepFinished: (run, step) => verbose && log(`${pc.cyan("step")}     ${fn(run)} ${stepName(step)} ${stepStatus(step)}`),
    stepRetrying: (run, step, error, at) =>
      log(`${pc.yellow("retry")}    ${fn(run)} ${step ? stepName(step) : "(function)"} ${errorText(error)} ${pc.dim(`next attempt in ${Math.max(0, at - Date.now())} ms`)}`),
    runFinished: (run) => {
      if (!verbose && run.status === "Completed") return;
      const took = run.endedAt !== undefined ? pc.dim(` ${run.endedAt - run.createdAt} ms`) : "";
      const status = run.status === "Completed" ? pc.green(run.status) : run.status === "Failed" ? pc.red(run.status) : pc.gray(run.status);
      log(`${pc.blue("run")}      ${fn(run)} ${id(run)} ${status}${took}${run.error ? ` ${errorText(run.error as SerializedError)}` : ""}`);
    },
    problem: (message, error) => log(`${pc.red("problem")}  ${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
}

// A log line must not throw inside the engine over a time no date can hold (a wait of 1,000,000y).
const clockTime = (ms: number) => isoTime(ms)?.slice(11, 19) ?? `${ms} ms`;

/** Why a run is not executing, in words. */
export function describeWaiting(waiting: WaitingReason): string {
  switch (waiting.type) {
    case "sleeping":
      return `sleeping until ${clockTime(waiting.until)}`;
    case "waiting-for-event":
      return `waiting for ${waiting.event} until ${clockTime(waiting.until)}`;
    case "invoking":
      return `waiting for invoked run ${waiting.childRunId}`;
    case "retrying":
      return `retrying (attempt ${waiting.attempt + 1}) at ${clockTime(waiting.at)}`;
    case "concurrency":
      return `waiting for capacity on ${waiting.key}`;
    case "throttled":
      return `throttled until ${clockTime(waiting.until)}`;
    case "queued":
      return "queued";
  }
}

function stepName(step: StepRecord): string {
  return step.displayName ?? step.name;
}

function stepStatus(step: StepRecord): string {
  const took = step.endedAt !== undefined ? pc.dim(` ${step.endedAt - step.startedAt} ms`) : "";
  return (step.status === "Completed" ? pc.green("✓") : pc.red(`✗ ${step.status}`)) + took;
}

function errorText(error: SerializedError): string {
  return pc.red(`${error.name ?? "Error"}: ${error.message ?? ""}`);
}
