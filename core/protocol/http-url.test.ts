import { isHttpUrl } from "./http-url";

describe("isHttpUrl", () => {
  it.each(["http://127.0.0.1:3000/api/inngest", "https://app.example.com/api/inngest?fnId=a&stepId=step", "HTTP://LOCALHOST:3000"])("accepts %s", (url) =>
    expect(isHttpUrl(url)).toBe(true),
  );

  it.each(["file:///etc/passwd", "javascript:alert(1)", "ftp://x", "data:text/plain,hi", "http://", "//example.com/api", "not a url", ""])("refuses %p", (url) =>
    expect(isHttpUrl(url)).toBe(false),
  );
});
