/**
 * Raw HTTP over node:net, for requests no HTTP client would send: broken request lines, `//`,
 * duplicate headers, bodies that lie about their length. Every exchange is bounded: a server that
 * neither answers nor closes fails the test instead of hanging it.
 */
import { connect } from 'node:net';

/** What came back on one connection. */
export interface TcpAnswer {
  /** Status of the first response, or null when the server closed without answering. */
  status: number | null;
  /** Everything the server sent, as latin1 text. */
  text: string;
}

/** How long one raw exchange may take before it counts as a hang. */
const EXCHANGE_BOUND_MS = 5_000;

/**
 * Sends `request` (bytes or text) on a fresh connection to 127.0.0.1:`port`, half-closes, and
 * collects the answer until the server closes. Rejects when nothing settles within the bound.
 */
export function rawExchange(port: number, request: string | Uint8Array, options: { keepOpen?: boolean } = {}): Promise<TcpAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer and no close within ${EXCHANGE_BOUND_MS} ms for ${JSON.stringify(String(request).slice(0, 80))}`));
    }, EXCHANGE_BOUND_MS);
    const finish = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? null : Number(status), text });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is a fine way to close
    socket.on('close', finish);
    socket.write(request, () => {
      if (!options.keepOpen) socket.end();
    });
  });
}

/**
 * Sends `head` and waits only for the first response head, never sending the body it announces:
 * resolves with the status once the server answers. Proves an answer came before the body was read.
 */
export function answerBeforeBody(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer within ${EXCHANGE_BOUND_MS} ms while the body was held back.`));
    }, EXCHANGE_BOUND_MS);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      if (status === undefined) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(status));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('The connection closed without an answer.'));
    });
    socket.write(head);
  });
}
