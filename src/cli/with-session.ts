import { reportError } from './error-report.ts';
import type { CommandDeps } from './command.ts';
import { Session } from './session.ts';

/**
 * Runs a command's body with a session for its profile: any error becomes one sentence on stderr
 * and its exit code (secrets redacted, control characters escaped), and whatever the session started (the in-process
 * emulator) is stopped however the body ends.
 */
export async function withSession(
  deps: CommandDeps,
  flags: { profile?: string | undefined; emulator?: boolean | undefined },
  body: (session: Session) => Promise<number>,
): Promise<number> {
  const session = new Session(deps, flags);
  try {
    await session.config(); // read up front, so every message can name the right login command
    return await body(session);
  } catch (error) {
    return reportError(session.io, error);
  } finally {
    await session.close();
  }
}
