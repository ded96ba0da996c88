import type { Progress } from "../types.ts";

/**
 * `prepare`, done once and shared: every caller gets the same promise, and every caller waiting for it hears its
 * progress lines. A failure is not kept, so the next call tries again.
 */
export function sharedOnce<T>(prepare: (progress: Progress) => Promise<T>): (progress?: Progress) => Promise<T> {
  let pending: Promise<T> | undefined;
  const listeners = new Set<Progress>();
  return (progress) => {
    if (progress) listeners.add(progress);
    pending ??= prepare((line) => listeners.forEach((listener) => listener(line)));
    pending.catch(() => (pending = undefined));
    const settle = () => progress && listeners.delete(progress);
    pending.then(settle, settle);
    return pending;
  };
}
