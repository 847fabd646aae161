import { connect } from 'node:net';

export interface RawResponse { status: number; head: string; body: string; closedWithoutResponse: boolean; error?: string }

/** Sends raw bytes over a fresh TCP connection and reads one HTTP response (Connection: close). */
export const raw = (port: number, data: Buffer | string, timeoutMs = 10_000): Promise<RawResponse> =>
  new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      sock.destroy();
      const all = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all);
      const idx = all.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : 0, head: idx >= 0 ? all.slice(0, idx) : all, body: idx >= 0 ? all.slice(idx + 4) : '',
        closedWithoutResponse: !m, ...(error ? { error } : {}),
      });
    };
    const t = setTimeout(() => finish('timeout'), timeoutMs);
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(e.message));
    sock.write(data);
  });

export const rawPost = (port: number, path: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST'): Promise<RawResponse> => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h = { host: `127.0.0.1:${port}`, connection: 'close', 'content-length': String(b.length), ...headers };
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return raw(port, Buffer.concat([Buffer.from(head, 'latin1'), b]));
};
