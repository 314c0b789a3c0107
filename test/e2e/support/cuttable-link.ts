/**
 * A TCP relay on loopback between one process and the API server that the test can cut and
 * restore: cut, it keeps accepting connections but forwards nothing (requests hang, as on a
 * partitioned network, rather than failing fast); restored, it drops those black-holed
 * connections and relays again. Only 127.0.0.1 is used on both sides.
 */
import * as net from 'net';

export class CuttableLink {
  /** Listens on 127.0.0.1 (a free port) and relays to `target`. */
  static async open(target: { host: string; port: number }): Promise<CuttableLink> {
    const link = new CuttableLink(target);
    await new Promise<void>((resolve, reject) => {
      link.server.once('error', reject);
      link.server.listen(0, '127.0.0.1', () => resolve());
    });
    return link;
  }

  private readonly server: net.Server;
  private readonly relayed = new Set<net.Socket>();
  private readonly held = new Set<net.Socket>();
  private cut = false;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The URL to give the process instead of the API server's. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get isCut(): boolean {
    return this.cut;
  }

  /** Cuts the link: open connections stall, new ones are held without a reply. */
  sever(): void {
    this.cut = true;
    for (const s of this.relayed) s.pause();
  }

  /** Restores the link: held and stalled connections are closed, new ones are relayed. */
  restore(): void {
    this.cut = false;
    for (const s of [...this.held, ...this.relayed]) s.destroy();
    this.held.clear();
    this.relayed.clear();
  }

  async close(): Promise<void> {
    this.restore();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    client.on('error', () => client.destroy());
    if (this.cut) {
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = [client, upstream];
    for (const s of pair) {
      this.relayed.add(s);
      s.on('error', () => pair.forEach((p) => p.destroy()));
      s.on('close', () => {
        this.relayed.delete(s);
        pair.forEach((p) => p.destroy());
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
