/**
 * Builds something once per Lambda container, on first use: the SDK clients, secrets and
 * engine a handler needs. A failed build (Secrets Manager throttled at a cold start) is not
 * kept, so the next invocation tries again instead of failing for the container's lifetime.
 */
export function oncePerContainer<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
