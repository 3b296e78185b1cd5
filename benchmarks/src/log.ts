const startedAt = performance.now();

/** Prints a progress line with the seconds since the run started. */
export function log(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);

  console.log(`[${seconds} s] ${message}`);
}
