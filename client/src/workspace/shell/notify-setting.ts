import { createSignal } from 'solid-js';
import { t } from '../../i18n.ts';

/**
 * Browser notifications on/off, per user, kept in this browser (under the user's prefix,
 * so the logout wipe removes it). Permission is asked from the click that turns them on.
 */
const key = (userId: string) => `atende:${userId}:notifications`;
const [enabled, setEnabled] = createSignal(false);

const notificationsSupported = () => typeof window !== 'undefined' && 'Notification' in window;

export function loadNotificationSetting(userId: string): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(key(userId));
  } catch {
    /* storage disabled */
  }
  setEnabled(stored === 'on' && notificationsSupported() && Notification.permission === 'granted');
}

export const notificationsOn = enabled;

/** Turns notifications on or off; on needs the browser's permission. Returns a refusal sentence or null. */
export async function setNotifications(userId: string, on: boolean): Promise<string | null> {
  if (on) {
    if (!notificationsSupported()) return t('shell.notifications.unsupported');
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') return t('shell.notifications.denied');
  }
  try {
    localStorage.setItem(key(userId), on ? 'on' : 'off');
  } catch {
    /* kept for this tab only */
  }
  setEnabled(on);
  return null;
}

/** The browser-notification switch of a menu: flips the setting, reports a refusal, says when it is asking. */
export function useNotificationToggle(userId: () => string, onError: (message: string) => void) {
  const [asking, setAsking] = createSignal(false);
  const toggle = async () => {
    setAsking(true);
    const refusal = await setNotifications(userId(), !notificationsOn());
    setAsking(false);
    if (refusal) onError(refusal);
  };
  return { asking, toggle };
}

/** Up to two initials of a name, for an avatar without a photo. */
export function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}
