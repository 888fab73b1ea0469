import { Ferry, NonRetriableError, RetryAfterError, type FerryEvent } from "./index";
import { serve as serveNode } from "./serve/node";
import { serve as serveFetch } from "./serve/fetch";
import { serve as serveLambda } from "./serve/lambda";

/** Compile-time checks of the public API's typing, plus a smoke run of the exports. */
describe("public API", () => {
  it("types event data through the createFunction generic", () => {
    const ferry = new Ferry({ id: "typed", isDev: true, env: {} });
    const doubled = ferry.createFunction<{ n: number }, number>({ id: "double", triggers: [{ event: "n/double" }] }, async ({ event, step }) => {
      const value = await step.run("double", () => event.data.n * 2);
      const reply: FerryEvent<{ ok: boolean }> | null = await step.waitForEvent("reply", { event: "x", timeout: "1h" });
      const child = await step.invoke<{ doubled: number }>("child", { function: "child", data: { n: 1 } });
      if (!reply?.data.ok) throw new NonRetriableError("no reply");
      return value + child.doubled;
    });
    const v3 = ferry.createFunction({ id: "v3" }, [{ event: "a" }, { cron: "* * * * *" }], () => {
      throw new RetryAfterError("later", new Date(Date.now() + 1000));
    });
    const options = { client: ferry, functions: [doubled, v3] };
    expect(typeof serveNode(options)).toBe("function");
    expect(typeof serveFetch(options).POST).toBe("function");
    expect(typeof serveLambda(options)).toBe("function");
  });
});
