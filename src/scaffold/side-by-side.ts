/**
 * Runs independent steps at the same time, each given a signal that aborts when the run is
 * interrupted or when another step fails: a failure stops its siblings instead of leaving them
 * running. Settles only once every step has, so no child is still running when the caller cleans
 * up; rejects with the first failure (the interruption's reason when it was interrupted).
 */
export async function runSideBySide(
  interruption: AbortSignal,
  steps: readonly ((signal: AbortSignal) => Promise<unknown>)[],
): Promise<void> {
  const siblingFailed = new AbortController();
  const signal = AbortSignal.any([interruption, siblingFailed.signal]);
  let firstFailure: { reason: unknown } | undefined;
  await Promise.all(
    steps.map(async (step) => {
      try {
        await step(signal);
      } catch (reason) {
        firstFailure ??= { reason };
        siblingFailed.abort(reason);
      }
    }),
  );
  if (interruption.aborted) throw interruption.reason;
  if (firstFailure) throw firstFailure.reason;
}
