import { VirtualClock } from "./virtual-clock";

describe("VirtualClock", () => {
  it("fires alarms only once time reaches them, earliest first", () => {
    const clock = new VirtualClock(1000);
    const fired: string[] = [];
    clock.setAlarm(3000, () => fired.push("b"));
    clock.setAlarm(2000, () => fired.push("a"));
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(1001);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.now()).toBe(3000);
  });

  it("cancels alarms and refuses to go backwards", () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const cancel = clock.setAlarm(10, () => fired.push(1));
    cancel();
    clock.advance(20);
    expect(fired).toEqual([]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
