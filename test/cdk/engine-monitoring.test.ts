import { at, refId, resourcesOf, synthFerry, type CfnJson, type SynthesizedFerry } from "./support/synth-ferry";

const CUSTOM_METRICS = ["EventsReceived", "RunsStarted", "RunsCompleted", "RunsFailed", "RunsCancelled", "StepDuration", "StepAttempts", "QueueLag", "LeaseContention", "TimerLateness"];

describe("FerryEngine monitoring", () => {
  let ferry: SynthesizedFerry;
  beforeAll(() => {
    ferry = synthFerry({ props: { failureRateThreshold: 0.25, queueAgeThresholdSeconds: 120 } });
  });
  const alarms = () => Object.values(resourcesOf(ferry.template, "AWS::CloudWatch::Alarm"));
  const named = (suffix: string) => alarms().find((a) => String(a.Properties.AlarmName).endsWith(suffix)) as CfnJson;

  it("alarms on each dead-letter queue holding any message", () => {
    const dlqs = Object.keys(resourcesOf(ferry.template, "AWS::SQS::Queue")).filter((id) => /DeadLetter/.test(id));
    expect(dlqs).toHaveLength(3);
    const dlqAlarms = alarms().filter((a) => a.Properties.MetricName === "ApproximateNumberOfMessagesVisible");
    expect(dlqAlarms.map((a) => refId(at(a.Properties, "Dimensions", 0, "Value"))).sort()).toEqual(dlqs.sort());
    for (const alarm of dlqAlarms) {
      expect(alarm.Properties).toMatchObject({ Namespace: "AWS/SQS", Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Statistic: "Maximum" });
    }
  });

  it("alarms on the run failure rate over 5 minutes, not breaching without data", () => {
    const alarm = named("run-failure-rate");
    expect(alarm.Properties).toMatchObject({ Threshold: 0.25, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: "notBreaching" });
    const metrics = at<Array<Record<string, unknown>>>(alarm.Properties, "Metrics");
    expect(metrics.find((m) => m.Expression !== undefined)?.Expression).toBe("FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0))");
    const inputs = metrics.filter((m) => m.MetricStat !== undefined);
    expect(inputs.map((m) => at(m, "MetricStat", "Metric", "MetricName")).sort()).toEqual(["RunsCompleted", "RunsFailed"]);
    for (const input of inputs) {
      expect(at(input, "MetricStat")).toMatchObject({
        Metric: { Namespace: "Ferry", Dimensions: [{ Name: "service", Value: "ferry" }, { Name: "stage", Value: "test" }] },
        Period: 300,
        Stat: "Sum",
      });
    }
  });

  it("alarms on executor errors and throttles, and on the run queue's oldest message", () => {
    expect(named("executor-errors").Properties).toMatchObject({ Namespace: "AWS/Lambda", MetricName: "Errors", Threshold: 1 });
    expect(named("executor-throttles").Properties).toMatchObject({ Namespace: "AWS/Lambda", MetricName: "Throttles", Threshold: 1 });
    expect(named("run-queue-age").Properties).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 120,
      ComparisonOperator: "GreaterThanThreshold",
    });
    expect(alarms()).toHaveLength(7);
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });


  it("builds the Ferry-<stage> dashboard from the custom metrics, queues and Lambdas", () => {
    const [dashboard] = Object.values(resourcesOf(ferry.template, "AWS::CloudWatch::Dashboard"));
    expect(dashboard?.Properties.DashboardName).toBe("Ferry-test");
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of CUSTOM_METRICS) expect(body).toContain(`\\"Ferry\\",\\"${metric}\\",\\"service\\",\\"ferry\\",\\"stage\\",\\"test\\"`);
    for (const metric of ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "Errors", "Throttles", "Duration"]) expect(body).toContain(metric);
    expect(body).toContain("p99");
  });
});
