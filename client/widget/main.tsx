import { render } from 'solid-js/web';
import { App, lang, t } from './app.tsx';
import './widget.css';

document.documentElement.lang = lang;
document.title = t('widget.title');
const root = document.getElementById('widget');
if (!root) throw new Error('#widget is missing from widget/index.html');
render(() => <App />, root);
