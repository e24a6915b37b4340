import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logging/logger';
import type { ReceiverMetrics } from './metrics';

/** Node's codes for a request whose head or whole was not received in time (server.headersTimeout/requestTimeout). */
const TIMEOUT_CODES = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADERS_TIMEOUT']);

/**
 * The server's `clientError` handler: a request Node's parser refused (bad method, bad chunk size, a head too large,
 * a Content-Length the body never reached) or that timed out. Answered 400 / 408 / 431 where the socket still takes
 * it, and logged by code only: the error object carries `rawPacket`, the request's own bytes (signature and body
 * included), so it is never handed to the logger.
 */
export function clientErrorHandler(logger: Logger, metrics: ReceiverMetrics) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    const code = error.code ?? 'unknown';
    const status = TIMEOUT_CODES.has(code) ? 408 : code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    metrics.httpErrors.inc({ code, status: String(status) });
    // ECONNRESET is the client leaving, not a malformed request: nothing to answer and nothing worth a log line.
    if (code !== 'ECONNRESET') logger.info({ code, status }, 'malformed HTTP request refused');
    const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ status: 'rejected', error: status === 408 ? 'request_timeout' : 'malformed_request', reason: STATUS_CODES[status] });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
}
