import { resolveEnv } from "./env";

describe("resolveEnv", () => {
  it("INNGEST_DEV=1 uses the local dev server and event key 'dev'", () => {
    expect(resolveEnv({}, { INNGEST_DEV: "1" })).toMatchObject({ isDev: true, eventBaseUrl: "http://127.0.0.1:8288", apiBaseUrl: "http://127.0.0.1:8288", eventKey: "dev" });
  });
  it("INNGEST_DEV may be a URL", () => {
    expect(resolveEnv({}, { INNGEST_DEV: "http://dev:9999/" })).toMatchObject({ isDev: true, eventBaseUrl: "http://dev:9999", apiBaseUrl: "http://dev:9999" });
  });
  it("INNGEST_BASE_URL and the specific base URLs", () => {
    const env = resolveEnv({}, { INNGEST_BASE_URL: "http://engine", INNGEST_API_BASE_URL: "http://api", INNGEST_EVENT_KEY: "ek", INNGEST_SIGNING_KEY: "signkey-prod-aa", INNGEST_SIGNING_KEY_FALLBACK: "signkey-prod-bb" });
    expect(env).toMatchObject({ isDev: false, eventBaseUrl: "http://engine", apiBaseUrl: "http://api", eventKey: "ek", signingKey: "signkey-prod-aa", signingKeyFallback: "signkey-prod-bb" });
    expect(resolveEnv({}, { INNGEST_EVENT_API_BASE_URL: "http://ev" }).eventBaseUrl).toBe("http://ev");
  });
  it("options win over the environment", () => {
    expect(resolveEnv({ baseUrl: "http://x", eventKey: "o", isDev: false }, { INNGEST_DEV: "1", INNGEST_EVENT_KEY: "e" })).toMatchObject({ isDev: false, eventBaseUrl: "http://x", eventKey: "o" });
  });
  it("INNGEST_DEV=0 is cloud mode", () => {
    expect(resolveEnv({}, { INNGEST_DEV: "0" }).isDev).toBe(false);
  });
});
