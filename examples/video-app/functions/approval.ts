import { ferry } from "../client";

/**
 * The approval scenario: waits up to 7 days for `workflow/approved` with the same workflowId
 * and `approved == true`; `null` means nobody approved in time. `workflow/cancelled` with the
 * same workflowId cancels the run (cancelOn).
 */
export const approval = ferry.createFunction(
  { id: "approval", cancelOn: [{ event: "workflow/cancelled", match: "data.workflowId" }] },
  { event: "workflow/requested" },
  async ({ event, step }) => {
    const approved = await step.waitForEvent("wait-for-approval", {
      event: "workflow/approved",
      timeout: "7d",
      match: "data.workflowId",
      if: "async.data.approved == true",
    });
    if (!approved) return { workflowId: event.data.workflowId, outcome: "expired" };
    await step.run("apply-approval", () => ({ appliedBy: approved.data.by }));
    return { workflowId: event.data.workflowId, outcome: "approved", by: approved.data.by };
  },
);
