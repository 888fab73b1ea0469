// One Lambda function's execution environment, for the production-path bed: loads a bundle
// that `cdk synth` produced (the init phase, once, like a cold start), then runs invocations sent
// over IPC with the event shapes AWS sends, and answers with the handler's result or error.
// Logs go to stdout as they would to CloudWatch; the parent reads them line by line.
"use strict";

const { randomUUID } = require("node:crypto");

const [bundlePath, exportName = "handler"] = process.argv.slice(2);
let handler;
try {
  handler = require(bundlePath)[exportName];
  if (typeof handler !== "function") throw new Error(`${bundlePath} exports no function "${exportName}"`);
} catch (error) {
  process.send({ type: "init-failed", error: { name: error.name, message: error.message, stack: error.stack } });
  process.exit(1);
}

const timeoutMs = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT || "30") * 1000;

process.on("message", async (message) => {
  if (!message || message.type !== "invoke") return;
  const started = Date.now();
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: "bed",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
  };
  try {
    const value = await handler(message.event, context);
    process.send({ type: "result", seq: message.seq, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    process.send({ type: "result", seq: message.seq, ok: false, error: { name: error && error.name, message: error && error.message, stack: error && error.stack } });
  }
});

// The host that started this environment is gone (killed, or `ferry aws-local` stopped with
// kill -9): nothing can invoke it any more, so it must not linger.
process.on("disconnect", () => process.exit(0));

process.send({ type: "ready" });
