/**
 * WebSocket close codes of /sync, shared by the server and the client. The stock y-websocket
 * client (3.x) never reconnects after a code in 4400-4499: those mean "do not come back as you
 * are" (refused, malformed); 45xx, 1001 and 1012 mean "come back" (close-codes.test.ts).
 */
export const CloseCode = {
  /** The document name is not one of notes:/conversation:/chat:/presence: with a UUID. */
  BadDocName: 4400,
  /** No session, or the session ended (logout, password change, deactivation). */
  Unauthorized: 4401,
  /** The session may not open this document (or lost the right to). */
  Forbidden: 4403,
  /** A frame could not be decoded, or tried to write as another user. */
  Malformed: 4422,
  /** A frame or document larger than allowed. */
  TooLarge: 4413,
  /** Too many connections for this user. */
  TooManyConnections: 4429,
  /**
   * The peer reads too slowly; its outgoing buffer hit the cap. Not a 44xx: the stock client
   * takes 4400-4499 as final, and a slow link (a flaky laptop) should come back and resync.
   */
  SlowConsumer: 4508,
  /** The database is unreachable and the buffer is full: reconnect later, nothing was lost. */
  RetryLater: 4503,
  /** The server is shutting down. */
  GoingAway: 1001,
  /**
   * This process is draining (SIGTERM, a deploy): reconnect now, another process answers. Sent
   * only once every update accepted on the socket is stored (SyncServer.drain); the client
   * reconnects at once, without showing an error (client/src/lib/ydoc.ts).
   */
  ServiceRestart: 1012,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
