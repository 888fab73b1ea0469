import { describe, expect, it } from "@jest/globals";
import { toAwsCron } from "./aws-cron";

describe("toAwsCron", () => {
  it.each([
    ["* * * * *", "cron(* * * * ? *)", "UTC"],
    ["*/15 9-17 * * *", "cron(*/15 9-17 * * ? *)", "UTC"],
    ["0 0 1 * *", "cron(0 0 1 * ? *)", "UTC"],
    ["TZ=Europe/Paris 0 9 * * 1-5", "cron(0 9 ? * 2-6 *)", "Europe/Paris"],
    ["CRON_TZ=America/New_York 30 8 * * MON-FRI", "cron(30 8 ? * MON-FRI *)", "America/New_York"],
    ["0 12 * * 0", "cron(0 12 ? * 1 *)", "UTC"],
    ["0 12 * * 7", "cron(0 12 ? * 1 *)", "UTC"],
    ["0 12 * * 5-7", "cron(0 12 ? * 6-7,1 *)", "UTC"],
    ["0 12 * * 0-7", "cron(0 12 ? * 1-7 *)", "UTC"],
    ["0 12 * * 1,3,5", "cron(0 12 ? * 2,4,6 *)", "UTC"],
    ["0 6 * JAN,JUL *", "cron(0 6 * JAN,JUL ? *)", "UTC"],
  ])("turns %s into %s", (cron, expression, timezone) => {
    expect(toAwsCron(cron)).toEqual({ expression, timezone });
  });

  it.each([
    ["seconds", "*/5 * * * * *"],
    ["both day fields restricted (standard cron fires on either)", "0 9 1 * 1"],
    ["a day-of-week step", "0 9 * * */2"],
    ["a range wrapping past Saturday", "0 9 * * 6-1"],
    ["a hash field some parsers accept", "H * * * *"],
    ["a last-day marker", "0 9 L * *"],
    ["an unknown day name", "0 9 * * FUN"],
  ])("refuses what Scheduler cannot say the same way: %s", (_what, cron) => {
    expect(toAwsCron(cron)).toBeUndefined();
  });
});
