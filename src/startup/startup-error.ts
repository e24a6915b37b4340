/** Start-up failed for a reason outside the code (a taken port, an unreachable server); the message is the fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
