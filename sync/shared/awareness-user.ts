/**
 * The `user` of an awareness state (who a cursor, a "viewing" or a "typing" belongs to).
 * The sync server writes it from the connection's user, whatever the client sent; the
 * colour is derived from the user id, so the server and every client agree on it.
 */
export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
  colorLight: string;
}

/** A stable, readable colour per user (remote cursors in the notes editor). */
export function userColor(userId: string): { color: string; colorLight: string } {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = h % 360;
  return { color: `hsl(${hue} 70% 40%)`, colorLight: `hsl(${hue} 70% 40% / 0.2)` };
}

export function awarenessUser(id: string, name: string): AwarenessUser {
  return { id, name, ...userColor(id) };
}
