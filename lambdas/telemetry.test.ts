import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { publishMetrics } from "./telemetry";

describe("publishing an invocation's metrics", () => {
  const logger = { warn: jest.fn(), debug: jest.fn(), info: jest.fn(), error: jest.fn() };
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  afterEach(() => jest.clearAllMocks());
  afterAll(() => log.mockRestore());

  it("writes nothing, and warns of nothing, when the invocation counted nothing", () => {
    const metrics = new Metrics({ namespace: "Ferry", serviceName: "ferry", logger });
    publishMetrics(metrics);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("writes one EMF line with what was counted", () => {
    const metrics = new Metrics({ namespace: "Ferry", serviceName: "ferry", logger });
    const written: string[] = [];
    // Powertools writes EMF through a Console of its own (stdout outside Lambda).
    (metrics as unknown as { console: Pick<Console, "log"> }).console = { log: (line: string) => written.push(line) };
    metrics.addMetric("RunsStarted", MetricUnit.Count, 2);
    publishMetrics(metrics);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] as string)).toMatchObject({ RunsStarted: 2, _aws: { CloudWatchMetrics: [{ Namespace: "Ferry" }] } });
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
