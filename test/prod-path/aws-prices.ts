import type { RequestCounts } from "../../aws-local/prod-bed/request-counter";

/**
 * AWS list prices in us-east-1 (USD, on-demand, no free tier), as published in November 2026.
 * Each entry prices one counted unit; `perMillion` is the price of a million of them.
 */
export const US_EAST_1_PRICES: Record<string, { perMillion: number; what: string }> = {
  "ApiGateway.Request": { perMillion: 1.0, what: "HTTP API request (first 300M/month)" },
  "Lambda.Invoke": { perMillion: 0.2, what: "Lambda request" },
  "DynamoDB.WriteUnits": { perMillion: 0.625, what: "on-demand write request unit" },
  "DynamoDB.ReadUnits": { perMillion: 0.125, what: "on-demand read request unit" },
  "SQS.Request": { perMillion: 0.5, what: "SQS FIFO request (standard: $0.40; priced as FIFO throughout)" },
  "EventBridge.PutEvents": { perMillion: 1.0, what: "custom event published (per 64 KB entry)" },
  "Scheduler.Invocation": { perMillion: 1.0, what: "Scheduler invocation (schedule API calls are free)" },
  "S3.PutObject": { perMillion: 5.0, what: "S3 PUT" },
  "S3.GetObject": { perMillion: 0.4, what: "S3 GET" },
  "SecretsManager.GetSecretValue": { perMillion: 5.0, what: "Secrets Manager API call ($0.05 per 10,000)" },
};

/** Lambda arm64 compute price per GB-second. */
export const LAMBDA_ARM_GB_SECOND = 0.0000133334;

/**
 * Dollars per one million steps, by priced unit, from what a workload counted. SQS requests are
 * summed over operations; DynamoDB is priced by the units it reported, not by requests.
 */
export function costPerMillionSteps(counts: RequestCounts, steps: number, computeGbSeconds: number): { byUnit: Record<string, number>; compute: number; total: number } {
  const units: Record<string, number> = {};
  for (const [key, value] of Object.entries(counts)) {
    const priced = key.startsWith("SQS.") ? "SQS.Request" : key;
    if (US_EAST_1_PRICES[priced]) units[priced] = (units[priced] ?? 0) + value;
  }
  const byUnit = Object.fromEntries(Object.entries(units).map(([key, value]) => [key, round((value / steps) * (US_EAST_1_PRICES[key]?.perMillion ?? 0))]));
  const compute = round((computeGbSeconds / steps) * 1_000_000 * LAMBDA_ARM_GB_SECOND);
  const total = round(Object.values(byUnit).reduce((sum, value) => sum + value, 0) + compute);
  return { byUnit, compute, total };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
