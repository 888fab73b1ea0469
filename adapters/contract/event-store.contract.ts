import { describe, expect, it } from "@jest/globals";
import type { EventStore } from "../../core";
import { anEvent } from "./fixtures";

/** Behaviour every EventStore must have; call from an adapter's test with a factory of empty stores. */
export function describeEventStoreContract(name: string, make: () => Promise<EventStore> | EventStore): void {
  describe(`${name}: EventStore contract`, () => {
    it("round-trips an event with every field", async () => {
      const store = await make();
      const event = anEvent({ externalId: "ext-1", v: "2024-01-01.1", user: { id: "u" } });
      await store.putEvent(event);
      expect(await store.getEvent(event.id)).toEqual(event);
      expect(await store.getEvent("missing")).toBeUndefined();
    });

    it("finds events of a name received at or after a time, oldest first", async () => {
      const store = await make();
      await store.putEvent(anEvent({ id: "e3", name: "a", receivedAt: 300 }));
      await store.putEvent(anEvent({ id: "e1", name: "a", receivedAt: 100 }));
      await store.putEvent(anEvent({ id: "e2", name: "a", receivedAt: 200 }));
      await store.putEvent(anEvent({ id: "x", name: "b", receivedAt: 250 }));
      const found = await store.findEventsSince("a", 200);
      expect(found.map((event) => event.id)).toEqual(["e2", "e3"]);
      expect(await store.findEventsSince("a", 301)).toEqual([]);
      expect(await store.findEventsSince("c", 0)).toEqual([]);
    });

    it("lists recent events newest first, up to the limit", async () => {
      const store = await make();
      for (const [id, at] of [["e1", 100], ["e3", 300], ["e2", 200]] as const) await store.putEvent(anEvent({ id, receivedAt: at }));
      expect((await store.listEvents(2)).map((event) => event.id)).toEqual(["e3", "e2"]);
      expect(await store.listEvents(10)).toHaveLength(3);
    });

    it("claims a free external id", async () => {
      const store = await make();
      expect(await store.claimExternalId("ext", "e1", 1000, 2000)).toBeUndefined();
    });

    it("reports the holder of an unexpired claim and keeps it", async () => {
      const store = await make();
      await store.claimExternalId("ext", "e1", 1000, 2000);
      expect(await store.claimExternalId("ext", "e2", 1500, 2500)).toBe("e1");
      expect(await store.claimExternalId("ext", "e3", 1999, 3000)).toBe("e1");
    });

    it("lets the holder claim again", async () => {
      const store = await make();
      await store.claimExternalId("ext", "e1", 1000, 2000);
      expect(await store.claimExternalId("ext", "e1", 1500, 2500)).toBeUndefined();
    });

    it("replaces an expired claim", async () => {
      const store = await make();
      await store.claimExternalId("ext", "e1", 1000, 2000);
      expect(await store.claimExternalId("ext", "e2", 2000, 3000)).toBeUndefined();
      // The new claim now holds, with its own expiry.
      expect(await store.claimExternalId("ext", "e3", 2999, 4000)).toBe("e2");
      expect(await store.claimExternalId("ext", "e3", 3000, 4000)).toBeUndefined();
    });

    it("keeps claims of different ids apart", async () => {
      const store = await make();
      await store.claimExternalId("a", "e1", 1000, 2000);
      expect(await store.claimExternalId("b", "e2", 1000, 2000)).toBeUndefined();
    });
  });
}
