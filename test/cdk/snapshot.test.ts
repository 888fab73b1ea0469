import { FerryApp } from "../../lib/ferry-app";
import { synthFerry } from "./support/synth-ferry";

/**
 * The whole template of a default stage with one app, for review in diffs. Asset hashes change
 * with every handler edit, so they are masked; everything else (names, policies, wiring) shows.
 */
describe("FerryStack snapshot", () => {
  it("matches the reviewed template", () => {
    const { template } = synthFerry({
      extend: (stack) => new FerryApp(stack, "Shop", { engine: stack.engine, url: "https://shop.example.com/api/inngest", syncToken: "snapshot" }),
    });
    const masked = JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, "<asset-hash>$1")) as unknown;
    expect(masked).toMatchSnapshot();
  });
});
