import { parseAwsLocalOptions, signingKeyHex } from "./aws-local-options";

describe("ferry aws-local options", () => {
  it("defaults to port 8288, 127.0.0.1, .ferry/aws-local, dev mode and any event key", () => {
    expect(parseAwsLocalOptions([], {})).toEqual({ port: 8288, host: "127.0.0.1", dir: ".ferry/aws-local", urls: [], example: false, allowedHosts: [], quiet: false, dashboardPort: 8289 });
  });

  it("reads every option", () => {
    const hex = "ab".repeat(32);
    const options = parseAwsLocalOptions(["--port", "9000", "--host", "0.0.0.0", "--dir", "/tmp/x", "--signing-key", `signkey-prod-${hex}`, "--event-key", "k1", "-u", "http://127.0.0.1:3000/api/inngest", "--allowed-host", "ferry", "--example", "--quiet", "--dashboard-port", "0"], {});
    expect(options).toEqual({ port: 9000, host: "0.0.0.0", dir: "/tmp/x", signingKeyHex: hex, eventKey: "k1", urls: ["http://127.0.0.1:3000/api/inngest"], example: true, allowedHosts: ["ferry"], quiet: true, dashboardPort: 0 });
    expect(parseAwsLocalOptions(["--no-dashboard"], {}).dashboardPort).toBeUndefined();
    expect(parseAwsLocalOptions(["--in-memory"], {}).dir).toBeUndefined();
    expect(parseAwsLocalOptions(["--assembly", "cdk.out"], {}).assembly).toBe("cdk.out");
    expect(parseAwsLocalOptions([], { FERRY_PORT: "8300" }).port).toBe(8300);
  });

  it.each([
    [["--port", "70000"], /--port must be 0..65535/],
    [["--dashboard-port", "x"], /--dashboard-port must be 0..65535/],
    [["--dir", "x", "--in-memory"], /exclude each other/],
    [["-u", "ftp://x"], /-u expects an http\(s\) URL/],
    [["--allowed-host", "http://x"], /--allowed-host expects a host name/],
    [["--event-key", "a/b"], /--event-key must be/],
    [["--signing-key", "signkey-test-abab"], /signkey-prod-<hex>/],
    [["--signing-key", "abc"], /even number of hex digits/],
    [["--bogus"], /Unknown option/],
  ])("refuses %j with a clear message", (argv, message) => {
    expect(() => parseAwsLocalOptions(argv as string[], {})).toThrow(message);
  });

  it("takes a signing key with its prefix or as bare hex", () => {
    expect(signingKeyHex("signkey-prod-0a1B")).toBe("0a1B");
    expect(signingKeyHex("0a1b")).toBe("0a1b");
  });
});
