import { createHash } from 'node:crypto';
import { LANGUAGES, translate } from '../../../i18n/index.ts';

/** The launcher's strings, from the catalogue, in every language (the host page picks one). */
function strings(): Record<string, { open: string; close: string; title: string }> {
  return Object.fromEntries(
    LANGUAGES.map((l) => [
      l,
      { open: translate(l, 'widget.open'), close: translate(l, 'widget.close'), title: translate(l, 'widget.title') },
    ]),
  );
}

/**
 * /widget/embed.js, the one line a company pastes:
 *   <script src="https://atende.example/widget/embed.js" data-channel="<channelId>" async></script>
 * It adds a floating button and, on first click, an iframe of `${origin}/widget?channel=…`,
 * where origin is the script's own. The iframe is Atende's origin: it keeps the visitor's
 * token in its own storage and talks to /webchat directly, so no third-party cookies. The
 * host page and the widget exchange `atende:visibility` (open or not, so messages are
 * marked read only when seen), `atende:close`, and — only when the browser denies the frame
 * its storage and the channel lists this page's origin among its allowed sites — the
 * widget's session, kept in this page's storage instead: `atende:store` from the widget,
 * `atende:session` back to it. This page accepts messages only from the widget's frame and
 * origin, and posts only to the widget's origin; the widget decides whether to trust this
 * page (client/widget/host.ts). The session never travels in the frame's address.
 * Plain ES5 on purpose: it runs on whatever page embeds it.
 */
function source(): string {
  return `(function () {
  'use strict';
  var STRINGS = ${JSON.stringify(strings())};
  var LANGUAGES = ${JSON.stringify(LANGUAGES)};
  var script = document.currentScript || document.querySelector('script[data-channel][src*="/widget/embed.js"]');
  if (!script) return;
  var channel = script.getAttribute('data-channel') || '';
  if (!/^[0-9a-fA-F-]{36}$/.test(channel)) {
    if (window.console) console.warn('Atende: the embed script needs data-channel="<channel id>".');
    return;
  }
  var registry = (window.__atendeWidgets = window.__atendeWidgets || {});
  if (registry[channel]) return;
  var origin = new URL(script.src, location.href).origin;

  function pickLanguage() {
    var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < prefs.length; i++) {
      var p = String(prefs[i]).toLowerCase();
      for (var j = 0; j < LANGUAGES.length; j++) if (LANGUAGES[j].toLowerCase() === p) return LANGUAGES[j];
      for (var k = 0; k < LANGUAGES.length; k++) if (LANGUAGES[k].toLowerCase().split('-')[0] === p.split('-')[0]) return LANGUAGES[k];
    }
    return LANGUAGES[0];
  }
  var s = STRINGS[pickLanguage()];
  var isOpen = false;
  var frame = null;
  var frameId = 'atende-chat-' + channel;
  var STORE_KEY = 'atende.webchat.' + channel;

  var button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('data-atende-launcher', channel);
  button.setAttribute('aria-controls', frameId);
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;margin:0;' +
    'background:#0f766e;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000;display:flex;align-items:center;justify-content:center;';
  var CHAT_ICON = '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
  var CLOSE_ICON = '<svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true" focusable="false"><path d="M18 6 6 18M6 6l12 12"/></svg>';

  function label() {
    var text = isOpen ? s.close : s.open;
    button.setAttribute('aria-label', text);
    button.title = text;
    button.setAttribute('aria-expanded', isOpen ? 'true' : 'false');
    button.innerHTML = isOpen ? CLOSE_ICON : CHAT_ICON;
  }
  function tell() {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ type: 'atende:visibility', open: isOpen }, origin);
  }
  // Where the browser denies the frame its own storage, the session the widget asked this
  // page to keep; handed back to the widget's origin only (it ignores it unless the channel
  // allows this site).
  function handBack() {
    var held = null;
    try { held = localStorage.getItem(STORE_KEY); } catch (err) { held = null; }
    if (held && frame && frame.contentWindow) frame.contentWindow.postMessage({ type: 'atende:session', value: held }, origin);
  }
  function loaded() {
    handBack();
    tell();
  }
  function ensureFrame() {
    if (frame) return frame;
    frame = document.createElement('iframe');
    frame.id = frameId;
    frame.title = s.title;
    frame.src = origin + '/widget?channel=' + encodeURIComponent(channel);
    frame.style.cssText = 'position:fixed;right:20px;bottom:88px;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);' +
      'border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);background:#fff;z-index:2147483000;color-scheme:normal;';
    frame.addEventListener('load', loaded);
    document.body.appendChild(frame);
    return frame;
  }
  // On a phone the chat takes the whole screen (its header has the close button).
  var phone = window.matchMedia ? window.matchMedia('(max-width: 480px)') : null;
  function layout() {
    if (!frame) return;
    var full = !!(phone && phone.matches);
    frame.style.inset = full ? '0' : '';
    frame.style.width = full ? '100%' : '370px';
    frame.style.height = full ? '100%' : '560px';
    frame.style.maxWidth = full ? '100%' : 'calc(100vw - 40px)';
    frame.style.maxHeight = full ? '100%' : 'calc(100vh - 108px)';
    frame.style.borderRadius = full ? '0' : '12px';
    if (!full) { frame.style.right = '20px'; frame.style.bottom = '88px'; }
    button.style.display = full && isOpen ? 'none' : 'flex';
  }
  if (phone) {
    if (phone.addEventListener) phone.addEventListener('change', layout);
    else if (phone.addListener) phone.addListener(layout);
  }
  function setOpen(next) {
    isOpen = next;
    ensureFrame().style.display = isOpen ? 'block' : 'none';
    layout();
    label();
    tell();
    if (!isOpen) button.focus();
  }
  button.addEventListener('click', function () { setOpen(!isOpen); });
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    if (!e.data) return;
    if (e.data.type === 'atende:close') setOpen(false);
    if (e.data.type === 'atende:ready') handBack();
    if (e.data.type === 'atende:store') {
      try {
        if (typeof e.data.value === 'string' && e.data.value) localStorage.setItem(STORE_KEY, e.data.value);
        else localStorage.removeItem(STORE_KEY);
      } catch (err) { /* no storage here either: the chat lasts as long as the page */ }
    }
  });
  // The organization's brand colour (public, read without cookies); the default until then.
  function brand(hex) {
    if (!/^#[0-9a-fA-F]{6}$/.test(hex || '')) return;
    var n = parseInt(hex.slice(1), 16);
    var lum = [n >> 16, (n >> 8) & 255, n & 255].map(function (c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    button.style.background = hex;
    button.style.color = (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#111827' : '#ffffff';
  }
  if (window.fetch) {
    fetch(origin + '/webchat/channel?channelId=' + encodeURIComponent(channel), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p && p.organization) brand(p.organization.brandColor); })
      ['catch'](function () { /* keep the default colour */ });
  }
  label();
  registry[channel] = { open: function () { setOpen(true); }, close: function () { setOpen(false); } };
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
`;
}

let cached: { body: string; etag: string } | null = null;

export function embedScript(): { body: string; etag: string } {
  if (!cached) {
    const body = source();
    cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
  return cached;
}
