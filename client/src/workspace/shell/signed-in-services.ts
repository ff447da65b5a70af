import { createEffect, on, onCleanup } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useQuery, useQueryClient } from '@tanstack/solid-query';
import { keys } from '../../lib/keys.ts';
import { startShortcuts } from '../../lib/shortcuts.ts';
import { startOutbox } from '../../offline/outbox.ts';
import { meQuery } from '../../session.ts';
import { contactLabel } from '../../lib/contact.ts';
import { offerKey, watchOffers } from '../queue/offers.ts';
import type { QueueItem } from '../queue/types.ts';
import { alertOffer, startAlerts, unlockAudio } from './alerts.ts';
import { useUnreadTitle } from './conversation-counts.ts';
import { loadNotificationSetting } from './notify-setting.ts';

/**
 * What runs as long as the person is signed in (the workspace is mounted): the outbox sender,
 * the alerts, presence, the keyboard shortcuts (`openHelp` for `?`), the unread count in the
 * tab's title, and the audio unlock on the first pointer press.
 */
export function useSignedInServices(openHelp: () => void): void {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const userId = () => me.data?.user.id;
  createEffect(
    on(userId, (id) => {
      if (!id) return;
      loadNotificationSetting(id);
      const stopOutbox = startOutbox(id);
      const alertOptions = {
        userId: id,
        teams: () => me.data?.teams ?? [],
        sound: () => me.data?.user.soundAlerts ?? false,
        open: (conversationId: string) => navigate(`/conversations/${conversationId}`),
      };
      const stopAlerts = startAlerts(alertOptions);
      // An offer of automatic routing to me counts as a new conversation in Waiting (queue/offers.ts).
      const stopOffers = watchOffers<QueueItem>(queryClient, [...keys.queue, null], id, (offer) =>
        alertOffer(alertOptions, { conversationId: offer.id, key: offerKey(offer), contact: contactLabel(offer.contact) }),
      );
      // Presence ("connected now" in the agents list): loaded on demand, yjs stays out of the first load.
      let leavePresence: (() => void) | undefined;
      let gone = false;
      const m = me.data!;
      void import('../chat/presence.ts').then((p) => {
        if (!gone) leavePresence = p.joinPresence({ id: m.user.id, name: m.user.name, orgId: m.organization.id });
      });
      onCleanup(() => {
        gone = true;
        leavePresence?.();
        stopAlerts();
        stopOffers();
        stopOutbox();
      });
    }),
  );

  // Keyboard shortcuts (lib/shortcuts.ts); `?` lists them.
  const conversationOrder = () =>
    [
      ...(queryClient.getQueryData<{ id: string }[]>(keys.mine) ?? []),
      ...queryClient.getQueriesData<{ id: string }[]>({ queryKey: keys.queue }).flatMap(([, list]) => list ?? []),
    ]
      .map((c) => c.id)
      .filter((id, i, all) => all.indexOf(id) === i);
  onCleanup(startShortcuts({ navigate: (to) => navigate(to), openHelp, conversationOrder }));

  // "(2) Atende": customer messages waiting on me, in the tab's title (conversation-counts.ts).
  useUnreadTitle();

  const unlock = () => unlockAudio();
  document.addEventListener('pointerdown', unlock, { once: true });
  onCleanup(() => document.removeEventListener('pointerdown', unlock));
}
