/**
 * `@ferry/sdk`: write durable workflows for Ferry (Inngest SDK wire protocol).
 * Serve them with `@ferry/sdk/node` (Node http / Express), `@ferry/sdk/fetch` or `@ferry/sdk/lambda`.
 *
 * @example
 * ```ts
 * import { Ferry } from "@ferry/sdk";
 * const ferry = new Ferry({ id: "shop" });
 * export const paid = ferry.createFunction({ id: "order-paid", triggers: [{ event: "shop/order.paid" }] }, async ({ event, step }) => {
 *   await step.run("receipt", () => sendReceipt(event.data.orderId));
 * });
 * ```
 */
export { Ferry, type FerryOptions } from "./client";
export { FerryFunction } from "./ferry-function";
export { NonRetriableError, RetryAfterError, StepError } from "./errors";
export { serializeError, deserializeError, type SerializedError } from "./error-serde";
export { resolveEnv, DEV_SERVER_URL, type ResolvedEnv } from "./env";
export { signBody, verifySignature, hashSigningKey } from "./signing";
export { hashStepId } from "./hash";
export { toMilliseconds, durationString, type Duration } from "./duration";
export { execute, type ExecuteOptions } from "./executor";
export type { EngineConnection } from "./engine-api";
export type { CheckpointingOption } from "./checkpointing";
export type { CallRequest, ExecutionResult } from "./execution-types";
export type {
  FunctionConfig,
  Trigger,
  ConcurrencyOption,
  CancelOn,
  Handler,
  HandlerContext,
  FailureContext,
  FailureHandler,
  FunctionFailedData,
} from "./function-config";
export type { StepTools, StepId, WaitForEventOptions, InvokeOptions, InvokeTarget, OutgoingOp } from "./step-types";
export type { EventPayload, FerryEvent, EventData, Logger, SendResult, FetchLike } from "./types";
export type { AppRegistration, FunctionRegistration } from "./registration";
export { createServeHandler, handleServeRequest } from "./serve/serve-core";
export { registerApp } from "./serve/register";
export type { ServeOptions, ServeRequest, ServableFunction } from "./serve/serve-types";
export type { ServeResponse } from "./serve/response";
export { SDK_VERSION, SDK_IDENTIFIER } from "./version";
