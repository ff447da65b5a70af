/** WebSocket close codes of /sync, shared by the server and the client. */
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
  /** The peer reads too slowly; its outgoing buffer hit the cap. */
  SlowConsumer: 4408,
  /** The database is unreachable and the buffer is full: reconnect later, nothing was lost. */
  RetryLater: 4503,
  /** The server is shutting down. */
  GoingAway: 1001,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
