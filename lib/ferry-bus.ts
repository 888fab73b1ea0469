import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import type { ExtraEventRule } from "./engine-props";
import type { DeadLetteredQueue } from "./ferry-queues";

/** Source of the events Ferry publishes on its bus (the ingest Lambda sets it). */
export const FERRY_EVENT_SOURCE = "ferry";

/** Properties of {@link FerryBus}. */
export interface FerryBusProps {
  /** Deployment stage; the bus is named `ferry-<stage>`. */
  readonly stage: string;
  /** The runner's queue and its DLQ: where every rule delivers. */
  readonly route: DeadLetteredQueue;
  /**
   * More rules routed to the runner.
   * @default - none
   */
  readonly extraEventRules?: readonly ExtraEventRule[];
}

/**
 * Ferry's EventBridge bus and the rules that feed the runner's route queue. EventBridge retries
 * a failed delivery for up to a day; what still fails lands in the route DLQ.
 */
export class FerryBus extends Construct {
  /** The bus `ferry-<stage>`. */
  readonly bus: events.EventBus;
  /** Every rule that delivers to the route queue (Ferry's own first). */
  readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: FerryBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, "Bus", { eventBusName: `ferry-${props.stage}` });
    const target = new targets.SqsQueue(props.route.queue, {
      deadLetterQueue: props.route.deadLetterQueue,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
    const ferryRule = new events.Rule(this, "FerryEvents", {
      eventBus: this.bus,
      description: "Events sent to Ferry, to the runner's route queue",
      eventPattern: { source: [FERRY_EVENT_SOURCE] },
      targets: [target],
    });
    // A scope of their own, so a user's rule id cannot collide with Ferry's.
    const extraScope = new Construct(this, "ExtraRules");
    const extra = (props.extraEventRules ?? []).map(
      (rule) => new events.Rule(extraScope, rule.id, { eventBus: rule.eventBus, eventPattern: rule.eventPattern, targets: [target] }),
    );
    this.rules = [ferryRule, ...extra];
  }
}
