import type { Io } from './io.ts';

/** Colours for people, on a TTY only, and never when NO_COLOR is set (https://no-color.org). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  /** Whether stderr is an interactive terminal (spinners, prompts). */
  interactive: boolean;
}

export function styleFor(io: Io): Style {
  const interactive = Boolean(io.stderr.isTTY);
  const color = interactive && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    red: wrap(31, 39),
    interactive,
  };
}

/**
 * A spinner on stderr while waiting, on a TTY only and not with NO_COLOR or TERM=dumb (no
 * animation asked for); `stop()` erases it. Otherwise it prints the message once, so logs still
 * say what the command waits for.
 */
export function startSpinner(io: Io, message: string): { stop(): void } {
  if (!io.stderr.isTTY || io.env.NO_COLOR || io.env.TERM === 'dumb') {
    io.stderr.write(`${message}\n`);
    return { stop() {} };
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = () => io.stderr.write(`\r${frames[i++ % frames.length]} ${message}`);
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      io.stderr.write('\r\x1b[2K');
    },
  };
}
