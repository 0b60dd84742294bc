/** Lets a timer never keep the process alive (OTel `unrefTimer`, Sentry `safeUnref`). */
export function safeUnref<T>(timer: T): T {
  const t = timer as unknown as { unref?: () => void };
  if (typeof t?.unref === "function") t.unref();
  return timer;
}

/** Resolves with `onTimeout()` after `ms` unless `p` settles first. Never keeps the process alive. */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return p;
  return new Promise<T>((resolve) => {
    const timer = safeUnref(setTimeout(() => resolve(onTimeout()), ms));
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(onTimeout());
      },
    );
  });
}
