/*!
 * BioGenesis chat widget: self-hosted, accessible, CSP-friendly.
 *
 * Embed with one tag:
 *   <script src="https://widget.example/widget.js" data-server-url="https://bot.example"
 *           data-title="BioGenesis assistant" data-primary-color="#0b5f7a" data-open="false" defer></script>
 *
 * Rules kept in this file:
 *   - server strings are rendered with textContent / createTextNode only (never innerHTML);
 *   - only http(s) links, always target=_blank rel="noopener noreferrer"; besides them, bot text
 *     gets tel: links (US phone numbers, 988, 911) and mailto: links (e-mail addresses) only;
 *   - no inline styles or scripts (styles come from widget.css; colours are set through CSSOM
 *     custom properties, which a strict style-src 'self' allows);
 *   - message texts are never logged.
 */
(function () {
  'use strict';

  if (window.__bgwLoaded) return;
  window.__bgwLoaded = true;

  // ---------------------------------------------------------------- config
  var script = document.currentScript ||
    document.querySelector('script[data-server-url][src*="widget"]') ||
    document.querySelector('script[src*="widget.js"]');
  var ds = (script && script.dataset) || {};
  var base = new URL('.', (script && script.src) || document.baseURI);

  var DEFAULT_SERVER = 'http://localhost:5005';
  var DEFAULT_COLOR = '#0b5f7a';

  function safeHttpUrl(value, baseUrl) {
    if (typeof value !== 'string' || !value.trim()) return null;
    try {
      var u = baseUrl ? new URL(value.trim(), baseUrl) : new URL(value.trim());
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u : null;
    } catch (e) {
      return null;
    }
  }

  function validColor(value) {
    return typeof value === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value.trim())
      ? value.trim() : null;
  }

  function text(value, fallback, max) {
    return (typeof value === 'string' && value.trim()) ? value.trim().slice(0, max || 120) : fallback;
  }

  var serverUrl = safeHttpUrl(ds.serverUrl) || new URL(DEFAULT_SERVER);
  var serverPath = serverUrl.pathname.replace(/\/+$/, '');
  var cfg = {
    serverOrigin: serverUrl.origin,
    socketPath: serverPath + (ds.socketPath && /^\/[\w\-./]*$/.test(ds.socketPath) ? ds.socketPath : '/socket.io'),
    title: text(ds.title, 'BioGenesis assistant', 80),
    subtitle: text(ds.subtitle, 'Peripheral neuropathy program', 120),
    launcherLabel: text(ds.launcherLabel, '', 40),
    primary: validColor(ds.primaryColor) || DEFAULT_COLOR,
    open: ds.open === 'true',
    key: /^[\w-]{1,32}$/.test(ds.storageKey || '') ? ds.storageKey : 'bgw',
    cssUrl: new URL('widget.css', base).href,
    ioUrl: new URL('vendor/socket.io.min.js', base).href,
    replyTimeoutMs: 30000,
    endTimeoutMs: 15000,
    maxStored: 200,
    maxLength: 2000
  };

  // ---------------------------------------------------------- languages
  // The widget's own words in the conversation's language (issue 14). The server says which
  // language it answers in with a custom message {kind: "language", language: "es"}; the
  // language control sends "Español" / "English", which the server reads as a request.
  var STRINGS = {
    en: {
      launcher: 'Chat with us', endChat: 'End chat', close: 'Close chat',
      confirm: 'End this chat? It is erased from the assistant\u2019s records and from this browser.',
      confirmYes: 'Yes, end chat', cancel: 'Cancel', conversation: 'Conversation',
      typing: 'Assistant is typing\u2026', typeLabel: 'Type your message', placeholder: 'Type your question\u2026',
      hint: 'Press Enter to send, Shift and Enter for a new line.', send: 'Send message',
      disclaimer: 'Educational information only \u2014 not medical advice. In an emergency call 911.',
      contact: 'Contact the clinic', youSaid: 'You said: ', botSaid: 'Assistant said: ',
      suggested: 'Suggested replies', chosen: ' (your choice)', copy: 'Copy summary', copied: 'Copied',
      copyFailed: 'Could not copy. Please select the summary and copy it.',
      noReply: 'No reply yet. Please try again in a moment, or use \u201cContact the clinic\u201d.',
      loadFailed: 'The chat could not load. Please refresh the page, or contact the clinic by phone.',
      restarted: 'Your earlier chat could not be continued, so a new one was started.',
      reconnecting: 'Reconnecting\u2026 Messages you send will go out when the connection is back.',
      unreachable: 'Reconnecting\u2026 The assistant is not reachable yet. Trying again.',
      continuing: 'Continuing your earlier conversation. Earlier messages are not shown in this tab.',
      notErased: 'We could not confirm that this chat was erased. Please try again later, or contact the clinic.',
      ended: 'This chat has ended. Type a message to start a new one.', unread: ' (new message)',
      switchTo: 'Español', switchLabel: 'Cambiar a español', switchLang: 'es', switchPayload: 'Español'
    },
    es: {
      launcher: 'Chatee con nosotros', endChat: 'Terminar chat', close: 'Cerrar el chat',
      confirm: '\u00bfTerminar este chat? Se borra de los registros del asistente y de este navegador.',
      confirmYes: 'S\u00ed, terminar', cancel: 'Cancelar', conversation: 'Conversaci\u00f3n',
      typing: 'El asistente est\u00e1 escribiendo\u2026', typeLabel: 'Escriba su mensaje',
      placeholder: 'Escriba su pregunta\u2026',
      hint: 'Oprima Enter para enviar, Shift y Enter para una l\u00ednea nueva.', send: 'Enviar mensaje',
      disclaimer: 'Solo informaci\u00f3n educativa, no es consejo m\u00e9dico. En una emergencia, llame al 911.',
      contact: 'Comunicarse con la cl\u00ednica', youSaid: 'Usted dijo: ', botSaid: 'El asistente dijo: ',
      suggested: 'Respuestas sugeridas', chosen: ' (su elecci\u00f3n)', copy: 'Copiar resumen', copied: 'Copiado',
      copyFailed: 'No se pudo copiar. Seleccione el resumen y c\u00f3pielo.',
      noReply: 'Todav\u00eda no hay respuesta. Intente otra vez en un momento, o use \u201cComunicarse con la cl\u00ednica\u201d.',
      loadFailed: 'El chat no se pudo cargar. Vuelva a cargar la p\u00e1gina o llame a la cl\u00ednica.',
      restarted: 'No se pudo seguir su chat anterior, as\u00ed que empez\u00f3 uno nuevo.',
      reconnecting: 'Reconectando\u2026 Sus mensajes se enviar\u00e1n cuando vuelva la conexi\u00f3n.',
      unreachable: 'Reconectando\u2026 Todav\u00eda no se puede llegar al asistente. Lo seguimos intentando.',
      continuing: 'Sigue su conversaci\u00f3n anterior. Los mensajes anteriores no se muestran en esta pesta\u00f1a.',
      notErased: 'No pudimos confirmar que este chat se borr\u00f3. Intente m\u00e1s tarde o comun\u00edquese con la cl\u00ednica.',
      ended: 'Este chat termin\u00f3. Escriba un mensaje para empezar otro.', unread: ' (mensaje nuevo)',
      switchTo: 'English', switchLabel: 'Switch to English', switchLang: 'en', switchPayload: 'English'
    }
  };
  function pageLanguage() {
    var forced = (ds.language || '').toLowerCase();
    if (forced === 'es' || forced === 'en') return forced;
    return /^es\b/i.test(document.documentElement.lang || '') ? 'es' : 'en';
  }
  function t(key) {
    return (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key];
  }

  // --------------------------------------------------------------- storage
  function makeStore(kind) {
    var memory = {};
    var real = null;
    try {
      real = window[kind];
      var probe = '__bgw_probe__';
      real.setItem(probe, '1');
      real.removeItem(probe);
    } catch (e) {
      real = null;
    }
    return {
      get: function (k) {
        try { return real ? real.getItem(k) : (k in memory ? memory[k] : null); } catch (e) { return null; }
      },
      set: function (k, v) {
        try { if (real) real.setItem(k, v); else memory[k] = v; } catch (e) { memory[k] = v; }
      },
      remove: function (k) {
        try { if (real) real.removeItem(k); } catch (e) { /* ignore */ }
        delete memory[k];
      }
    };
  }
  // Everything stays in this tab (sessionStorage): closing the tab ends the chat on this device,
  // and the next person at a shared computer cannot resume it.
  var tabStore = makeStore('sessionStorage');
  var K_SESSION = cfg.key + '.session';
  var K_TRANSCRIPT = cfg.key + '.transcript';
  var K_OPEN = cfg.key + '.open';

  function readJson(store, k) {
    try { return JSON.parse(store.get(k) || 'null'); } catch (e) { return null; }
  }

  // The server issues the session id with a token (HMAC) that every message must carry.
  function loadSession() {
    var s = readJson(tabStore, K_SESSION);
    if (!s || typeof s.id !== 'string' || !/^[0-9a-f]{32}$/.test(s.id) ||
        typeof s.token !== 'string' || !/^[0-9a-f]{64}$/.test(s.token)) {
      tabStore.remove(K_TRANSCRIPT);
      return { id: null, token: null, greeted: false };
    }
    return { id: s.id, token: s.token, greeted: !!s.greeted, lang: s.lang === 'es' || s.lang === 'en' ? s.lang : null };
  }

  function saveSession() {
    if (session.id) tabStore.set(K_SESSION, JSON.stringify(session));
  }

  function loadTranscript() {
    var t = readJson(tabStore, K_TRANSCRIPT);
    if (!t || t.id !== session.id || !Array.isArray(t.messages)) return [];
    return t.messages.filter(function (m) {
      return m && typeof m === 'object' && (m.from === 'bot' || m.from === 'user' || m.from === 'system');
    });
  }

  function saveTranscript() {
    if (messages.length > cfg.maxStored) messages.splice(0, messages.length - cfg.maxStored);
    tabStore.set(K_TRANSCRIPT, JSON.stringify({ id: session.id, messages: messages }));
  }

  var session = loadSession();
  var messages = loadTranscript();
  var lang = session.lang || pageLanguage();

  // ------------------------------------------------------------ DOM helpers
  var uid = 'bgw-' + Math.random().toString(36).slice(2, 8);

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content != null) node.textContent = content;
    return node;
  }

  function srOnly(content) {
    return el('span', 'bgw-sr', content);
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var ICONS = {
    chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
    close: 'M6 6l12 12M18 6L6 18',
    send: 'M3 11l18-8-8 18-2-8-8-2z',
    external: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5',
    restart: 'M4 4v6h6M4.5 15a8 8 0 1 0 1.9-8.3L4 10',
    phone: 'M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z',
    copy: 'M9 9h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H9a1 1 0 0 1-1-1V10a1 1 0 0 1 1-1zM5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1'
  };

  function icon(name) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'bgw-icon bgw-icon--' + name);
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  // Split text into text nodes and <a> elements. Never parses HTML: every piece is a text node or
  // an element built here. All text gets http(s) URLs as links; bot text (contacts: true) also gets
  // tap-to-call links for US phone numbers, 988 and 911, mailto: links for e-mail addresses and a
  // link for 988lifeline.org written without https://.
  var URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
  var RICH_RE = new RegExp([
    '(\\bhttps?:\\/\\/[^\\s<>"\'`]+)',                                            // 1 http(s) URL
    '([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})',      // 2 e-mail
    '(\\b(?:www\\.)?988lifeline\\.org\\b(?:\\/[^\\s<>"\'`]*)?)',                  // 3 the 988 Lifeline site
    '((?:\\+?1[ .-]?)?(?:\\(\\d{3}\\) ?|\\b\\d{3}[ .-])\\d{3}[ .-]\\d{4}\\b)',    // 4 US phone number
    '(\\b(?:988|911)\\b)'                                                         // 5 988, 911
  ].join('|'), 'gi');

  // Trailing punctuation belongs to the sentence, not the URL.
  function trimUrl(raw) {
    var trimmed = raw.replace(/[.,;:!?)\]}'"]+$/, '');
    var opens = (trimmed.match(/\(/g) || []).length;
    var closes = (trimmed.match(/\)/g) || []).length;
    if (opens > closes && raw.charAt(trimmed.length) === ')') trimmed += ')';
    return trimmed;
  }

  // A match that is only part of a longer token (a price, a decimal, a longer number, a domain) stays text.
  function standsAlone(str, start, end, kind) {
    var before = start > 0 ? str.charAt(start - 1) : '';
    var after = str.charAt(end);
    if (kind === 'lifeline' && /[\w.@\/-]/.test(before)) return false;
    if (kind === 'phone' && (/[\w+$]/.test(before) || /[\w]/.test(after) || /^[.,-]\d/.test(str.slice(end)))) return false;
    if (kind === 'short') {
      if (/[\w$€£+\-\/.,:#@]/.test(before)) return false;
      if (/[\w%\/-]/.test(after) || /^[.,:]\d/.test(str.slice(end))) return false;
    }
    return true;
  }

  function linkify(value, contacts) {
    var frag = document.createDocumentFragment();
    var str = String(value == null ? '' : value);
    var re = contacts ? RICH_RE : URL_RE;
    var last = 0;
    var match;
    re.lastIndex = 0;
    while ((match = re.exec(str)) !== null) {
      var start = match.index;
      var raw = match[0];
      var node = null;
      var length = raw.length;
      if (!contacts || match[1]) {
        var trimmed = trimUrl(raw);
        var url = safeHttpUrl(trimmed);
        if (url) {
          node = externalLink(url.href, trimmed, 'bgw-inline-link');
          length = trimmed.length;
        }
      } else if (match[2]) {
        node = contactLink('mailto:' + raw, raw);
      } else if (match[3]) {
        var site = trimUrl(raw);
        var lifeline = standsAlone(str, start, start + site.length, 'lifeline') && safeHttpUrl('https://' + site);
        if (lifeline) {
          node = externalLink(lifeline.href, site, 'bgw-inline-link');
          length = site.length;
        }
      } else if (match[4]) {
        var digits = raw.replace(/\D/g, '');
        if (digits.length === 11) digits = digits.slice(1);
        if (digits.length === 10 && standsAlone(str, start, start + length, 'phone')) {
          node = contactLink('tel:+1' + digits, raw);
        }
      } else if (match[5] && standsAlone(str, start, start + length, 'short')) {
        node = contactLink('tel:' + raw, raw);
      }
      if (!node) {
        re.lastIndex = start + raw.length;
        continue;
      }
      if (start > last) frag.appendChild(document.createTextNode(str.slice(last, start)));
      frag.appendChild(node);
      last = start + length;
      re.lastIndex = last;
    }
    if (last < str.length) frag.appendChild(document.createTextNode(str.slice(last)));
    return frag;
  }

  // tel: and mailto: links open the phone or mail app, not a tab.
  function contactLink(href, label) {
    var a = el('a', 'bgw-inline-link bgw-contact-link', label);
    a.href = href;
    return a;
  }

  function externalLink(href, label, className) {
    var a = el('a', className);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.appendChild(document.createTextNode(label));
    a.appendChild(srOnly(' (opens in a new tab)'));
    return a;
  }

  function formatTime(ts) {
    var d = new Date(ts);
    try {
      return d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    } catch (e) {
      return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
    }
  }

  // --------------------------------------------------------------- colours
  function luminance(hex) {
    var h = hex.replace('#', '');
    if (h.length === 3) h = h.replace(/(.)/g, '$1$1');
    var rgb = [0, 2, 4].map(function (i) {
      var v = parseInt(h.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) {
    var x = luminance(a);
    var y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }

  // ------------------------------------------------------------- build UI
  var root = el('div', 'bgw-root');
  root.setAttribute('data-bgw', '');
  root.setAttribute('role', 'region');
  root.setAttribute('aria-label', cfg.title + ' chat');
  // Custom properties through CSSOM: allowed by style-src 'self' (no style attribute in markup).
  var onPrimary = contrast(cfg.primary, '#ffffff') >= 4.5 ? '#ffffff' : '#000000';
  root.style.setProperty('--bgw-primary', cfg.primary);
  root.style.setProperty('--bgw-on-primary', onPrimary);
  root.style.setProperty('--bgw-primary-text', contrast(cfg.primary, '#ffffff') >= 4.5 ? cfg.primary : '#1b1f23');

  var launcher = el('button', 'bgw-launcher');
  launcher.type = 'button';
  launcher.id = uid + '-launcher';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', uid + '-panel');
  launcher.appendChild(icon('chat'));
  var launcherText = el('span', 'bgw-launcher-label', cfg.launcherLabel || t('launcher'));
  launcher.appendChild(launcherText);
  var unreadDot = el('span', 'bgw-unread');
  unreadDot.hidden = true;
  var unreadText = srOnly(t('unread'));
  unreadDot.appendChild(unreadText);
  launcher.appendChild(unreadDot);

  var panel = el('div', 'bgw-panel');
  panel.id = uid + '-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'false');
  panel.setAttribute('aria-labelledby', uid + '-title');
  panel.hidden = true;

  var header = el('div', 'bgw-header');
  var heading = el('div', 'bgw-heading');
  var h2 = el('h2', 'bgw-title', cfg.title);
  h2.id = uid + '-title';
  heading.appendChild(h2);
  heading.appendChild(el('p', 'bgw-subtitle', cfg.subtitle));
  header.appendChild(heading);

  // The language control: the other language's name, in that language (lang set on it).
  var langBtn = el('button', 'bgw-header-btn bgw-lang');
  langBtn.type = 'button';
  var langBtnText = el('span', 'bgw-header-btn-label', '');
  langBtn.appendChild(langBtnText);
  header.appendChild(langBtn);

  var restartBtn = el('button', 'bgw-header-btn bgw-restart');
  restartBtn.type = 'button';
  restartBtn.appendChild(icon('restart'));
  var restartText = el('span', 'bgw-header-btn-label', t('endChat'));
  restartBtn.appendChild(restartText);
  header.appendChild(restartBtn);

  var closeBtn = el('button', 'bgw-header-btn bgw-close');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', t('close'));
  closeBtn.appendChild(icon('close'));
  header.appendChild(closeBtn);
  panel.appendChild(header);

  var confirmBar = el('div', 'bgw-confirm');
  confirmBar.setAttribute('role', 'group');
  confirmBar.setAttribute('aria-labelledby', uid + '-confirm-text');
  confirmBar.hidden = true;
  var confirmText = el('p', 'bgw-confirm-text', t('confirm'));
  confirmText.id = uid + '-confirm-text';
  confirmBar.appendChild(confirmText);
  var confirmYes = el('button', 'bgw-btn bgw-btn--primary', t('confirmYes'));
  confirmYes.type = 'button';
  var confirmNo = el('button', 'bgw-btn', t('cancel'));
  confirmNo.type = 'button';
  var confirmActions = el('div', 'bgw-confirm-actions');
  confirmActions.appendChild(confirmYes);
  confirmActions.appendChild(confirmNo);
  confirmBar.appendChild(confirmActions);
  panel.appendChild(confirmBar);

  var notice = el('div', 'bgw-notice');
  notice.setAttribute('role', 'status');
  panel.appendChild(notice);

  var log = el('div', 'bgw-log');
  log.id = uid + '-log';
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-relevant', 'additions');
  log.setAttribute('aria-label', t('conversation'));
  log.tabIndex = 0;
  panel.appendChild(log);

  var typing = el('div', 'bgw-typing');
  typing.hidden = true;
  var dots = el('span', 'bgw-dots');
  dots.setAttribute('aria-hidden', 'true');
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  dots.appendChild(el('span'));
  typing.appendChild(dots);
  var typingText = el('span', 'bgw-typing-text', t('typing'));
  typing.appendChild(typingText);
  panel.appendChild(typing);

  var form = el('form', 'bgw-composer');
  form.setAttribute('novalidate', '');
  var inputId = uid + '-input';
  var label = el('label', 'bgw-sr', t('typeLabel'));
  label.htmlFor = inputId;
  var input = el('textarea', 'bgw-input');
  input.id = inputId;
  input.rows = 1;
  input.maxLength = cfg.maxLength;
  input.placeholder = t('placeholder');
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('enterkeyhint', 'send');
  input.setAttribute('aria-describedby', uid + '-hint');
  var hint = el('span', 'bgw-sr', t('hint'));
  hint.id = uid + '-hint';
  var sendBtn = el('button', 'bgw-send');
  sendBtn.type = 'submit';
  sendBtn.setAttribute('aria-label', t('send'));
  sendBtn.appendChild(icon('send'));
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(hint);
  form.appendChild(sendBtn);
  panel.appendChild(form);

  var footer = el('div', 'bgw-footer');
  var disclaimer = el('p', 'bgw-disclaimer', t('disclaimer'));
  var contactBtn = el('button', 'bgw-contact');
  contactBtn.type = 'button';
  contactBtn.appendChild(icon('phone'));
  var contactText = document.createTextNode(t('contact'));
  contactBtn.appendChild(contactText);
  footer.appendChild(disclaimer);
  footer.appendChild(contactBtn);
  panel.appendChild(footer);

  root.appendChild(panel);
  root.appendChild(launcher);

  // Every label of the widget in the current language; the panel's lang follows it.
  function applyLanguage() {
    panel.setAttribute('lang', lang);
    launcher.setAttribute('lang', lang);
    if (!cfg.launcherLabel) launcherText.textContent = t('launcher');
    unreadText.textContent = t('unread');
    langBtnText.textContent = t('switchTo');
    langBtn.setAttribute('lang', t('switchLang'));
    langBtn.setAttribute('aria-label', t('switchLabel'));
    restartText.textContent = t('endChat');
    closeBtn.setAttribute('aria-label', t('close'));
    confirmText.textContent = t('confirm');
    confirmYes.textContent = t('confirmYes');
    confirmNo.textContent = t('cancel');
    log.setAttribute('aria-label', t('conversation'));
    typingText.textContent = t('typing');
    label.textContent = t('typeLabel');
    input.placeholder = t('placeholder');
    hint.textContent = t('hint');
    sendBtn.setAttribute('aria-label', t('send'));
    disclaimer.textContent = t('disclaimer');
    contactText.textContent = t('contact');
  }

  function setLanguage(next) {
    if (next !== 'en' && next !== 'es') return;
    lang = next;
    session.lang = next;
    saveSession();
    applyLanguage();
  }
  applyLanguage();

  // ------------------------------------------------------------ rendering
  function isLinkButton(b) {
    return !!b.url;
  }

  function normaliseButtons(raw) {
    if (!Array.isArray(raw)) return [];
    var out = [];
    raw.slice(0, 12).forEach(function (b) {
      if (!b || typeof b !== 'object') return;
      var title = typeof b.title === 'string' ? b.title.slice(0, 120) : '';
      var payload = typeof b.payload === 'string' ? b.payload.slice(0, cfg.maxLength) : '';
      if (!title && !payload) return;
      // A link button has `url`; the stock socket.io channel drops `url`, so a payload that is
      // itself an http(s) URL is treated as a link as well (ARCHITECTURE.md: payload == url).
      var urlCandidate = typeof b.url === 'string' ? b.url :
        (/^https?:\/\//i.test(payload) ? payload : null);
      if (urlCandidate !== null) {
        var u = safeHttpUrl(urlCandidate);
        if (!u) return; // javascript:, data:, ... are dropped
        out.push({ title: title || u.href, url: u.href });
        return;
      }
      out.push({ title: title || payload, payload: payload || title });
    });
    return out;
  }

  function renderMessage(m, index) {
    var row = el('div', 'bgw-msg bgw-msg--' + m.from);
    row.setAttribute('data-index', String(index));
    row.setAttribute('lang', m.lang === 'es' || m.lang === 'en' ? m.lang : lang);
    if (m.from === 'system') {
      row.appendChild(el('p', 'bgw-system', m.text));
      return row;
    }
    var bubble = el('div', 'bgw-bubble');
    bubble.appendChild(srOnly(m.from === 'user' ? t('youSaid') : t('botSaid')));
    if (m.text) {
      var body = el('div', 'bgw-text');
      body.appendChild(linkify(m.text, m.from === 'bot'));
      bubble.appendChild(body);
    }
    row.appendChild(bubble);
    if (m.from === 'bot' && typeof m.copy === 'string' && m.copy) row.appendChild(copyControl(m.copy));

    var buttons = m.buttons || [];
    var quick = buttons.filter(function (b) { return !isLinkButton(b); });
    var links = buttons.filter(isLinkButton);
    if (quick.length) {
      var group = el('div', 'bgw-replies');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', t('suggested'));
      quick.forEach(function (b, i) {
        var btn = el('button', 'bgw-reply', b.title);
        btn.type = 'button';
        if (m.done) {
          btn.disabled = true;
          if (m.chosen === i) {
            btn.classList.add('is-chosen');
            btn.appendChild(srOnly(t('chosen')));
          }
        }
        btn.addEventListener('click', function () {
          if (m.done) return;
          m.chosen = i;
          sendUser(b.title, b.payload);
          input.focus();
        });
        group.appendChild(btn);
      });
      row.appendChild(group);
    }
    if (links.length) {
      var linkGroup = el('div', 'bgw-links');
      links.forEach(function (b) {
        var intake = /intake/i.test(b.title) || /intake/i.test(b.url);
        var a = externalLink(b.url, b.title, 'bgw-linkbtn' + (intake ? ' bgw-cta' : ''));
        a.appendChild(icon('external'));
        linkGroup.appendChild(a);
      });
      row.appendChild(linkGroup);
    }
    var time = el('time', 'bgw-time', formatTime(m.ts));
    time.dateTime = new Date(m.ts).toISOString();
    row.appendChild(time);
    return row;
  }

  // "Copy summary" under the pre-screen summary: copies the summary lines the server marked
  // (navigator.clipboard, or a hidden textarea and execCommand where that is missing or refused).
  // "Copied" is shown beside the button in a polite live region, so screen readers hear it too.
  function copyControl(summary) {
    var box = el('div', 'bgw-copy');
    var btn = el('button', 'bgw-copybtn');
    btn.type = 'button';
    btn.appendChild(icon('copy'));
    btn.appendChild(document.createTextNode(t('copy')));
    var status = el('span', 'bgw-copy-status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var clearTimer = null;
    btn.addEventListener('click', function () {
      clearTimeout(clearTimer);
      status.textContent = '';
      status.classList.remove('is-error');
      copyText(summary, btn).then(function () {
        status.textContent = t('copied');
      }, function () {
        status.textContent = t('copyFailed');
        status.classList.add('is-error');
      }).then(function () {
        clearTimer = setTimeout(function () {
          status.textContent = '';
          status.classList.remove('is-error');
        }, 8000);
      });
    });
    box.appendChild(btn);
    box.appendChild(status);
    return box;
  }

  function copyText(value, returnFocus) {
    function fallback() {
      var area = el('textarea', 'bgw-copy-buffer');
      area.value = value;
      area.setAttribute('readonly', '');
      area.setAttribute('aria-hidden', 'true');
      area.tabIndex = -1;
      root.appendChild(area);
      var ok = false;
      try {
        area.focus();
        area.select();
        area.setSelectionRange(0, value.length);
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      root.removeChild(area);
      if (returnFocus) returnFocus.focus();
      return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
    }
    try {
      if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function' && window.isSecureContext) {
        return navigator.clipboard.writeText(value).then(null, fallback);
      }
    } catch (e) { /* fall through */ }
    return fallback();
  }

  // The server's marker for the summary it just sent: the bot message before it gets the button.
  function attachSummary(summary) {
    for (var i = messages.length - 1; i >= 0; i--) {
      var m = messages[i];
      if (m.from === 'user') return;
      if (m.from !== 'bot' || !m.text) continue;
      m.copy = summary;
      saveTranscript();
      var row = log.querySelector('[data-index="' + i + '"]');
      if (row && !row.querySelector('.bgw-copy')) {
        // added in place (not re-rendered), so the summary is not announced a second time
        row.insertBefore(copyControl(summary), row.querySelector('.bgw-bubble').nextSibling);
      }
      return;
    }
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    messages.forEach(function (m, i) { log.appendChild(renderMessage(m, i)); });
    scrollToEnd();
  }

  function rerender(index) {
    var old = log.querySelector('[data-index="' + index + '"]');
    if (old) log.replaceChild(renderMessage(messages[index], index), old);
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // First bot message of the current reply: a long answer is shown from its start, not its end.
  var burstStart = null;

  function addMessage(m) {
    if (m.from === 'bot' && burstStart === null) burstStart = messages.length;
    if (m.from === 'user') burstStart = null;
    messages.push(m);
    saveTranscript();
    log.appendChild(renderMessage(m, messages.length - 1));
    if (messages.length > cfg.maxStored) {
      burstStart = null;
      renderAll();
    }
    var first = burstStart === null ? null : log.querySelector('[data-index="' + burstStart + '"]');
    if (first) {
      var bottom = log.scrollHeight - log.clientHeight;
      log.scrollTop = Math.min(bottom, Math.max(0, first.offsetTop - 12));
    } else {
      scrollToEnd();
    }
  }

  // ------------------------------------------------------------ transport
  var socket = null;
  var confirmed = false;
  var outbox = [];
  var everConnected = false;
  var replyTimer = null;

  function setNotice(message) {
    notice.textContent = message || '';
    notice.classList.toggle('is-visible', !!message);
  }

  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(replyTimer);
    if (on) {
      replyTimer = setTimeout(function () {
        typing.hidden = true;
        addMessage({ from: 'system', ts: Date.now(),
          text: t('noReply') });
      }, cfg.replyTimeoutMs);
    }
    if (on) scrollToEnd();
  }

  var ioLoading = null;
  function loadSocketIo() {
    if (window.io) return Promise.resolve(window.io);
    if (ioLoading) return ioLoading;
    ioLoading = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = cfg.ioUrl;
      s.async = true;
      s.onload = function () { window.io ? resolve(window.io) : reject(new Error('socket.io missing')); };
      s.onerror = function () { ioLoading = null; reject(new Error('socket.io failed to load')); };
      document.head.appendChild(s);
    });
    return ioLoading;
  }

  function connect() {
    if (socket) return;
    loadSocketIo().then(function (io) {
      if (socket) return;
      socket = io(cfg.serverOrigin, {
        path: cfg.socketPath,
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 8000,
        timeout: 10000
      });
      bindSocket(socket);
    }).catch(function () {
      setNotice(t('loadFailed'));
    });
  }

  function requestSession(s) {
    confirmed = false;
    s.emit('session_request', session.id ? { session_id: session.id, token: session.token } : {});
  }

  function bindSocket(s) {
    s.on('connect', function () {
      if (s !== socket) return;
      everConnected = true;
      requestSession(s);
    });
    s.on('session_confirm', function (data) {
      if (s !== socket) return;
      if (!data || typeof data !== 'object' || typeof data.session_id !== 'string' ||
          !/^[0-9a-f]{32}$/.test(data.session_id) || typeof data.token !== 'string' ||
          !/^[0-9a-f]{64}$/.test(data.token)) return;
      var refused = session.id && data.session_id !== session.id;
      session.id = data.session_id;
      session.token = data.token;
      if (refused) {
        // the server did not accept the old session (e.g. it was restarted with a new secret)
        session.greeted = false;
        messages = [];
        burstStart = null;
        renderAll();
        addMessage({ from: 'system', ts: Date.now(),
          text: t('restarted') });
      } else if (messages.length) {
        saveTranscript(); // now under the confirmed session id
      }
      saveSession();
      confirmed = true;
      setNotice('');
      if (panel && !panel.hidden) greetIfNew();
      flush();
    });
    s.on('session_invalid', function () {
      if (s !== socket) return;
      session = { id: null, token: null, greeted: false, lang: lang };
      tabStore.remove(K_SESSION);
      requestSession(s);
    });
    s.on('bot_uttered', function (data) {
      if (s !== socket) return;
      onBotMessage(data);
    });
    s.on('disconnect', function (reason) {
      if (s !== socket) return;
      confirmed = false;
      if (reason === 'io client disconnect') return;
      showTyping(false);
      setNotice(t('reconnecting'));
      // socket.io does not retry by itself after a server-side disconnect
      if (reason === 'io server disconnect') {
        setTimeout(function () { if (s === socket && !s.connected) s.connect(); }, 2000);
      }
    });
    s.on('connect_error', function () {
      if (s !== socket) return;
      confirmed = false;
      setNotice(everConnected
        ? t('reconnecting')
        : t('unreachable'));
    });
  }

  function emitMessage(payload) {
    outbox.push(payload);
    connect();
    flush();
  }

  // Outbox entries: { message: text } typed or a button's payload; { control: name } for the
  // widget's own controls (greet, ask_human, end_chat), which the server maps to fixed payloads.
  function flush() {
    if (!socket || !confirmed || !session.id) return;
    if (!outbox.length) return;
    while (outbox.length) {
      var next = outbox.shift();
      var packet = { session_id: session.id, token: session.token };
      if (next.control) packet.control = next.control; else packet.message = next.message;
      socket.emit('user_uttered', packet);
      if ((next.control === 'greet' || next.greet) && !session.greeted) {
        session.greeted = true; // only once it has really gone out
        saveSession();
      }
    }
    showTyping(true);
  }

  // A custom message: socket.io delivers its "data" object itself ({kind, summary}); the REST
  // channel's shape ({custom: {data: {...}}}) is read as well.
  function customData(data) {
    var candidates = [data, data.data, data.custom, data.custom && data.custom.data];
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i];
      if (c && typeof c === 'object' && typeof c.kind === 'string') return c;
    }
    return null;
  }

  function onBotMessage(data) {
    if (!data || typeof data !== 'object') return;
    var custom = typeof data.text === 'string' && data.text ? null : customData(data);
    if (custom) {
      // never a bubble of its own; it still means the server is answering
      if (ending) return;
      showTyping(false);
      if (custom.kind === 'language' && (custom.language === 'es' || custom.language === 'en')) {
        setLanguage(custom.language); // the replies that follow are in this language
        return;
      }
      if (custom.kind === 'prescreen_summary' && typeof custom.summary === 'string' && custom.summary.trim()) {
        attachSummary(custom.summary.slice(0, 5000));
      }
      return;
    }
    var msgText = typeof data.text === 'string' ? data.text.slice(0, 5000) : '';
    var buttons = normaliseButtons(data.quick_replies || data.buttons);
    if (!msgText && !buttons.length) {
      // Attachments and custom payloads are not rendered (images would need a wider CSP).
      var src = data.attachment && data.attachment.payload && data.attachment.payload.src;
      var u = safeHttpUrl(src);
      if (!u) {
        if (!ending) showTyping(false); // an answer, just not one to show: no empty bubble
        return;
      }
      msgText = u.href;
    }
    showTyping(false);
    if (ending) {
      finishEnding({ from: 'bot', text: msgText, ts: Date.now() });
      return;
    }
    addMessage({ from: 'bot', text: msgText, buttons: buttons, ts: Date.now(), lang: lang });
    saveSession();
    if (panel.hidden) {
      unreadDot.hidden = false;
    }
  }

  function retireQuickReplies() {
    messages.forEach(function (m, i) {
      if (m.from === 'bot' && !m.done && (m.buttons || []).some(function (b) { return !b.url; })) {
        m.done = true;
        rerender(i);
      }
    });
  }

  function sendUser(display, payload) {
    var msg = String(payload == null ? display : payload);
    if (!msg.trim()) return;
    retireQuickReplies();
    addMessage({ from: 'user', text: String(display).slice(0, cfg.maxLength), ts: Date.now(), lang: lang });
    saveSession();
    emitMessage({ message: msg.slice(0, cfg.maxLength) });
  }

  function greetIfNew() {
    if (session.greeted || ended) return;
    if (outbox.some(function (o) { return o.control === 'greet' || o.greet; })) return;
    // a message already waiting goes out first of all: no greeting in front of it
    if (outbox.length) return;
    // a Spanish page (or a visitor who chose Spanish) is greeted in Spanish: the request
    // "Español" switches the conversation and its reply includes the greeting
    if (lang === 'es') emitMessage({ message: 'Español', greet: true });
    else emitMessage({ control: 'greet' });
  }

  // -------------------------------------------------------------- actions
  function openPanel(focus) {
    panel.hidden = false;
    root.classList.add('is-open');
    launcher.setAttribute('aria-expanded', 'true');
    updateModal();
    unreadDot.hidden = true;
    tabStore.set(K_OPEN, '1');
    connect();
    if (!messages.length && session.greeted) {
      addMessage({ from: 'system', ts: Date.now(),
        text: t('continuing') });
    }
    greetIfNew();
    scrollToEnd();
    if (focus !== false) input.focus();
  }

  function closePanel() {
    hideConfirm(false);
    panel.hidden = true;
    root.classList.remove('is-open');
    launcher.setAttribute('aria-expanded', 'false');
    updateModal();
    tabStore.set(K_OPEN, '0');
    launcher.focus();
  }

  function showConfirm() {
    confirmBar.hidden = false;
    confirmYes.focus();
  }

  function hideConfirm(refocus) {
    if (confirmBar.hidden) return;
    confirmBar.hidden = true;
    if (refocus) restartBtn.focus();
  }

  // "End chat": the server erases the conversation (the "forget me" path) and says whether it
  // could; then the session and transcript are dropped from this tab. A message typed
  // afterwards starts a new session.
  var ending = false;
  var ended = false;
  var endTimer = null;

  function endChat() {
    confirmBar.hidden = true;
    retireQuickReplies();
    if (!session.id) {
      finishEnding(null);
      return;
    }
    ending = true;
    outbox = [];
    emitMessage({ control: 'end_chat' });
    clearTimeout(endTimer);
    endTimer = setTimeout(function () {
      if (!ending) return;
      finishEnding({ from: 'system', ts: Date.now(),
        text: t('notErased') });
    }, cfg.endTimeoutMs);
    input.focus();
  }

  function finishEnding(reply) {
    ending = false;
    ended = true;
    clearTimeout(endTimer);
    if (socket) {
      var old = socket;
      socket = null;
      old.disconnect();
    }
    confirmed = false;
    outbox = [];
    showTyping(false);
    setNotice('');
    tabStore.remove(K_SESSION);
    tabStore.remove(K_TRANSCRIPT);
    session = { id: null, token: null, greeted: true, lang: lang };
    messages = [];
    burstStart = null;
    renderAll();
    // shown, not stored: nothing of the ended chat is kept in this browser
    [reply, { from: 'system', ts: Date.now(), text: t('ended') }]
      .forEach(function (m) {
        if (!m) return;
        messages.push(m);
        log.appendChild(renderMessage(m, messages.length - 1));
      });
    scrollToEnd();
    input.value = '';
    autoGrow();
    input.focus();
  }

  function autoGrow() {
    // CSSOM writes are allowed under style-src 'self'.
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 128) + 'px';
  }

  launcher.addEventListener('click', function () {
    if (panel.hidden) openPanel(true); else closePanel();
  });
  closeBtn.addEventListener('click', closePanel);
  restartBtn.addEventListener('click', showConfirm);
  confirmNo.addEventListener('click', function () { hideConfirm(true); });
  confirmYes.addEventListener('click', endChat);
  langBtn.addEventListener('click', function () {
    var next = t('switchLang');
    var payload = t('switchPayload');
    setLanguage(next);
    if (!session.greeted && !messages.length && !outbox.length) {
      greetIfNew();
      return;
    }
    retireQuickReplies();
    addMessage({ from: 'user', text: payload, ts: Date.now(), lang: next });
    saveSession();
    emitMessage({ message: payload });
  });
  contactBtn.addEventListener('click', function () {
    retireQuickReplies();
    addMessage({ from: 'user', text: t('contact'), ts: Date.now() });
    saveSession();
    emitMessage({ control: 'ask_human' });
  });
  // On small screens the panel covers the page, so it behaves as a modal dialog: Tab stays inside.
  var fullScreenQuery = window.matchMedia ? window.matchMedia('(max-width: 480px), (max-height: 540px)') : null;
  function isFullScreen() {
    return !!(fullScreenQuery && fullScreenQuery.matches);
  }
  function updateModal() {
    panel.setAttribute('aria-modal', (!panel.hidden && isFullScreen()) ? 'true' : 'false');
  }
  if (fullScreenQuery) {
    if (fullScreenQuery.addEventListener) fullScreenQuery.addEventListener('change', updateModal);
    else if (fullScreenQuery.addListener) fullScreenQuery.addListener(updateModal);
  }
  function trapTab(e) {
    var focusables = Array.prototype.filter.call(
      panel.querySelectorAll('button:not([disabled]), a[href], textarea, [tabindex="0"]'),
      function (node) { return node.offsetParent !== null; });
    if (!focusables.length) return;
    var first = focusables[0];
    var last = focusables[focusables.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      if (!confirmBar.hidden) hideConfirm(true); else closePanel();
    } else if (e.key === 'Tab' && isFullScreen()) {
      trapTab(e);
    }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var value = input.value;
    if (!value.trim()) { input.focus(); return; }
    input.value = '';
    autoGrow();
    sendUser(value.trim(), value.trim());
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  input.addEventListener('input', autoGrow);

  // ----------------------------------------------------------------- mount
  function mount() {
    if (!document.body) {
      document.addEventListener('DOMContentLoaded', mount);
      return;
    }
    document.body.appendChild(root);
    renderAll();
    if (cfg.open || tabStore.get(K_OPEN) === '1') openPanel(false);
    window.BioGenesisChat = {
      open: function () { openPanel(true); },
      close: closePanel,
      sessionId: function () { return session.id; }
    };
  }

  var link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = cfg.cssUrl;
  var mounted = false;
  function mountOnce() { if (!mounted) { mounted = true; mount(); } }
  link.onload = mountOnce;
  link.onerror = mountOnce;
  document.head.appendChild(link);
  setTimeout(mountOnce, 3000);
})();
