import { describe, expect, it } from "@jest/globals";
import type { EventStore } from "../../core";
import { anEvent } from "./fixtures";
import { allPages, newestFirstIds } from "./paging";

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

    it("pages through events newest first, each once, ties in time broken by id descending", async () => {
      const store = await make();
      const events = Array.from({ length: 25 }, (_, index) => anEvent({ id: `e${String(index).padStart(2, "0")}`, receivedAt: 1000 + (index % 7) * 10 }));
      for (const event of [...events].reverse()) await store.putEvent(event);
      const pages = await allPages(10, (after) => store.listEvents({ limit: 10, after }));
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      const byId = new Map(events.map((event) => [event.id, event]));
      expect(pages.flat()).toEqual(newestFirstIds(events, (event) => event.receivedAt).map((id) => byId.get(id)));
    });

    it("ends an empty listing without a next page", async () => {
      const store = await make();
      expect(await store.listEvents({ limit: 10 })).toEqual({ items: [] });
      await store.putEvent(anEvent({ id: "a", receivedAt: 100 }));
      expect(await store.listEvents({ limit: 1 })).toEqual({ items: [anEvent({ id: "a", receivedAt: 100 })] });
      expect(await store.listEvents({ limit: 10, after: { at: 100, id: "a" } })).toEqual({ items: [] });
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
