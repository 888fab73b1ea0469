import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A user app served on a loopback port picked by the OS. */
export interface AppServer {
  /** The serve endpoint, e.g. http://127.0.0.1:41234/api/inngest */
  serveUrl: string;
  close(): Promise<void>;
}

/** Serves `listener` at `/api/inngest` on 127.0.0.1 over real HTTP. */
export async function startAppServer(listener: RequestListener): Promise<AppServer> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serveUrl: `http://127.0.0.1:${port}/api/inngest`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
