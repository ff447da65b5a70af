import type { User } from '../../db/queries/users.ts';

/** What any signed-in colleague may see of a user. */
export function publicUser(u: User) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    status: u.status,
    language: u.language,
    timeZone: u.timeZone,
    codename: u.codename,
    extension: u.extension,
    photoAttachmentId: u.photoAttachmentId,
    photoUrl: u.photoAttachmentId ? `/uploads/${u.photoAttachmentId}` : null,
    soundAlerts: u.soundAlerts,
  };
}

/** What an administrator sees of a user. */
export function adminUser(u: User, teamIds: string[], lockedUntil: Date | null) {
  return {
    ...publicUser(u),
    historyAccess: u.historyAccess,
    internalChat: u.internalChat,
    workHours: u.workHours,
    maxConversations: u.maxConversations,
    deactivated: u.deactivatedAt !== null,
    invitationPending: !u.hasPassword,
    lockedUntil: lockedUntil?.toISOString() ?? null,
    teamIds,
  };
}
