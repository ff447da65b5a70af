import { t } from '../../i18n.ts';
import { notificationsOn, useNotificationToggle } from './notify-setting.ts';

/** The browser-notification switch of the account menu and the phone side menu. */
export function NotificationSwitch(props: { userId: string; onError: (message: string) => void }) {
  const { asking, toggle } = useNotificationToggle(
    () => props.userId,
    (m) => props.onError(m),
  );
  return (
    <button
      type="button"
      class="menu-item"
      role="switch"
      aria-checked={notificationsOn()}
      disabled={asking()}
      onClick={() => void toggle()}
    >
      <span class="switch" aria-hidden="true" />
      {t('shell.notifications')}
    </button>
  );
}
