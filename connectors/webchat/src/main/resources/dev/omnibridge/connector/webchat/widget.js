/*
 * Omnibridge live chat widget. Plain JavaScript, no build step, no framework. A site adds one tag:
 *   <script src="https://hub.example.com/hooks/<instance>/widget.js" async></script>
 * Optional data-attributes: data-title, data-color (#rrggbb), data-greeting, data-position (left|right),
 * data-transport (auto|polling: polling never tries the WebSocket).
 * Identity verification: data-user-email, data-user-name and data-user-hash (hex HMAC-SHA256 of the email under the
 * chat's identitySecret, computed by the site's backend) name the site's logged-in user; they go with every session
 * request as userEmail, name and userHash.
 * Everything the widget shows that came from a visitor, an agent or the server is set with textContent: nothing is
 * ever parsed as HTML. The UI lives in a Shadow DOM so the host page's CSS does not leak in.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.OmnibridgeWebchat) {
    return;
  }
  var base = script.src.replace(/widget\.js(\?.*)?$/, '');
  var wsBase = base.replace(/^http/, 'ws');
  var ds = script.dataset || {};
  var STORE = 'omnibridge-webchat:' + base;
  var POLL_MS = 3000;

  // The identity the page vouches for; a stored token of another identity (or of none) is not carried over.
  var identity = ds.userHash ? {email: ds.userEmail || '', hash: ds.userHash, name: ds.userName || ''} : null;
  if ((load('identity') || '') !== (identity ? identity.hash : '')) {
    save('token', null);
    save('profile', null);
    save('identity', identity ? identity.hash : null);
  }

  var state = {
    token: load('token'),
    profile: JSON.parse(load('profile') || '{}'),
    config: null,
    open: false,
    online: true,
    mode: 'none',             // socket | polling | none
    socket: null,
    socketOpened: false,
    socketFailures: 0,
    pollTimer: null,
    messages: {},             // id -> {view, el, mark}
    choiceEntries: [],        // replies whose option buttons show
    order: [],
    pending: {},              // clientId -> {text, timer}
    reported: {delivered: {}, read: {}},
    unread: 0,
    lastTypingSent: 0,
    typingTimer: null
  };

  function load(name) {
    try { return window.localStorage.getItem(STORE + ':' + name); } catch (e) { return null; }
  }

  function save(name, value) {
    try {
      if (value === null) { window.localStorage.removeItem(STORE + ':' + name); }
      else { window.localStorage.setItem(STORE + ':' + name, value); }
    } catch (e) { /* private mode: the chat still works for this page */ }
  }

  // ---------------------------------------------------------------------------------------------- DOM helpers
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svgIcon(path) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    var p = document.createElementNS(ns, 'path');
    p.setAttribute('d', path);
    svg.appendChild(p);
    return svg;
  }

  var host = el('div');
  host.id = 'omnibridge-webchat';
  var root = host.attachShadow ? host.attachShadow({mode: 'open'}) : host;
  var css = el('link');
  css.rel = 'stylesheet';
  css.href = base + 'widget.css';
  root.appendChild(css);

  var launcher = el('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', 'Open chat');
  launcher.appendChild(svgIcon('M4 4h16v12H7l-3 3V4z'));
  var badge = el('span', 'badge');
  badge.hidden = true;
  launcher.appendChild(badge);

  var panel = el('section', 'panel');
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'Chat');
  panel.hidden = true;
  var header = el('header', 'header');
  var title = el('h2', 'title', ds.title || 'Chat');
  var closeBtn = el('button', 'close', '\u00d7');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', 'Close chat');
  header.appendChild(title);
  header.appendChild(closeBtn);

  var offline = el('div', 'offline');
  offline.hidden = true;
  var offlineText = el('p', 'offline-text');
  offline.appendChild(offlineText);

  var prechat = el('form', 'prechat');
  prechat.hidden = true;
  var prechatHint = el('p', 'hint', 'Tell us who you are (optional):');
  var nameInput = el('input', 'name');
  nameInput.type = 'text';
  nameInput.placeholder = 'Your name';
  nameInput.maxLength = 80;
  nameInput.autocomplete = 'name';
  var emailInput = el('input', 'email');
  emailInput.type = 'email';
  emailInput.placeholder = 'Your email';
  emailInput.maxLength = 254;
  emailInput.autocomplete = 'email';
  var prechatBtn = el('button', 'save', 'Save');
  prechatBtn.type = 'submit';
  prechat.appendChild(prechatHint);
  prechat.appendChild(nameInput);
  prechat.appendChild(emailInput);
  prechat.appendChild(prechatBtn);

  var list = el('div', 'messages');
  list.setAttribute('role', 'log');
  list.setAttribute('aria-live', 'polite');
  var greeting = el('p', 'greeting', ds.greeting || '');
  list.appendChild(greeting);
  var typing = el('div', 'typing', 'Agent is typing\u2026');
  typing.hidden = true;
  var notice = el('div', 'notice');
  notice.hidden = true;

  var composer = el('form', 'composer');
  var attach = el('button', 'attach');
  attach.type = 'button';
  attach.setAttribute('aria-label', 'Attach a file');
  attach.appendChild(svgIcon('M16 6v10a4 4 0 0 1-8 0V5a3 3 0 0 1 6 0v10a1 1 0 0 1-2 0V6h-2v9a3 3 0 0 0 6 0V5a5 5 0 0 0-10 0v11a6 6 0 0 0 12 0V6z'));
  var fileInput = el('input', 'file');
  fileInput.type = 'file';
  fileInput.hidden = true;
  var input = el('textarea', 'input');
  input.rows = 1;
  input.placeholder = 'Write a message\u2026';
  input.setAttribute('aria-label', 'Message');
  var sendBtn = el('button', 'send', 'Send');
  sendBtn.type = 'submit';
  composer.appendChild(attach);
  composer.appendChild(fileInput);
  composer.appendChild(input);
  composer.appendChild(sendBtn);

  panel.appendChild(header);
  panel.appendChild(offline);
  panel.appendChild(prechat);
  panel.appendChild(list);
  panel.appendChild(typing);
  panel.appendChild(notice);
  panel.appendChild(composer);
  root.appendChild(panel);
  root.appendChild(launcher);

  function applyLook(cfg) {
    var color = ds.color && /^#[0-9a-fA-F]{6}$/.test(ds.color) ? ds.color : cfg.color;
    if (color && /^#[0-9a-fA-F]{6}$/.test(color)) {
      host.style.setProperty('--ob-color', color);
    }
    var position = ds.position === 'left' || ds.position === 'right' ? ds.position : cfg.position;
    host.setAttribute('data-position', position === 'left' ? 'left' : 'right');
    panel.classList.toggle('left', position === 'left');
    launcher.classList.toggle('left', position === 'left');
    title.textContent = ds.title || cfg.title || 'Chat';
    greeting.textContent = ds.greeting || cfg.greeting || '';
    if (cfg.allowedFileTypes) {
      fileInput.accept = cfg.allowedFileTypes.join(',');
    }
  }

  function setOnline(open) {
    state.online = !!open;
    offline.hidden = state.online;
    if (!state.online) {
      offlineText.textContent = (state.config && state.config.offlineMessage) || 'We are away right now.';
    }
    showPrechat();
  }

  function showPrechat() {
    // The site's logged-in user is known by their verified email: nothing to ask.
    var needsEmail = !state.online && !state.profile.email && !identity;
    prechat.hidden = !(needsEmail || (!state.token && !state.profile.asked && !identity));
    prechatHint.textContent = needsEmail ? 'Leave your email and we will answer there:' : 'Tell us who you are (optional):';
    emailInput.required = false;
  }

  function showNotice(text) {
    notice.textContent = text || '';
    notice.hidden = !text;
  }

  // ---------------------------------------------------------------------------------------------- rendering
  var SAFE_URL = /\bhttps?:\/\/[^\s<>"']+/g;

  /** Text as text nodes; only http(s) URLs become links, built with DOM calls, never markup. */
  function renderText(parent, text) {
    var last = 0;
    var m;
    SAFE_URL.lastIndex = 0;
    while ((m = SAFE_URL.exec(text)) !== null) {
      var url = m[0].replace(/[.,;:!?)\]]+$/, '');
      if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
      var ok = false;
      try { ok = /^https?:$/.test(new URL(url).protocol); } catch (e) { ok = false; }
      if (ok) {
        var a = el('a', 'link', url);
        a.href = url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer nofollow';
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(url));
      }
      last = m.index + url.length;
      SAFE_URL.lastIndex = last;
    }
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
  }

  function renderFile(parent, file) {
    var box = el('div', 'file');
    if (file.image) {
      var img = el('img', 'thumb');
      img.alt = file.name || 'image';
      box.appendChild(img);
      fetchFile(file).then(function (url) { img.src = url; }).catch(function () { img.alt = 'image unavailable'; });
    } else {
      var a = el('a', 'download', file.name || 'file');
      a.href = '#';
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        fetchFile(file).then(function (url) {
          var d = el('a');
          d.href = url;
          d.download = file.name || 'file';
          root.appendChild(d);
          d.click();
          d.remove();
        }).catch(function () { showNotice('The file could not be downloaded.'); });
      });
      box.appendChild(a);
    }
    parent.appendChild(box);
  }

  function fetchFile(file) {
    return fetch(base + 'files/' + encodeURIComponent(file.id), {headers: auth(), credentials: 'omit'})
      .then(function (res) {
        if (!res.ok) { throw new Error('HTTP ' + res.status); }
        return res.blob();
      }).then(function (blob) { return URL.createObjectURL(blob); });
  }

  function markText(mark) {
    return {sending: 'Sending\u2026', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent \u2013 tap to retry'}[mark] || '';
  }

  function upsert(view, mark) {
    if (!view || typeof view.id !== 'string') { return; }
    var entry = state.messages[view.id];
    if (entry) {
      if (mark) { setMark(entry, mark); }
      if (view.files && view.files.length && !entry.filesShown) {
        entry.filesShown = true;
        view.files.forEach(function (f) { renderFile(entry.body, f); });
      }
      return;
    }
    var from = view.from === 'visitor' ? 'visitor' : (view.from === 'system' ? 'system' : 'agent');
    var item = el('div', 'msg ' + from);
    item.setAttribute('data-id', view.id);
    if (from !== 'visitor' && view.name) { item.appendChild(el('div', 'author', view.name)); }
    var body = el('div', 'body');
    if (view.text) { renderText(body, String(view.text)); }
    item.appendChild(body);
    entry = {view: view, el: item, body: body, mark: null, filesShown: false};
    if (view.files && view.files.length) {
      entry.filesShown = true;
      view.files.forEach(function (f) { renderFile(body, f); });
    }
    if (from === 'visitor') {
      var markEl = el('div', 'mark');
      item.appendChild(markEl);
      entry.markEl = markEl;
      setMark(entry, mark || 'sent');
    }
    if (from === 'visitor') {
      // The visitor answered: options offered earlier are answered or passed over.
      retireChoices();
    } else if (view.choices && view.choices.length) {
      renderChoices(entry, view.choices);
    }
    state.messages[view.id] = entry;
    state.order.push(view.id);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (from !== 'visitor') {
      typing.hidden = true;
      if (!state.open) {
        state.unread++;
        badge.textContent = String(state.unread);
        badge.hidden = false;
      }
      receipt('delivered', view.id);
      if (state.open && document.visibilityState === 'visible') { receipt('read', view.id); }
    }
  }

  // Reply options: buttons under a reply; a click sends the option's title with its id. They go away as soon as the
  // visitor sends anything, so a question is answered once; keyboard users get real buttons in a labelled group.
  function renderChoices(entry, choices) {
    var group = el('div', 'choices');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Reply options');
    choices.forEach(function (c) {
      if (!c || typeof c.id !== 'string' || typeof c.title !== 'string') { return; }
      var b = el('button', 'choice', c.title);
      b.type = 'button';
      b.addEventListener('click', function () {
        Array.prototype.forEach.call(group.querySelectorAll('button'), function (x) { x.disabled = true; });
        b.setAttribute('aria-pressed', 'true');
        sendText(c.title, null, c.id);
      });
      group.appendChild(b);
    });
    entry.el.appendChild(group);
    entry.choicesEl = group;
    state.choiceEntries.push(entry);
  }

  function retireChoices() {
    var hadFocus = false;
    state.choiceEntries.forEach(function (entry) {
      if (entry.choicesEl) {
        hadFocus = hadFocus || entry.choicesEl.contains(root.activeElement || document.activeElement);
        entry.choicesEl.remove();
        entry.choicesEl = null;
      }
    });
    state.choiceEntries = [];
    if (hadFocus) { input.focus(); }
  }

  function setMark(entry, mark) {
    var rank = {failed: 0, sending: 1, sent: 2, delivered: 3, read: 4};
    if (entry.mark && mark !== 'failed' && entry.mark !== 'failed' && rank[mark] < rank[entry.mark]) { return; }
    entry.mark = mark;
    if (entry.markEl) {
      entry.markEl.textContent = markText(mark);
      entry.el.classList.toggle('failed', mark === 'failed');
    }
  }

  function clearMessages() {
    state.order.forEach(function (id) { state.messages[id].el.remove(); });
    state.messages = {};
    state.order = [];
    state.choiceEntries = [];
  }

  // ---------------------------------------------------------------------------------------------- HTTP
  function auth() {
    return state.token ? {'Authorization': 'Bearer ' + state.token} : {};
  }

  function api(method, path, body, contentType) {
    var headers = auth();
    if (contentType) { headers['Content-Type'] = contentType; }
    return fetch(base + path, {method: method, headers: headers, body: body, credentials: 'omit', mode: 'cors'})
      .then(function (res) {
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!res.ok) {
            var err = new Error((data && typeof data.error === 'string') ? data.error : 'HTTP ' + res.status);
            err.status = res.status;
            throw err;
          }
          return data;
        });
      });
  }

  function tokenRefused(err) {
    if (err && (err.status === 401 || err.status === 403)) {
      // A token that does not (or no longer) grant access: forget it and everything shown with it.
      state.token = null;
      save('token', null);
      clearMessages();
      closeSocket();
      showPrechat();
      return true;
    }
    return false;
  }

  /** A session request's body: the visitor's profile plus the identity the page vouches for. */
  function sessionBody(profile) {
    var body = {};
    var name = profile.name || (identity && identity.name);
    if (name) { body.name = name; }
    if (profile.email) { body.email = profile.email; }
    if (identity) { body.userEmail = identity.email; body.userHash = identity.hash; }
    return JSON.stringify(body);
  }

  function ensureSession() {
    if (state.token) { return Promise.resolve(state.token); }
    return api('POST', 'session', sessionBody(state.profile), 'application/json').then(function (s) {
      state.token = s.token;
      save('token', s.token);
      setOnline(s.open);
      connect();
      return s.token;
    });
  }

  /** A token within a week of expiring is swapped for a fresh one for the same conversation. */
  function renewIfOld() {
    var expiry = Number((state.token || '').split('.')[2]);
    if (!expiry || expiry * 1000 - Date.now() > 7 * 86400000) { return; }
    api('POST', 'session', sessionBody({}), 'application/json')
      .then(function (s) { state.token = s.token; save('token', s.token); })
      .catch(function (err) { tokenRefused(err); });
  }

  function loadHistory() {
    if (!state.token) { return Promise.resolve(); }
    return api('GET', 'messages').then(function (h) {
      (h.messages || []).forEach(function (m) { upsert(m); });
      setOnline(h.open);
      if (state.mode === 'polling') { typing.hidden = !h.agentTyping; }
    }).catch(function (err) {
      if (!tokenRefused(err)) { showNotice(err.message); }
    });
  }

  // ---------------------------------------------------------------------------------------------- socket / polling
  function connect() {
    if (!state.token) { return; }
    if (ds.transport === 'polling' || typeof WebSocket === 'undefined') {
      startPolling();
      return;
    }
    closeSocket();
    var ws;
    try {
      ws = new WebSocket(wsBase + 'socket?token=' + encodeURIComponent(state.token));
    } catch (e) {
      startPolling();
      return;
    }
    state.socket = ws;
    state.socketOpened = false;
    ws.onopen = function () {
      state.socketOpened = true;
      state.socketFailures = 0;
      state.mode = 'socket';
      stopPolling();
      loadHistory();      // catch up on anything sent while connecting
      flushReceipts();
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (!f || typeof f.type !== 'string') { return; }
      if (f.type === 'message') { upsert(f.message); }
      else if (f.type === 'ack') { acked(f.clientId); }
      else if (f.type === 'typing') { showTyping(); }
      else if (f.type === 'hello') { setOnline(f.open); }
      else if (f.type === 'error') { frameError(f); }
    };
    ws.onclose = function () {
      if (state.socket !== ws) { return; }
      state.socket = null;
      state.mode = 'none';
      state.socketFailures++;
      // A network that blocks WebSockets (or a refused upgrade): poll, and try the socket again later.
      startPolling();
      var delay = Math.min(60000, 2000 * Math.pow(2, Math.min(state.socketFailures, 5)));
      setTimeout(function () { if (!state.socket && state.token) { connect(); } }, delay);
      if (!state.socketOpened) { loadHistory(); }
    };
  }

  function closeSocket() {
    var ws = state.socket;
    state.socket = null;
    if (ws) { try { ws.close(); } catch (e) { /* already closed */ } }
  }

  function socketReady() {
    return state.socket && state.socket.readyState === 1;
  }

  function startPolling() {
    state.mode = 'polling';
    if (state.pollTimer) { return; }
    state.pollTimer = setInterval(function () {
      if (state.token && !socketReady()) { loadHistory(); } else if (socketReady()) { stopPolling(); }
    }, POLL_MS);
  }

  function stopPolling() {
    if (state.pollTimer) { clearInterval(state.pollTimer); }
    state.pollTimer = null;
  }

  function showTyping() {
    typing.hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () { typing.hidden = true; }, 6000);
  }

  function frameError(f) {
    if (f.clientId && state.pending[f.clientId]) {
      var p = state.pending[f.clientId];
      delete state.pending[f.clientId];
      clearTimeout(p.timer);
      failed(f.clientId, f.error);
    } else if (f.error) {
      showNotice(f.error);
    }
  }

  // ---------------------------------------------------------------------------------------------- sending
  function newClientId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return 'c' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function sendText(text, clientId, choice) {
    clientId = clientId || newClientId();
    upsert({id: clientId, from: 'visitor', text: text, files: [], choice: choice}, 'sending');
    setMark(state.messages[clientId], 'sending');
    ensureSession().then(function () {
      var frame = {type: 'message', clientId: clientId, text: text};
      if (choice) { frame.choice = choice; }
      if (state.profile.name) { frame.name = state.profile.name; }
      if (state.profile.email) { frame.email = state.profile.email; }
      if (socketReady()) {
        state.pending[clientId] = {
          text: text,
          // No ack in time: send the same clientId over HTTP; the server keeps one of the two.
          timer: setTimeout(function () { delete state.pending[clientId]; postText(frame); }, 8000)
        };
        state.socket.send(JSON.stringify(frame));
      } else {
        postText(frame);
      }
    }).catch(function (err) { failed(clientId, err.message); });
  }

  function postText(frame) {
    var body = {clientId: frame.clientId, text: frame.text, name: frame.name, email: frame.email, choice: frame.choice};
    api('POST', 'messages', JSON.stringify(body), 'application/json')
      .then(function () { acked(frame.clientId); })
      .catch(function (err) {
        if (!tokenRefused(err)) { failed(frame.clientId, err.message); }
      });
  }

  function acked(clientId) {
    var p = state.pending[clientId];
    if (p) { clearTimeout(p.timer); delete state.pending[clientId]; }
    var entry = state.messages[clientId];
    if (entry) { setMark(entry, 'sent'); }
    showNotice('');
  }

  function failed(clientId, why) {
    var entry = state.messages[clientId];
    if (entry) {
      setMark(entry, 'failed');
      entry.el.onclick = function () {
        entry.el.onclick = null;
        if (entry.view.text) { sendText(entry.view.text, clientId, entry.view.choice); }
      };
    }
    showNotice(why || 'The message could not be sent.');
  }

  function sendFile(file) {
    var cfg = state.config || {};
    if (cfg.maxFileBytes && file.size > cfg.maxFileBytes) {
      showNotice('That file is too large (the limit is ' + Math.round(cfg.maxFileBytes / 1048576) + ' MB).');
      return;
    }
    if (cfg.allowedFileTypes && cfg.allowedFileTypes.indexOf(file.type) < 0) {
      showNotice('Files of that type cannot be sent.');
      return;
    }
    var clientId = newClientId();
    upsert({id: clientId, from: 'visitor', text: '\ud83d\udcce ' + file.name, files: []}, 'sending');
    ensureSession().then(function () {
      return api('POST', 'files?clientId=' + clientId + '&name=' + encodeURIComponent(file.name), file, file.type);
    }).then(function (sent) {
      acked(clientId);
      upsert({id: clientId, from: 'visitor', text: '', files: sent.files || []});
    }).catch(function (err) {
      if (!tokenRefused(err)) {
        var entry = state.messages[clientId];
        if (entry) { setMark(entry, 'failed'); }
        showNotice(err.message);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------- receipts
  var receiptQueue = {delivered: [], read: []};
  var receiptTimer = null;

  function receipt(kind, id) {
    if (!state.token || id.indexOf('out-') !== 0 || state.reported[kind][id]) { return; }
    state.reported[kind][id] = true;
    receiptQueue[kind].push(id);
    clearTimeout(receiptTimer);
    receiptTimer = setTimeout(flushReceipts, 300);
  }

  function flushReceipts() {
    var d = receiptQueue.delivered, r = receiptQueue.read;
    if (!d.length && !r.length) { return; }
    receiptQueue = {delivered: [], read: []};
    if (socketReady()) {
      if (d.length) { state.socket.send(JSON.stringify({type: 'delivered', ids: d})); }
      if (r.length) { state.socket.send(JSON.stringify({type: 'read', ids: r})); }
    } else if (state.token) {
      api('POST', 'receipts', JSON.stringify({delivered: d, read: r}), 'application/json').catch(function () {});
    }
  }

  function markAllRead() {
    if (!state.open || document.visibilityState !== 'visible') { return; }
    state.order.forEach(function (id) {
      var e = state.messages[id];
      if (e.view.from !== 'visitor') { receipt('read', id); }
    });
  }

  // ---------------------------------------------------------------------------------------------- events
  function setOpen(open) {
    state.open = open;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    host.classList.toggle('is-open', open);
    if (open) {
      state.unread = 0;
      badge.hidden = true;
      showPrechat();
      markAllRead();
      setTimeout(function () { input.focus(); }, 0);
    }
  }

  launcher.addEventListener('click', function () { setOpen(!state.open); });
  closeBtn.addEventListener('click', function () { setOpen(false); });
  document.addEventListener('visibilitychange', markAllRead);

  prechat.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = nameInput.value.trim().slice(0, 80);
    var email = emailInput.value.trim().slice(0, 254);
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      showNotice('Please check the email address.');
      return;
    }
    state.profile = {name: name || state.profile.name, email: email || state.profile.email, asked: true};
    save('profile', JSON.stringify(state.profile));
    showNotice(state.profile.email && !state.online ? 'Thanks, we will answer by email.' : '');
    if (state.token) {
      // Tell the server now (same conversation, renewed token).
      api('POST', 'session', sessionBody(state.profile), 'application/json')
        .then(function (s) { state.token = s.token; save('token', s.token); })
        .catch(function (err) { tokenRefused(err); });
    }
    showPrechat();
    input.focus();
  });

  composer.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    var max = (state.config && state.config.maxTextLength) || 4000;
    if (text.length > max) {
      showNotice('That message is too long (at most ' + max + ' characters).');
      return;
    }
    input.value = '';
    if (!state.profile.asked) {
      state.profile.asked = true;
      save('profile', JSON.stringify(state.profile));
      showPrechat();
    }
    sendText(text);
  });

  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      if (composer.requestSubmit) { composer.requestSubmit(); }
      else { composer.dispatchEvent(new Event('submit', {cancelable: true})); }
    }
  });

  input.addEventListener('input', function () {
    var now = Date.now();
    if (socketReady() && now - state.lastTypingSent > 2000) {
      state.lastTypingSent = now;
      state.socket.send('{"type":"typing"}');
    }
  });

  attach.addEventListener('click', function () { fileInput.click(); });
  fileInput.addEventListener('change', function () {
    var f = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (f) { sendFile(f); }
  });

  // ---------------------------------------------------------------------------------------------- start
  function start() {
    document.body.appendChild(host);
    applyLook({});
    api('GET', 'config').then(function (cfg) {
      state.config = cfg;
      applyLook(cfg);
      setOnline(cfg.open);
    }).catch(function () { showNotice('The chat is not available right now.'); });
    if (state.token) {
      renewIfOld();
      loadHistory().then(connect);
    }
    showPrechat();
  }

  window.OmnibridgeWebchat = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    transport: function () { return state.mode; }
  };

  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
