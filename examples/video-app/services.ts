/**
 * Stand-ins for the services a real app would call. They are fast and deterministic so the
 * example runs anywhere; swap in your transcoder and analyzer.
 */
export async function transcodeVideo(url: string): Promise<{ url: string }> {
  return { url: `${url.replace(/\.[a-z0-9]+$/i, "")}.h264.mp4` };
}

export async function generateThumbnail(url: string): Promise<string> {
  return `${url}.thumbnail.jpg`;
}

export async function analyzeContent(url: string): Promise<{ scenes: number; source: string }> {
  return { scenes: (url.length % 7) + 1, source: url };
}
