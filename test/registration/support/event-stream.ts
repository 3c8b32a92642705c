import { ADMIN_PASSWORD } from '../../support/node.js';

/** The node's live event stream (GET /api/v1/events) as a browser tab reads it: event names and data, as they come. */
export class EventStream {
  readonly events: { event: string; data: unknown }[] = [];
  private readonly controller = new AbortController();
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly httpPort: number) {}

  /** Opens the stream; resolves once the node has said hello. */
  async open(): Promise<this> {
    const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/api/v1/events`, {
      headers: { authorization: auth },
      signal: this.controller.signal,
    });
    if (!response.body) throw new Error(`no event stream (HTTP ${response.status})`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let hello!: () => void;
    const said = new Promise<void>((resolve) => (hello = resolve));
    this.reading = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'hello') hello();
            else if (event) this.events.push({ event, data: data ? JSON.parse(data) : null });
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
    await said;
    return this;
  }

  /** The data of the pushed events named `event`. */
  named<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.data as T);
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.reading;
  }
}
