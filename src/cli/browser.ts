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

function platformOpener(url: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'darwin') return ['open', url];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""', url.replace(/&/g, '^&')];
  // Without a display there is no browser to show the page: xdg-open would fail, or start a text
  // browser with no terminal to draw on. Report "no browser" so the caller prints the URL.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return [];
  return ['xdg-open', url];
}

/** How long an opener may take to report failure before it is taken to have worked. */
const OPENER_GRACE_MS = 3000;

/**
 * Opens `url` in the browser: the command in `$BROWSER` when set, else the platform's opener.
 * Resolves false when there is none (headless, SSH) or it failed (it could not be started, or
 * exited non-zero within a few seconds), so the caller can fall back to printing the URL; true
 * when it exited 0 or is still running (a browser started in the foreground).
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [program, ...args] = env.BROWSER ? browserCommand(env.BROWSER, url) : platformOpener(url, env);
  if (!program) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: 'ignore', detached: true, env });
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, OPENER_GRACE_MS);
    timer.unref();
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
