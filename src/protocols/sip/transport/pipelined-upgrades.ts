import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Closes a connection whose upgrade request arrives while the response to an earlier request on
 * it is still being written (a pipelined upgrade). Node hands such a socket over for the upgrade
 * anyway; @fastify/websocket cannot answer on it (ERR_HTTP_SOCKET_ASSIGNED, one warning each) and
 * leaves it open for good: without HTTP timeouts, out of every connection count, in CLOSE_WAIT
 * once the client goes. No WebSocket client pipelines its upgrade, so none is lost.
 * Call after every 'upgrade' listener is installed: they run behind this check, in their order.
 */
export function closePipelinedUpgrades(server: Server, onClosed: (request: IncomingMessage) => void): void {
  const inFlight = new WeakMap<object, number>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
      inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
    };
    response.once('finish', finished);
    response.once('close', finished);
  });
  const listeners = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((inFlight.get(socket) ?? 0) > 0) {
      socket.destroy();
      onClosed(request);
      return;
    }
    for (const listener of listeners) listener.call(server, request, socket, head);
  });
}
