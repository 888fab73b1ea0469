/**
 * True for an absolute `http:` or `https:` URL with a host. App and step URLs are called by the
 * engine, so `file:`, `javascript:`, `ftp:` and the like are refused where they enter.
 */
export function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** The message given when a URL is not http(s). */
export const HTTP_URL_MESSAGE = "must be an http:// or https:// URL";
