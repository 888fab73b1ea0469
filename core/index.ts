/** The engine core: everything adapters and edges need, from one import. */
export * from "./errors";
export * from "./model/app";
export * from "./model/event";
export * from "./model/function-config";
export * from "./model/job";
export * from "./model/run";
export * from "./model/step";
export * from "./model/wait";
export type * from "./ports";
export * from "./engine/deps";
export { FunctionCatalog } from "./engine/function-catalog";
export { handleJob, type Delivery } from "./engine/handle-job";
export { ingestEvents, validateEvents, MAX_EVENTS_PER_REQUEST, type IngestResult } from "./engine/ingest-events";
export { registerApp, type RegisterResult } from "./engine/register-app";
export { cancelRun, replayRun } from "./engine/run-controls";
export { toRunView, toStepView, type RunView, type StepView } from "./api/run-view";
export { parseDuration } from "./protocol/durations";
export { VirtualClock } from "./time/virtual-clock";
