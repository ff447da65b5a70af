import { render } from 'solid-js/web';
import App from './app.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
render(() => <App />, root);

// The service worker keeps the app shell so a reload without network still opens the app
// (built only: the dev server, which has hot reload, serves unbundled modules and no sw.js).
if (!import.meta.hot && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => console.error('service worker', error));
  });
}
