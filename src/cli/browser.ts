import { spawn } from 'node:child_process';

/**
 * Splits `$BROWSER` into a program and its arguments. Quotes group words; `%s` marks where the URL
 * goes (as in Python's webbrowser), else it is appended.
 */
export function browserCommand(browser: string, url: string): string[] {
  const words = [...browser.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  if (words.some((word) => word.includes('%s'))) return words.map((word) => word.replace('%s', url));
  return [...words, url];
}

function platformOpener(url: string): string[] {
  if (process.platform === 'darwin') return ['open', url];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""', url.replace(/&/g, '^&')];
  return ['xdg-open', url];
}

/**
 * Opens `url` in the browser: the command in `$BROWSER` when set, else the platform's opener.
 * Resolves true once the program started, false when there is none to start (headless, SSH),
 * so the caller can fall back to printing the URL.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [program, ...args] = env.BROWSER ? browserCommand(env.BROWSER, url) : platformOpener(url);
  if (!program) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: 'ignore', detached: true, env });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
