import { parseRegistration } from "./registration";

const valid = {
  url: "http://127.0.0.1:3000/api/inngest",
  appName: "video-app",
  functions: [
    {
      id: "video-app-process",
      name: "Process",
      triggers: [{ event: "video/uploaded" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://127.0.0.1:3000/api/inngest?fnId=video-app-process&stepId=step" } } },
    },
  ],
};

describe("parseRegistration", () => {
  it("accepts the SDK's registration shape", () => {
    expect(parseRegistration(valid).functions[0]?.id).toBe("video-app-process");
  });

  it("names the function and field of a bad registration", () => {
    const bad = structuredClone(valid) as { functions: { triggers: unknown[] }[] };
    bad.functions[0]!.triggers = [];
    expect(() => parseRegistration(bad)).toThrow(/function "video-app-process".*functions\[0\]\.triggers/);
  });

  it("rejects a missing url", () => {
    expect(() => parseRegistration({ ...valid, url: "not a url" })).toThrow(/url/);
  });

  it.each(["file:///etc/passwd", "javascript:alert(1)", "ftp://x"])("refuses the app url %s", (url) => {
    expect(() => parseRegistration({ ...valid, url })).toThrow(/^invalid registration: url: must be an http:\/\/ or https:\/\/ URL$/);
  });

  it.each(["file:///etc/passwd", "javascript:alert(1)", "ftp://x/api"])("refuses the step url %s, naming the function", (url) => {
    const bad = structuredClone(valid);
    bad.functions[0]!.steps.step.runtime.url = url;
    expect(() => parseRegistration(bad)).toThrow(/function "video-app-process".*functions\[0\]\.steps\.step\.runtime\.url: must be an http/);
  });
});
