import { contactLabel } from '../../lib/contact.ts';
import type { LiveEventLike } from '../../lib/live-cache.ts';
import { onLiveEvent } from '../../lib/live-events.ts';
import { t } from '../../i18n.ts';
import { trpc } from '../../trpc.ts';
import { notificationsOn } from './notify-setting.ts';

/**
 * Sound and browser notification for a new waiting conversation in my teams and a new
 * customer message in a conversation I serve (SPEC §4). Every open tab receives the event;
 * a short Web Lock lets only one of them ring.
 */
let audio: AudioContext | null = null;
/** When this tab last rang for a conversation entering Waiting (its offer, a moment later, rings no second time). */
const chimedFor = new Map<string, number>();

/** Browsers start audio only after a gesture: the first click of the page unlocks it. */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    /* no audio in this browser */
  }
}

/** A short two-tone chime, generated (no sound file to download). */
function chime(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const start = audio.currentTime + 0.01;
    for (const [offset, frequency] of [
      [0, 880],
      [0.14, 1320],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.32);
    }
  } catch {
    /* no audio in this browser */
  }
}

/** Runs `fn` in one tab only for the same alert (the others find the lock taken). */
function once(name: string, fn: () => Promise<void>): void {
  if (!navigator.locks) {
    void fn();
    return;
  }
  void navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (!lock) return;
    await fn();
    // Held a little longer so a tab that got the event a moment later stays quiet.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  });
}

export interface AlertOptions {
  userId: string;
  teams: () => { id: string; name: string }[];
  sound: () => boolean;
  open: (conversationId: string) => void;
}

function show(title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsOn() || Notification.permission !== 'granted') return;
  // Someone looking at the workspace hears the chime; the pop-up is for another window.
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  const n = new Notification(title, { body, tag });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}

export type Alert =
  | { kind: 'waiting'; conversationId: string; team: { id: string; name: string } }
  | { kind: 'message'; conversationId: string; messageId: string | null };

/**
 * Which live events deserve an alert: a conversation that starts waiting in one of my teams
 * (not targeted at someone else; announced once per team it waits in), and a customer
 * message in a conversation assigned to me. `waiting` remembers what was announced.
 */
export function alertFor(
  event: LiveEventLike,
  me: { userId: string; teams: { id: string; name: string }[] },
  waiting: Map<string, string>,
): Alert | null {
  if (event.type === 'queue.changed' || event.type === 'conversation.updated') {
    const { conversationId, teamId, targetUserId: target } = event;
    if (event.status !== 'waiting' || !teamId) {
      waiting.delete(conversationId);
      return null;
    }
    if (event.type !== 'queue.changed' || waiting.get(conversationId) === teamId) return null;
    waiting.set(conversationId, teamId);
    const team = me.teams.find((t) => t.id === teamId);
    if (!team || (target && target !== me.userId)) return null;
    return { kind: 'waiting', conversationId, team };
  }
  if (event.type === 'message.created' && event.status === 'received' && event.assigneeId === me.userId) {
    return { kind: 'message', conversationId: event.conversationId, messageId: event.messageId };
  }
  return null;
}

export function startAlerts(options: AlertOptions): () => void {
  /** Waiting conversations already announced, with the team they wait in. */
  const waiting = new Map<string, string>();

  return onLiveEvent((event) => {
    const alert = alertFor(event, { userId: options.userId, teams: options.teams() }, waiting);
    if (!alert) return;
    const conversationId = alert.conversationId;
    const open = () => options.open(conversationId);
    if (alert.kind === 'waiting') {
      const team = alert.team;
      once(`atende:${options.userId}:alert:waiting:${conversationId}:${team.id}`, async () => {
        for (const [id, at] of chimedFor) if (Date.now() - at > 5_000) chimedFor.delete(id);
        chimedFor.set(conversationId, Date.now());
        if (options.sound()) chime();
        show(t('shell.alert.waitingTitle'), t('shell.alert.waitingBody', { team: team.name }), `waiting:${conversationId}`, open);
      });
      return;
    }
    const messageId = alert.messageId;
    once(`atende:${options.userId}:alert:message:${messageId ?? conversationId}`, async () => {
      if (options.sound()) chime();
      if (!notificationsOn()) return;
      const view = await trpc.conversations.get.query({ conversationId }).catch(() => null);
      if (!view) return;
      const message = view.messages.find((m) => m.id === messageId);
      const text = message?.text?.trim() || t('shell.alert.attachment');
      show(
        t('shell.alert.messageTitle', { contact: contactLabel(view.contact) }),
        t('shell.alert.messageBody', { text }),
        `message:${conversationId}`,
        open,
      );
    });
  });
}

/**
 * A new offer of automatic routing to me (queue/offers.ts `watchOffers` spots it in Waiting):
 * the chime (unless this tab rang for the conversation just before) and a notification that
 * replaces the conversation's "waiting" one. `key` names the offer (conversation and deadline).
 */
export function alertOffer(
  options: Pick<AlertOptions, 'userId' | 'sound' | 'open'>,
  offer: { conversationId: string; key: string; contact: string },
): void {
  const { conversationId } = offer;
  once(`atende:${options.userId}:alert:offer:${offer.key}`, async () => {
    const rang = chimedFor.get(conversationId);
    chimedFor.delete(conversationId);
    if (options.sound() && !(rang && Date.now() - rang < 5_000)) chime();
    show(t('queue.offerAlertTitle'), t('queue.offerAlertBody', { contact: offer.contact }), `waiting:${conversationId}`, () =>
      options.open(conversationId),
    );
  });
}
