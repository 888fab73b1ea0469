import { CreateScheduleCommand, SchedulerClient, type CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import { SchedulerEmulator, type FiringContext, type SchedulerEmulatorOptions, type ScheduleTarget } from "../scheduler-emulator";

/** Where a bed's clock starts unless told otherwise: 2026-01-01T09:00:00Z. */
export const START = Date.parse("2026-01-01T09:00:00Z");

/** The target `create` gives a schedule: an SQS queue and the role the emulator would assume. */
export const TARGET = { Arn: "arn:aws:sqs:us-east-1:123456789012:timers", RoleArn: "arn:aws:iam::123456789012:role/scheduler" };

/** A running emulator driven through the real SDK client, with a hand-moved clock. */
export interface SchedulerBed {
  clock: { time: number; now(): number };
  emulator: SchedulerEmulator;
  client: SchedulerClient;
  /** What the default `deliver` received, in order. */
  delivered: Array<{ target: ScheduleTarget; schedule: FiringContext }>;
  /** Moves the clock to `iso` and fires what is due. */
  at(iso: string): Promise<void>;
  /** Creates a schedule in flexible-window OFF mode with {@link TARGET}, `extra` overriding; resolves to its ARN. */
  create(name: string, expression: string, extra?: Partial<CreateScheduleCommandInput>): Promise<string>;
  /** Closes the client and the emulator (writing what is pending); later calls do nothing. */
  stop(): Promise<void>;
}

/**
 * Starts an emulator on an ephemeral port with its clock at `start` (ISO, default {@link START}),
 * no polling and a `deliver` that records into `delivered`; `options` override any of these.
 * The caller stops the bed.
 */
export async function startSchedulerBed(start?: string, options: Partial<SchedulerEmulatorOptions> = {}): Promise<SchedulerBed> {
  const clock = { time: start === undefined ? START : Date.parse(start), now: () => clock.time };
  const delivered: SchedulerBed["delivered"] = [];
  const emulator = new SchedulerEmulator({
    clock,
    pollMs: 0,
    deliver: async (target, schedule) => {
      delivered.push({ target, schedule });
    },
    ...options,
  });
  const { endpoint } = await emulator.start();
  const client = new SchedulerClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "x", secretAccessKey: "y" }, maxAttempts: 1 });
  let stopped = false;
  return {
    clock,
    emulator,
    client,
    delivered,
    async at(iso) {
      clock.time = Date.parse(iso);
      await emulator.fireDue();
    },
    async create(name, expression, extra = {}) {
      const output = await client.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: expression, FlexibleTimeWindow: { Mode: "OFF" }, Target: TARGET, ...extra }));
      return output.ScheduleArn ?? "";
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      await emulator.close();
    },
  };
}
