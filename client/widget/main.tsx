import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { lang, loadStrings, t } from './strings.ts';
import './widget.css';

const root = document.getElementById('widget');
if (!root) throw new Error('#widget is missing from widget/index.html');
void loadStrings().then(() => {
  document.documentElement.lang = lang;
  document.title = t('widget.title');
  render(() => <App />, root);
});
