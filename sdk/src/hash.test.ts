import { createHash } from "node:crypto";
import { hashStepId, indexedStepId, RUN_COMPLETE_ID } from "./hash";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe("step id hashing", () => {
  it("is the hex sha1 of the user id", () => {
    expect(hashStepId("send-email")).toBe(sha1("send-email"));
    expect(hashStepId("send-email")).toMatch(/^[0-9a-f]{40}$/);
  });
  it("indexes repeated ids as id:1, id:2", () => {
    expect(indexedStepId("a", 0)).toBe("a");
    expect(indexedStepId("a", 1)).toBe("a:1");
    expect(indexedStepId("a", 2)).toBe("a:2");
  });
  it("uses sha1('complete') for RunComplete", () => {
    expect(RUN_COMPLETE_ID).toBe(sha1("complete"));
  });
});
