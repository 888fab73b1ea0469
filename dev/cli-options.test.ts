import { parseDevOptions } from "./cli-options";

describe("ferry dev options", () => {
  it("defaults to 127.0.0.1:8288 with the database in .ferry/dev.db", () => {
    expect(parseDevOptions([])).toMatchObject({ port: 8288, host: "127.0.0.1", allowedHosts: [], database: ".ferry/dev.db", urls: [], example: false, virtualClock: false, checkpointing: true, quiet: false });
  });

  it("reads every option", () => {
    const options = parseDevOptions(["--port", "9000", "--host", "0.0.0.0", "--allowed-host", "Ferry", "--allowed-host", "dev.example.test", "--in-memory", "-u", "http://a/api", "--url", "https://b/api", "--example", "--virtual-clock", "--signing-key", "signkey-test-aa", "--event-key", "k", "--retry-base", "2s", "--no-checkpointing", "--quiet"]);
    expect(options).toEqual({
      port: 9000,
      host: "0.0.0.0",
      allowedHosts: ["ferry", "dev.example.test"],
      database: ":memory:",
      urls: ["http://a/api", "https://b/api"],
      example: true,
      virtualClock: true,
      signingKey: "signkey-test-aa",
      eventKey: "k",
      retryBaseMs: 2000,
      checkpointing: false,
      quiet: true,
    });
  });

  it.each([
    [["--port", "99999"], /--port must be 0..65535/],
    [["--port", "abc"], /--port must be/],
    [["-u", "localhost:3000"], /-u expects an http\(s\) URL/],
    [["-u", "http://"], /-u expects an http\(s\) URL/],
    [["--allowed-host", "ferry:8288"], /--allowed-host expects a host name without scheme or port/],
    [["--allowed-host", "http://ferry"], /--allowed-host expects a host name/],
    [["--retry-base", "soon"], /--retry-base expects a duration/],
    [["--nope"], /Unknown option/],
  ])("rejects %j with a readable message", (argv, message) => {
    expect(() => parseDevOptions(argv)).toThrow(message);
  });
});
