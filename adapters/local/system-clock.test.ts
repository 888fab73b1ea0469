import { SystemClock } from "./system-clock";

describe("SystemClock alarms", () => {
  const clock = new SystemClock();

  it("fires once the time is reached, never synchronously, even when already due", async () => {
    const fired: number[] = [];
    const at = clock.now() + 20;
    clock.setAlarm(clock.now() - 5, () => fired.push(0));
    expect(fired).toEqual([]);
    await new Promise<void>((resolve) => clock.setAlarm(at, () => resolve()));
    expect(clock.now()).toBeGreaterThanOrEqual(at);
    expect(fired).toEqual([0]);
  });

  it("does not fire a cancelled alarm", async () => {
    let fired = false;
    const cancel = clock.setAlarm(clock.now() + 5, () => (fired = true));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toBe(false);
  });
});
