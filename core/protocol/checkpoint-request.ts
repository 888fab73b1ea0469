import { z } from "zod";
import { ValidationError } from "../errors";
import { parseOps, type WireOp } from "./opcodes";

/**
 * `POST /v1/checkpoint/{runId}/async` as SDKs send it. Ops carry more than the engine reads (the
 * official SDK serializes its internal step objects), so unknown fields pass through.
 */
const checkpointSchema = z
  .object({
    run_id: z.string().optional(),
    fn_id: z.string().optional(),
    qi_id: z.string().min(1),
    steps: z.array(z.object({ op: z.string().min(1), id: z.string().min(1) }).passthrough()).max(1000),
  })
  .passthrough();

/** A checkpoint body, read. */
export interface CheckpointRequest {
  /** The reporting call's `ctx.qi_id`. */
  callId: string;
  ops: WireOp[];
}

/** Reads a checkpoint body for `runId`; throws ValidationError naming the first bad field. */
export function parseCheckpointRequest(runId: string, body: unknown): CheckpointRequest {
  const result = checkpointSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join(".") ?? "";
    throw new ValidationError(`invalid checkpoint: ${path || "body"}: ${issue?.message ?? "invalid"}`, path || "body");
  }
  if (result.data.run_id !== undefined && result.data.run_id !== runId) {
    throw new ValidationError(`invalid checkpoint: run_id ${JSON.stringify(result.data.run_id)} is not the run in the path (${runId})`, "run_id");
  }
  return { callId: result.data.qi_id, ops: parseOps(result.data.steps) };
}
