// Omnibridge operator console. Plain DOM code on purpose: every piece of data reaches the page as a text node
// (el() below never parses markup), so hostile text from customers or desks shows as text and cannot run.
'use strict';

(function () {
  const state = { csrf: null, view: null, conversation: null, contact: null, drawn: {}, erasure: null, rates: {},
    timer: null };
  const $ = (id) => document.getElementById(id);

  /** Creates an element; strings and numbers among the children become text nodes, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }

  // Bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) reorder what follows them and can
  // make a message or a name read as something else. The hub removes them from text it stores; this also covers text
  // stored before it did.
  const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

  function append(node, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c).replace(BIDI_CONTROLS, '')));
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
  }

  function status(text) {
    $('status').textContent = text || '';
  }

  class HttpError extends Error {
    constructor(statusCode, message) { super(message); this.status = statusCode; }
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = { 'Accept': 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.method && opts.method !== 'GET') headers['X-CSRF-Token'] = state.csrf || '';
    const res = await fetch(path, {
      method: opts.method || 'GET', headers, credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && !path.startsWith('/console/')) {
      showLogin('Your session has ended; log in again.');
    }
    if (!res.ok) {
      const err = new HttpError(res.status, (data && data.error) || ('HTTP ' + res.status));
      err.data = data;
      throw err;
    }
    return data;
  }

  // ---- login ----

  /** What the console says when single sign-on was refused (the hub redirects back with ?sso_error=<code>). */
  const SSO_ERRORS = {
    provider_refused: 'The sign-in provider refused the login.',
    provider_unavailable: 'The sign-in provider cannot be reached or is misconfigured; ask an admin to check the hub log.',
    state_invalid: 'This sign-in has expired or was already used. Start again.',
    issuer_mismatch: 'The answer came from another sign-in provider.',
    token_exchange_failed: 'The sign-in provider did not accept the login. Start again.',
    id_token_missing: 'The sign-in provider sent no identity.',
    id_token_expired: 'The identity from the sign-in provider has expired. Start again (and check the hub\'s clock).',
    id_token_issued_at: 'The identity from the sign-in provider has expired. Start again (and check the hub\'s clock).',
    id_token_nonce: 'The identity does not belong to this sign-in. Start again.',
    groups_overage: 'You are in too many groups for the provider to list them; ask an admin to use app roles.',
    no_role: 'Your account at the sign-in provider is in no group that has access here. Ask an admin.',
    no_email: 'The sign-in provider sent no email address.',
    email_taken: 'An account with this email already exists here; an admin has to link it.',
    account_disabled: 'This account is disabled.',
    last_admin: 'The provider\'s groups would remove the last admin here; make another admin first.',
    too_many: 'Too many failed sign-ins from here; wait a few minutes.'
  };

  function ssoError() {
    const code = new URLSearchParams(location.search).get('sso_error');
    if (!code) return '';
    history.replaceState(null, '', '/console/' + location.hash);
    return SSO_ERRORS[code] || (code.startsWith('id_token_')
      ? 'The identity from the sign-in provider is not valid.' : 'Single sign-on failed.');
  }

  /** The single sign-on link, when the hub has a provider configured. */
  function showSso(sso) {
    $('login-sso-row').hidden = !sso;
    if (sso) $('login-sso').textContent = 'Sign in with ' + sso.label;
  }

  function showLogin(message, tokenLogin) {
    stopTimer();
    state.csrf = null;
    state.principal = null;
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    if (tokenLogin !== undefined) $('login-token-field').hidden = !tokenLogin;
    ($('login-token-field').hidden ? $('login-email') : $('login-token')).focus();
  }

  // ---- accounts and access (issue 22): login, who is logged in, accounts, audit trail ----

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    const token = $('login-token-field').hidden ? '' : $('login-token').value;
    const byToken = token !== '' && $('login-email').value.trim() === '';
    try {
      const body = byToken ? { token } : { email: $('login-email').value.trim(), password: $('login-password').value };
      const data = await api('/console/login', { method: 'POST', body });
      $('login-token').value = '';
      $('login-password').value = '';
      state.csrf = data.csrf;
      state.principal = data.principal;
      showApp();
    } catch (e) {
      $('login-error').textContent = e.status === 401 && byToken ? 'Wrong admin token.'
        : e.status === 401 ? 'Wrong email or password.' : e.message;
    }
  }

  async function logout() {
    try { await api('/console/logout', { method: 'POST' }); } catch (e) { /* logged out either way */ }
    await loginPage('Logged out.');
  }

  /** The login page, with the admin token's field only while the hub has no account yet. */
  async function loginPage(message) {
    try {
      await api('/console/session');
      showLogin(message, false);
    } catch (e) {
      showSso(e.data && e.data.sso);
      showLogin(message, Boolean(e.data && e.data.tokenLogin));
    }
  }

  async function logoutEverywhere() {
    try {
      const r = await api('/api/me/sessions/end', { method: 'POST' });
      await loginPage('Logged out everywhere (' + r.ended + ' session' + (r.ended === 1 ? '' : 's') + ').');
    } catch (e) {
      status('Could not log out everywhere: ' + e.message);
    }
  }

  /** Shows who is logged in and hides what their role may not use (the hub refuses it anyway). */
  function applyPrincipal() {
    const p = state.principal || { name: 'admin', role: 'admin', kind: 'token' };
    $('whoami').textContent = p.name + ' (' + p.role + ')';
    $('logout-everywhere').hidden = p.kind !== 'account';
    // A person answers under their account's name; only the admin token's session names its author.
    document.querySelector('label.agent').hidden = p.kind === 'account';
    document.querySelectorAll('header nav a[data-role]').forEach((a) => {
      a.hidden = a.dataset.role === 'admin' && p.role !== 'admin';
    });
  }

  async function loadAccounts() {
    const data = await api('/api/accounts');
    const body = clear($('accounts-table').tBodies[0]);
    for (const a of data.accounts) {
      const locked = a.lockedUntil && Date.parse(a.lockedUntil) > Date.now();
      body.appendChild(el('tr', { 'data-account': a.id },
        el('td', {}, a.name), el('td', {}, a.email),
        el('td', {}, el('select', { 'aria-label': 'Role of ' + a.name, 'data-field': 'role',
          onchange: (e) => changeAccount(a.id, { role: e.target.value }) },
        ['viewer', 'agent', 'admin'].map((r) => el('option', { value: r, selected: r === a.role }, r)))),
        el('td', {}, a.disabled ? 'disabled' : locked ? 'locked until ' + when(a.lockedUntil) : 'active'),
        el('td', {}, a.sessions),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', 'data-action': 'toggle',
            onclick: () => changeAccount(a.id, { disabled: !a.disabled }) }, a.disabled ? 'Enable' : 'Disable'),
          el('button', { type: 'button', class: 'secondary', 'data-action': 'password',
            onclick: () => setAccountPassword(a) }, 'Set password'),
          el('button', { type: 'button', class: 'secondary', 'data-action': 'end-sessions',
            onclick: () => accountAction('DELETE', a.id + '/sessions', 'Sessions ended') }, 'Log out everywhere'),
          el('button', { type: 'button', class: 'danger', 'data-action': 'delete',
            onclick: () => { if (confirm('Delete the account of ' + a.name + '?')) accountAction('DELETE', a.id, 'Account deleted'); } },
          'Delete'))));
    }
  }

  async function createAccount(event) {
    event.preventDefault();
    $('accounts-error').textContent = '';
    try {
      await api('/api/accounts', { method: 'POST', body: { name: $('account-name').value.trim(),
        email: $('account-email').value.trim(), role: $('account-role').value, password: $('account-password').value } });
      $('account-form').reset();
      status('Account created');
      await loadAccounts();
    } catch (e) {
      $('accounts-error').textContent = e.message;
    }
  }

  async function changeAccount(id, change) {
    await accountAction('PATCH', id, 'Account changed', change);
  }

  async function setAccountPassword(a) {
    const password = prompt('New password for ' + a.name + ' (at least 10 characters)');
    if (password) await accountAction('POST', a.id + '/password', 'Password set', { password });
  }

  async function accountAction(method, path, done, body) {
    $('accounts-error').textContent = '';
    try {
      await api('/api/accounts/' + path, { method, body });
      status(done);
    } catch (e) {
      $('accounts-error').textContent = e.message;
    }
    await loadAccounts();
  }

  function auditQuery() {
    const p = new URLSearchParams();
    if ($('audit-actor').value) p.set('actor', $('audit-actor').value);
    if ($('audit-action').value.trim()) p.set('action', $('audit-action').value.trim());
    if ($('audit-from').value) p.set('from', new Date($('audit-from').value).toISOString());
    if ($('audit-to').value) p.set('to', new Date($('audit-to').value).toISOString());
    return p;
  }

  async function loadAudit() {
    const actors = await api('/api/accounts').catch(() => ({ accounts: [] }));
    const names = {};
    actors.accounts.forEach((a) => { names[a.id] = a.name; });
    const select = $('audit-actor');
    if (select.options.length !== actors.accounts.length + 2) {
      const chosen = select.value;
      clear(select).appendChild(el('option', { value: '' }, 'Anyone'));
      select.appendChild(el('option', { value: 'admin-token' }, 'admin token'));
      actors.accounts.forEach((a) => select.appendChild(el('option', { value: a.id }, a.name)));
      select.value = chosen;
    }
    const q = auditQuery();
    const p = new URLSearchParams(q);
    p.set('format', 'jsonl');
    $('audit-export').setAttribute('href', '/api/audit?' + p.toString());
    q.set('limit', '200');
    const data = await api('/api/audit?' + q.toString());
    const body = clear($('audit-table').tBodies[0]);
    for (const e of data.entries) {
      body.appendChild(el('tr', { 'data-audit': e.id }, el('td', {}, when(e.at)),
        el('td', { title: e.actor }, names[e.actor] || e.actor), el('td', {}, e.action), el('td', {}, e.subject || ''),
        el('td', {}, e.detail || '')));
    }
    if (!data.entries.length) body.appendChild(el('tr', {}, el('td', { colspan: 5, class: 'hint' }, 'Nothing matches.')));
  }

  // ---- cluster (issue 25) ----

  const LEASE_KINDS = { shard: 'Shares of the deliveries', poll: 'Pollers', timer: 'Timers' };

  /** The nodes sharing the store (alive or stale) and every lease by kind, with its holder and time left. */
  async function loadCluster() {
    const data = await api('/api/cluster');
    const now = Date.parse(data.now) || Date.now();
    const alive = data.nodes.filter((n) => n.alive).length;
    $('cluster-summary').textContent = (data.enabled ? 'Cluster mode: ' + alive + ' of ' + data.nodes.length
      + ' nodes alive.' : 'This hub runs on its own (hub.cluster.enabled is off).') + ' This page is served by node '
      + data.nodeId + '.';
    const body = clear($('cluster-nodes').tBodies[0]);
    for (const n of data.nodes) {
      const stateText = n.stopping ? 'stopping' : n.alive ? 'alive' : 'stale';
      body.appendChild(el('tr', { 'data-node': n.nodeId },
        el('td', {}, n.nodeId + (n.self ? ' (this node)' : '')),
        el('td', { class: 'state node-' + stateText }, stateText),
        el('td', {}, when(n.startedAt)),
        el('td', {}, when(n.heartbeatAt)),
        el('td', {}, n.advertisedUrl || ''),
        el('td', {}, n.version || ''),
        el('td', { class: 'node-health' }, healthSummary(n.health))));
    }
    const groups = {};
    for (const l of data.leases) (groups[l.kind] = groups[l.kind] || []).push(l);
    const box = clear($('cluster-leases'));
    const kinds = Object.keys(groups).sort((a, b) => (LEASE_KINDS[a] ? 0 : 1) - (LEASE_KINDS[b] ? 0 : 1)
      || a.localeCompare(b));
    for (const kind of kinds) {
      const rows = groups[kind].map((l) => el('tr', { 'data-lease': l.name },
        el('td', {}, l.name), el('td', {}, l.holder || 'nobody'), el('td', {}, timeLeft(l, now))));
      box.appendChild(el('section', { class: 'lease-group', 'data-kind': kind },
        el('h4', {}, (LEASE_KINDS[kind] || kind) + ' (' + rows.length + ')'),
        el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Lease'),
          el('th', { scope: 'col' }, 'Holder'), el('th', { scope: 'col' }, 'Time left'))), el('tbody', {}, rows))));
    }
    if (!kinds.length) box.appendChild(el('p', { class: 'hint' }, 'No leases.'));
  }

  /** A lease's time left by the server's clock ("held" for a single node's leases, which never expire). */
  function timeLeft(lease, now) {
    if (!lease.holder) return 'free';
    if (!lease.expiresAt) return 'held';
    const ms = Date.parse(lease.expiresAt) - now;
    return ms <= 0 ? 'expired' : (ms / 1000).toFixed(1) + ' s';
  }

  /** A node's reported health in a few words: its status and its other plain figures. */
  function healthSummary(h) {
    if (!h) return '';
    if (typeof h !== 'object') return String(h);
    const parts = [];
    if (h.status) parts.push(String(h.status));
    for (const [k, v] of Object.entries(h)) {
      if (k !== 'status' && (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string')) {
        parts.push(k + ' ' + v);
      }
    }
    return parts.slice(0, 6).join(' · ');
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    applyPrincipal();
    route();
  }

  // ---- views ----

  const views = { 'instances': loadInstances, 'conversations': loadConversations, 'contacts': loadContacts,
    'dead-letters': loadDeadLetters, 'charts': loadCharts, 'analytics': loadAnalytics, 'knowledge': loadKnowledge,
    'accounts': loadAccounts, 'audit': loadAudit, 'cluster': loadCluster };
  // Views whose figures change slowly refresh less often (each analytics refresh is six queries).
  const REFRESH_MS = { analytics: 60000, knowledge: 30000, accounts: 30000, audit: 30000 };
  // Views that put the keyboard on their heading when opened, so a screen reader starts there.
  const FOCUS_ON_OPEN = { analytics: 'analytics-title', knowledge: 'knowledge-title' };

  function route() {
    // "#contacts/<id>" and "#/contacts/<id>" (the form the hub's desk notes link to) are the same place.
    const full = location.hash.replace(/^#\/?/, '');
    // The conversation list keeps its filters in a query part (#conversations/<id>?status=OPEN).
    const [hash, query] = full.split('?');
    const [name, arg] = hash.split('/');
    if (name === 'conversations') state.conversationQuery = query || '';
    const view = views[name] ? name : 'instances';
    const opened = state.view !== view;
    state.view = view;
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + view; });
    document.querySelectorAll('header nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
    if (view === 'conversations') state.conversation = arg ? decodeURIComponent(arg) : null;
    if (view === 'contacts') state.contact = arg ? decodeURIComponent(arg) : state.contact;
    if (view === 'analytics') state.analyticsArg = arg || '';
    if (opened && FOCUS_ON_OPEN[view] && document.activeElement && document.activeElement.closest('header nav')) {
      $(FOCUS_ON_OPEN[view]).focus();
    }
    refresh();
    stopTimer();
    // An open conversation refreshes faster, so a live chat's messages and typing show up promptly.
    state.timer = setInterval(refresh, REFRESH_MS[view] || (view === 'conversations' && state.conversation ? 2000 : 4000));
  }

  function stopTimer() {
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
  }

  async function refresh() {
    if ($('app').hidden) return;
    try {
      await views[state.view]();
      status('Updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      status('Could not load: ' + e.message);
    }
  }

  // ---- instances ----

  async function loadInstances() {
    const data = await api('/api/instances');
    const body = clear($('instances-table').tBodies[0]);
    const now = Date.now();
    for (const [id, i] of Object.entries(data.instances)) {
      body.appendChild(el('tr', { 'data-instance': id },
        el('td', {}, id),
        el('td', {}, i.type),
        el('td', { class: 'state state-' + i.state }, i.state),
        el('td', { class: 'last-error', title: i.lastErrorAt ? 'last problem ' + when(i.lastErrorAt) : '' },
          i.lastError || (i.lastErrorAt ? 'recovered (last problem ' + when(i.lastErrorAt) + ')' : '')),
        el('td', {}, i.messagesIn),
        el('td', {}, i.messagesOut),
        el('td', {}, throughput(id, i, now)),
        el('td', {}, when(i.lastMessageAt)),
        el('td', { class: 'capabilities', title: fileTypes(i.capabilities) }, carries(i.capabilities)),
        el('td', { class: 'actions' },
          el('button', { type: 'button', 'data-action': 'start', disabled: i.state === 'RUNNING',
            onclick: () => control(id, 'start') }, 'Start'),
          el('button', { type: 'button', 'data-action': 'stop', class: 'secondary', disabled: i.state === 'STOPPED',
            onclick: () => control(id, 'stop') }, 'Stop'),
          el('button', { type: 'button', 'data-action': 'restart', class: 'secondary',
            onclick: () => control(id, 'restart') }, 'Restart'))));
    }
  }

  const TEXT_UNITS = { CODE_POINTS: 'characters', UTF16_UNITS: 'characters', UTF8_BYTES: 'bytes',
    SMS_CHARACTERS: 'SMS characters' };
  const EXTRAS = { templates: 'templates', edits: 'edits', typing: 'typing', readReceipts: 'read receipts' };

  /**
   * What a running channel carries (its capabilities in /api/instances), in a few words: the hub splits longer text,
   * numbers options beyond the buttons and sends other files as links. Empty for desks and stopped channels.
   */
  function carries(c) {
    if (!c) return '';
    const parts = [c.text.maxLength ? c.text.maxLength + ' ' + TEXT_UNITS[c.text.unit] + ' a message'
      : 'text of any length'];
    if (c.buttons.max) parts.push(c.buttons.max + ' buttons');
    if (c.media.types.length) {
      const types = c.media.types.map(t => t.type);
      parts.push(types.includes('*/*') ? 'any file'
        : types.length <= 3 ? 'files: ' + types.join(', ') : types.length + ' file types');
    }
    if (c.richText !== 'PLAIN') parts.push(c.richText === 'HTML' ? 'HTML' : 'Markdown');
    for (const [k, label] of Object.entries(EXTRAS)) if (c[k]) parts.push(label);
    return parts.join(' · ');
  }

  /** The file types a channel takes, for the Carries cell's tooltip. */
  function fileTypes(c) {
    return c ? c.media.types.map(t => t.type).join(', ') : '';
  }

  /** Messages per minute since the previous refresh, from the counters /api/instances reports. */
  function throughput(id, i, now) {
    const total = i.messagesIn + i.messagesOut;
    const prev = state.rates[id];
    state.rates[id] = { total, at: now };
    if (!prev || now - prev.at < 1000) return '';
    const perMinute = (total - prev.total) * 60000 / (now - prev.at);
    return perMinute.toFixed(1) + '/min';
  }

  async function control(id, action) {
    status(action + ' ' + id + '…');
    try {
      await api('/api/instances/' + encodeURIComponent(id) + '/' + action, { method: 'POST' });
      await loadInstances();
      status(id + ': ' + action + ' done');
    } catch (e) {
      status(id + ': ' + action + ' failed: ' + e.message);
    }
  }

  // ---- conversations ----
  // The list's filters live in the page address (#conversations/<id>?status=OPEN&assignee=me...), so a view can be
  // bookmarked and shared; the search text never does (it may be a customer's name or address).

  const FILTERS = ['status', 'assignee', 'channel', 'priority', 'sort'];
  const PAGE = 50;

  function conversationFilters() {
    const f = {};
    for (const k of FILTERS) {
      const v = $('filter-' + k).value;
      if (v && !(k === 'sort' && v === 'newest')) f[k] = v;
    }
    return f;
  }

  function filterQuery(f) {
    const q = new URLSearchParams(f).toString();
    return q ? '?' + q : '';
  }

  /** Sets the filter fields from the page address (route() keeps its query part in state.conversationQuery). */
  function syncConversationFilters() {
    const q = new URLSearchParams(state.conversationQuery || '');
    for (const k of FILTERS) {
      const select = $('filter-' + k);
      const v = q.get(k) || (k === 'sort' ? 'newest' : '');
      if (k === 'channel' && v && !Array.from(select.options).some((o) => o.value === v)) {
        select.appendChild(el('option', { value: v }, v));
      }
      select.value = v;
    }
  }

  function applyConversationFilters() {
    state.conversationPages = 1;
    const id = state.conversation ? '/' + encodeURIComponent(state.conversation) : '';
    location.hash = '#conversations' + id + filterQuery(conversationFilters());
  }

  async function loadConversations() {
    syncConversationFilters();
    const kinds = await instanceKinds();
    fillSelect($('filter-channel'), kinds.channels, $('filter-channel').value);
    const q = $('search').value.trim();
    const f = conversationFilters();
    const params = new URLSearchParams(Object.assign({ limit: PAGE * (state.conversationPages || 1) }, f));
    if (q) params.set('q', q);
    const data = await api('/api/conversations?' + params.toString());
    // Redrawn only when something changed, so the refresh never takes the keyboard focus away from a link.
    const key = JSON.stringify([data.conversations, state.conversation, data.nextOffset, f]);
    if (state.drawn.conversationList !== key) {
      state.drawn.conversationList = key;
      drawConversationList(data.conversations);
      $('conversation-more').hidden = data.nextOffset == null;
    }
    $('view-conversations').querySelector('.split').classList.toggle('has-detail', !!state.conversation);
    if (state.conversation) {
      await loadConversation(state.conversation);
    } else if ($('conversation-detail').dataset.conversation) {
      const detail = clear($('conversation-detail'));
      delete detail.dataset.conversation;
      detail.appendChild(el('p', { class: 'hint' }, 'Pick a conversation.'));
    }
  }

  function drawConversationList(conversations) {
    const list = clear($('conversation-list'));
    const query = filterQuery(conversationFilters());
    for (const c of conversations) {
      const address = c.customer ? c.customer.value : '';
      // A link, so that the keyboard reaches it too (Tab, Enter); the URL carries the conversation's id only.
      const selected = c.id === state.conversation;
      list.appendChild(el('li', { 'data-conversation': c.id, 'data-reference': c.reference, 'data-status': c.status,
        'data-assignee': c.assignee || '', class: selected ? 'selected' : null },
        el('a', { href: conversationHref(c.id) + query, 'aria-current': selected ? 'page' : null },
          el('div', { class: 'who' }, el('span', { class: 'reference' }, c.reference || ''), ' ',
            c.contactName || address || c.threadKey, timerBadge(c.firstResponse)),
          el('div', { class: 'meta' }, address, ' · ', c.channel.instanceId, ' · ', c.status.toLowerCase(),
            c.priority && c.priority !== 'NORMAL' ? el('span', { class: 'badge priority priority-' + c.priority }, c.priority) : null,
            ' · ', c.assigneeName ? el('span', { class: 'assignee' }, '→ ' + c.assigneeName) : 'unassigned',
            ' · ', when(c.lastMessageAt)))));
    }
    if (conversations.length === 0) list.appendChild(el('li', { class: 'hint' }, 'No conversations.'));
  }

  async function loadConversation(id) {
    const [conv, msgs] = await Promise.all([
      api('/api/conversations/' + encodeURIComponent(id)),
      api('/api/messages?limit=1000&conversationId=' + encodeURIComponent(id))]);
    // Only the conversation part is redrawn on refresh; the answer box stays, so a draft and focus survive.
    const detail = $('conversation-detail');
    if (detail.dataset.conversation !== id) {
      clear(detail);
      detail.dataset.conversation = id;
      detail.appendChild(el('p', { class: 'back' }, el('a', { href: '#conversations' + filterQuery(conversationFilters()),
        id: 'conversation-back' }, '← All conversations')));
      detail.appendChild(el('div', { id: 'conversation-actions', class: 'conversation-actions' }));
      detail.appendChild(el('div', { id: 'conversation-body' }));
      if ((conv.inboxes || []).length) detail.appendChild(answerBox(conv));
      detail.appendChild(el('aside', { id: 'other-conversations', 'aria-labelledby': 'other-conversations-title' }));
    }
    drawConversationActions(conv);
    drawOtherConversations(conv.otherConversations || []);
    const resolved = conv.status === 'RESOLVED';
    const resolveButton = $('resolve');
    if (resolveButton) resolveButton.disabled = resolved;
    // Resolved: read-only until an agent reopens it (or the customer writes again, which reopens it).
    const form = $('answer-form');
    if (form) {
      form.classList.toggle('read-only', resolved);
      ['answer-text', 'answer-send', 'note-send', 'snippet-pick'].forEach((n) => { if ($(n)) $(n).disabled = resolved; });
      $('read-only-hint').hidden = !resolved;
    }
    const body = clear($('conversation-body'));
    const contact = conv.contact || {};
    body.appendChild(el('h2', { class: 'contact-name' }, el('span', { id: 'conversation-reference', class: 'reference' },
      conv.reference || ''), ' ', contact.displayName || (conv.customer || {}).value || ''));
    if (conv.contactId) {
      body.appendChild(el('p', { class: 'meta' }, el('a', { id: 'conversation-contact', href: contactHref(conv.contactId) },
        'Contact page: every channel of this customer')));
    }
    body.appendChild(el('p', { class: 'meta' },
      (contact.addresses || []).map((a) => a.kind + ' ' + a.value).join(', '),
      ' · channel ', conv.channel.instanceId, ' (', conv.channel.type, ') · ', el('span', { id: 'conversation-status' }, conv.status),
      ' · ', el('span', { id: 'conversation-assignee' }, conv.assigneeName ? 'assigned to ' + conv.assigneeName : 'unassigned')));
    if (conv.customerUnreachable) {
      body.appendChild(el('p', { class: 'error', id: 'customer-unreachable' }, 'Customer takes no messages: ',
        conv.customerUnreachable, ' ',
        el('button', { type: 'button', id: 'customer-reachable', class: 'secondary',
          title: 'Hand replies to the channel again; it marks the address again if it still cannot deliver',
          onclick: () => markReachable(conv.id) }, 'Allow messages again')));
    }
    const tickets = Object.entries(conv.deskTickets || {});
    const links = conv.ticketLinks || {};
    body.appendChild(el('p', { class: 'tickets' }, 'Desk tickets: ',
      tickets.length ? tickets.map(([desk, ref]) => el('span', { class: 'ticket', 'data-desk': desk }, desk, ': ',
        links[desk] ? el('a', { href: links[desk], target: '_blank', rel: 'noopener noreferrer' }, ref) : ref, ' '))
        : 'none yet'));
    if (conv.firstResponse) body.appendChild(timerSummary(conv.firstResponse));
    const timeline = el('ol', { class: 'timeline' });
    // What the hub's automation did not do for a message (e.g. no acknowledgement), shown under that message.
    const automation = {};
    const skipped = [];
    for (const a of msgs.automation || []) {
      // Input the channel did not store (an auto-reply, a bounce) has no message: it goes between them, by time.
      if (a.kind === 'SKIPPED_INBOUND') skipped.push(a);
      else (automation[a.messageId] = automation[a.messageId] || []).push(a);
    }
    // The timers' entries (warned, breached, answered) go between the messages, by time.
    // At the same instant the timer's entry comes first: the note it sent follows it.
    const entries = ((conv.firstResponse || {}).events || []).map((e) => ({ at: Date.parse(e.at), node: timerEvent(e) }))
      .concat(msgs.messages.map((view) => ({ at: Date.parse(view.message.receivedAt),
        node: messageItem(view, automation[view.message.id] || []) })))
      .concat(skipped.map((a) => ({ at: Date.parse(a.at), node: skippedItem(a) })))
      .concat((conv.events || []).map((e) => ({ at: Date.parse(e.at), node: conversationEvent(e) })));
    entries.sort((a, b) => (a.at || 0) - (b.at || 0));
    for (const entry of entries) timeline.appendChild(entry.node);
    body.appendChild(timeline);
    if (conv.customerTypingAt) body.appendChild(el('p', { class: 'hint', id: 'customer-typing' }, 'Customer is typing…'));
  }

  const EVENT_TEXT = {
    RESOLVED: 'Resolved', OPEN: 'Reopened', ASSIGNED: 'Assigned to', UNASSIGNED: 'Unassigned',
    REOPENED_BY_CUSTOMER: 'Reopened: the customer wrote to the resolved conversation'
  };

  function conversationEvent(e) {
    return el('li', { class: 'event', 'data-event': e.kind },
      EVENT_TEXT[e.kind] || e.kind, e.detail && e.kind === 'ASSIGNED' ? ' ' + e.detail : '',
      e.actor ? ' · by ' + e.actor : '', ' · ', when(e.at));
  }

  /** Assignment and reopening; redrawn on refresh only when they change, so the focus stays on a button. */
  function drawConversationActions(conv) {
    const box = $('conversation-actions');
    const key = JSON.stringify([conv.id, conv.assignee, conv.status, (conv.inboxes || []).length]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : null;
    clear(box);
    box.appendChild(el('button', { type: 'button', id: 'assign-me', class: 'secondary', 'aria-keyshortcuts': 'Alt+A',
      onclick: () => assign(conv.id, 'me') }, 'Assign to me'));
    if (conv.assignee) {
      box.appendChild(el('button', { type: 'button', id: 'unassign', class: 'secondary',
        onclick: () => assign(conv.id, null) }, 'Unassign'));
    }
    if (conv.status === 'RESOLVED' && (conv.inboxes || []).length) {
      box.appendChild(el('button', { type: 'button', id: 'reopen', onclick: () => reopen(conv.id) }, 'Reopen'));
    }
    if (focused && $(focused)) $(focused).focus();
  }

  function drawOtherConversations(others) {
    const aside = $('other-conversations');
    const key = JSON.stringify(others);
    if (aside.dataset.key === key) return;
    aside.dataset.key = key;
    clear(aside);
    aside.appendChild(el('h3', { id: 'other-conversations-title' }, 'Other conversations of this customer'));
    if (!others.length) {
      aside.appendChild(el('p', { class: 'hint' }, 'None.'));
      return;
    }
    aside.appendChild(el('ul', { class: 'plain' }, others.map((o) => el('li', { 'data-conversation': o.id },
      el('a', { href: conversationHref(o.id) + filterQuery(conversationFilters()) }, o.reference),
      ' · ', o.channel, ' · ', o.status.toLowerCase(), ' · ', when(o.lastMessageAt)))));
  }

  /** The answer box's canned replies, filled in for its conversation and the agent. */
  function fillSnippetMenu(select) {
    if (!select) return;
    api('/api/conversations/' + encodeURIComponent(select.dataset.conversation) + '/snippets').then((data) => {
      state.snippets = data.snippets || [];
      while (select.options.length > 1) select.remove(1);
      for (const s of state.snippets) select.appendChild(el('option', { value: String(s.id) }, s.name));
      select.hidden = !state.snippets.length;
    }).catch(() => { select.hidden = true; });
  }

  // Canned replies: every agent sees them; saving and deleting are for admins (the API answers 403 otherwise).
  async function loadSnippetAdmin() {
    const data = await api('/api/snippets');
    const key = JSON.stringify(data.snippets);
    const list = $('snippet-list');
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    clear(list);
    for (const s of data.snippets) {
      list.appendChild(el('li', { 'data-snippet': s.id }, el('strong', {}, s.name), ' ', el('span', { class: 'meta' }, s.body), ' ',
        el('button', { type: 'button', class: 'secondary', 'aria-label': 'Delete canned reply ' + s.name,
          onclick: () => deleteSnippet(s.id) }, 'Delete')));
    }
    if (!data.snippets.length) list.appendChild(el('li', { class: 'hint' }, 'No canned replies yet.'));
  }

  async function saveSnippet(event) {
    event.preventDefault();
    try {
      await api('/api/snippets', { method: 'POST', body: { name: $('snippet-name').value.trim(), body: $('snippet-body').value } });
      $('snippet-name').value = '';
      $('snippet-body').value = '';
      $('snippet-error').textContent = '';
      status('Canned reply saved');
      await loadSnippetAdmin();
      fillSnippetMenu($('snippet-pick'));
    } catch (e) {
      $('snippet-error').textContent = 'Not saved: ' + e.message;
    }
  }

  async function deleteSnippet(id) {
    try {
      await api('/api/snippets/' + encodeURIComponent(id), { method: 'DELETE' });
      status('Canned reply deleted');
      await loadSnippetAdmin();
      fillSnippetMenu($('snippet-pick'));
    } catch (e) {
      status('Not deleted: ' + e.message);
    }
  }

  async function assign(id, to) {
    try {
      await api('/api/conversations/' + encodeURIComponent(id) + '/assign', { method: 'POST', body: { to } });
      status(to ? 'Assigned to you' : 'Unassigned');
      state.drawn.conversationList = null;
      await loadConversations();
    } catch (e) {
      status('Assignment failed: ' + e.message);
    }
  }

  async function reopen(id) {
    try {
      await api('/api/conversations/' + encodeURIComponent(id) + '/reopen', { method: 'POST', body: {} });
      status('Reopened');
      await loadConversation(id);
      if ($('answer-text')) $('answer-text').focus();
    } catch (e) {
      status('Reopen failed: ' + e.message);
    }
  }

  // ---- first-response timers ----

  function timerBadge(timer) {
    if (!timer) return null;
    if (timer.state === 'BREACHED') return el('span', { class: 'badge breached', title: 'First-response target passed unanswered' }, ' overdue');
    if (timer.state === 'WARNED') return el('span', { class: 'badge warned', title: 'First-response target passes at ' + when(timer.dueAt) }, ' due soon');
    if ((timer.tags || []).includes('sla-breached')) return el('span', { class: 'badge tag' }, ' sla-breached');
    return null;
  }

  function timerSummary(t) {
    const states = {
      RUNNING: 'waiting for the first answer since ' + when(t.startedAt) + ', due ' + when(t.dueAt),
      WARNED: 'waiting since ' + when(t.startedAt) + ', due soon: ' + when(t.dueAt) + ' (warned ' + when(t.warnedAt) + ')',
      BREACHED: 'overdue: waiting since ' + when(t.startedAt) + ', target passed ' + when(t.breachedAt),
      ANSWERED: 'answered ' + when(t.answeredAt),
      CLOSED: 'no clock running'
    };
    return el('p', { class: 'first-response state-' + t.state, id: 'first-response' }, 'First response (', t.priority, '): ',
      states[t.state] || t.state, (t.tags || []).map((tag) => el('span', { class: 'badge tag' }, ' ', tag)));
  }

  function timerEvent(e) {
    const target = e.targetSeconds != null ? ' (target ' + duration(e.targetSeconds) + ')' : '';
    const waited = e.waitedSeconds != null ? duration(e.waitedSeconds) + ' of business time' : '';
    const text = {
      WARNED: 'First-response warning: the customer has waited ' + waited + target,
      BREACHED: 'First-response target passed unanswered after ' + waited + target + '; tagged sla-breached, priority raised to ' + e.raisedTo,
      ANSWERED: 'First response after ' + waited + target,
      CLOSED: 'First-response clock closed without an answer (resolved)'
    }[e.kind] || e.kind;
    return el('li', { class: 'automation ' + e.kind.toLowerCase(), 'data-timer-event': e.kind },
      el('div', { class: 'meta' }, 'Automation · ', e.priority, ' · ', when(e.at)), el('div', { class: 'text' }, text));
  }

  function skippedItem(a) {
    return el('li', { class: 'automation skipped-inbound', 'data-automation': a.kind },
      el('div', { class: 'meta' }, 'Automation · ', when(a.at)),
      el('div', { class: 'text' }, 'Received for this conversation, ', a.detail));
  }

  // The hub's own lines (issue 21) by their tags: the bot's answers, survey questions, and the rating notes it wrote
  // to the desks (Satisfaction: tags csat/csat-N or nps/nps-N, the rating also in the metadata).
  const SURVEY_RATING = 'omnibridge.survey.rating', SURVEY_KIND = 'omnibridge.survey.kind',
    SURVEY_COMMENT = 'omnibridge.survey.comment';

  function hubLine(m) {
    const tags = m.tags || [];
    const md = m.metadata || {};
    if (m.direction === 'OUTBOUND' && tags.includes('auto-answer')) return { kind: 'auto-answer', label: 'Automatic answer' };
    if (m.direction === 'OUTBOUND' && tags.includes('survey')) return { kind: 'survey', label: 'Survey' };
    if (m.direction === 'INTERNAL') {
      const tagged = tags.map((t) => /^(csat|nps)-(\d+)$/.exec(t)).find((x) => x);
      const kind = md[SURVEY_KIND] || (tagged ? tagged[1] : tags.includes('nps') ? 'nps' : tags.includes('csat') ? 'csat' : null);
      const rating = md[SURVEY_RATING] || (tagged ? tagged[2] : null);
      if (kind && rating != null) {
        const label = (kind === 'nps' ? 'NPS rating ' + rating + '/10' : 'Rating ' + rating + '/5')
          + (md[SURVEY_COMMENT] ? ' with comment' : '');
        return { kind: 'rating', label, rating };
      }
      if (kind) return { kind: 'rating', label: md[SURVEY_COMMENT] ? 'Rating comment' : 'Survey answer' };
      if (tags.includes('kb-suggestion')) return { kind: 'kb-suggestion', label: 'Suggested answer (knowledge base)' };
      if (tags.includes('auto-answer')) return { kind: 'auto-answer', label: 'Automatic answer (note)' };
    }
    return null;
  }

  /** The options a message offered (omnibridge.choices) or the one a customer picked (omnibridge.choice). */
  function choiceDetails(m) {
    const md = m.metadata || {};
    if (md['omnibridge.choice']) {
      return el('div', { class: 'meta choice', 'data-choice': md['omnibridge.choice'] }, 'Picked option: ', md['omnibridge.choice']);
    }
    if (!md['omnibridge.choices']) return null;
    let offered = [];
    try { offered = JSON.parse(md['omnibridge.choices']); } catch (e) { return null; }
    if (!Array.isArray(offered) || !offered.length) return null;
    return el('div', { class: 'meta choices' }, 'Options offered: ',
      offered.map((c) => el('span', { class: 'badge option', 'data-choice': c.id }, c.title || c.id)));
  }

  function messageItem(view, automation) {
    const m = view.message;
    const autoAck = m.direction === 'OUTBOUND' && (m.tags || []).includes('auto-ack');
    const line = hubLine(m);
    const kind = (m.direction || '').toLowerCase() + (autoAck ? ' auto-ack' : '') + (line ? ' hub-line ' + line.kind : '');
    const author = m.author || {};
    const label = line ? line.label : m.direction === 'INTERNAL' ? 'Internal note' : autoAck ? 'Automatic acknowledgement'
      : m.direction === 'OUTBOUND' ? 'Reply' : 'Customer';
    return el('li', { class: 'msg ' + kind, 'data-message-id': m.id, 'data-line': line ? line.kind : null,
      'data-rating': line && line.rating != null ? line.rating : null },
      el('div', { class: 'meta' }, line ? el('span', { class: 'badge line-label' }, label) : label, ' · ',
        author.displayName || author.role || '', ' · ', when(m.receivedAt)),
      m.subject ? el('div', { class: 'subject' }, m.subject) : null,
      el('div', { class: 'text' }, m.text || ''),
      choiceDetails(m),
      m.direction === 'INBOUND' ? triageDetails(m) : null,
      channelDetails(m.metadata),
      (m.attachments || []).length ? el('div', { class: 'meta attachments' }, 'Attachments: ',
        m.attachments.map(attachmentLink)) : null,
      el('ul', { class: 'deliveries' }, (view.deliveries || []).map(deliveryItem)),
      automation.length ? el('ul', { class: 'automation' }, automation.map(automationItem)) : null);
  }

  function automationItem(a) {
    const what = a.kind === 'ACK_NOT_SENT' ? 'No automatic acknowledgement: ' : a.kind + ': ';
    return el('li', { 'data-automation': a.kind }, what, a.detail, ' · ', when(a.at));
  }

  // What triage decided for a customer message, from the record it keeps in the message's metadata (TriageRecord):
  // the language the hub detected (with the detector's confidence) or the channel gave, the classification rules that
  // fired, the routes that chose its desks; and the priority and tags they set.
  function triageDetails(m) {
    const md = m.metadata || {};
    const parts = [];
    const detected = md['omnibridge.triage.language'];
    if (detected) {
      const [language, confidence] = detected.split(' ');
      parts.push(el('span', { class: 'triage-language', title: 'detected by the hub, confidence ' + confidence +
        (language === 'unknown' ? ' (below the threshold: no language set)' : '') },
        'language ', language, confidence ? ' (' + confidence + ')' : ''));
    } else if (m.language) {
      parts.push(el('span', { class: 'triage-language', title: 'given by the channel' }, 'language ', m.language));
    }
    const list = (key) => (md[key] || '').split(',').map((s) => s.trim()).filter((s) => s);
    const rules = list('omnibridge.triage.rules');
    if (rules.length) parts.push(el('span', { class: 'triage-rules', title: 'classification rules that fired, in order' },
      rules.length > 1 ? 'rules ' : 'rule ', rules.join(', ')));
    const routes = list('omnibridge.route');
    if (routes.length) parts.push(el('span', { class: 'triage-route', title: 'routes that chose the desks' },
      routes.length > 1 ? 'routes ' : 'route ', routes.join(', ')));
    const priority = m.priority && m.priority !== 'NORMAL'
      ? el('span', { class: 'badge priority priority-' + m.priority, title: 'priority' }, m.priority) : null;
    // The lang:xx tag repeats the language.
    const tags = (m.tags || []).filter((t) => !t.startsWith('lang:')).sort()
      .map((t) => el('span', { class: 'badge tag', 'data-tag': t }, t));
    if (!parts.length && !priority && !tags.length) return null;
    const separated = parts.flatMap((p, i) => (i ? [' · ', p] : [p]));
    return el('div', { class: 'meta triage', 'data-triage': '' }, parts.length ? 'Triage: ' : '', separated, priority, tags);
  }

  // What the channel knows beyond the text (e.g. the email a chat visitor left, unverified); the hub's own
  // bookkeeping keys are left out.
  function channelDetails(metadata) {
    const entries = Object.entries(metadata || {}).filter(([k]) => !k.startsWith('omnibridge.') && !k.startsWith('desk.'));
    return entries.length ? el('div', { class: 'meta details' }, entries.map(([k, v]) => k + ': ' + v).join(' · ')) : null;
  }

  // Stored files open through the admin API, which always serves them as downloads (never rendered inline).
  function attachmentLink(a) {
    const name = a.fileName || a.mediaType;
    const stored = /^[0-9a-f]{64}$/.test(a.sha256 || '');
    return stored ? el('a', { class: 'attachment', href: '/api/attachments/' + a.sha256, download: name }, name, ' ')
      : el('span', { class: 'attachment' }, name, ' ');
  }

  // SENT_BY_DESK: the desk emailed this reply to the customer itself, so the hub did not send it again.
  function deliveryStatus(status) {
    return status === 'SENT_BY_DESK' ? 'sent by the desk (not sent again)' : status;
  }

  function deliveryItem(d) {
    return el('li', { 'data-delivery': d.id },
      '→ ', d.target, ' (', d.kind.toLowerCase(), '): ', deliveryStatus(d.status),
      d.channelStatus ? ' / ' + d.channelStatus : '',
      d.resultRef ? ' · ref ' + d.resultRef : '',
      d.attempts > 1 ? ' · ' + d.attempts + ' attempts' : '',
      d.lastError ? ' · ' + d.lastError : '',
      d.channelError ? ' · ' + d.channelError : '');
  }

  /**
   * The answer box: a public answer or an internal note (agents only, goes to the desks), a canned reply to start
   * from, Ctrl/Cmd+Enter to send. Built once per conversation, so a draft survives the refresh.
   */
  function answerBox(conv) {
    const text = el('textarea', { id: 'answer-text', 'data-conversation': conv.id, maxlength: 20000,
      'aria-keyshortcuts': 'Control+Enter Meta+Enter', 'aria-describedby': 'answer-keys',
      placeholder: 'Answer the customer (goes out through ' + conv.channel.instanceId + ')' });
    let typingSent = 0;
    text.addEventListener('input', () => {
      // A hint for live channels; at most one every 3 s, and failures do not matter. Not for a note.
      if ($('answer-mode-note').checked || Date.now() - typingSent < 3000) return;
      typingSent = Date.now();
      api('/api/conversations/' + encodeURIComponent(conv.id) + '/typing', { method: 'POST', body: {} }).catch(() => {});
    });
    const error = el('p', { class: 'error', id: 'answer-error', role: 'alert' });
    const send = el('button', { type: 'submit', id: 'answer-send' }, 'Send reply');
    const noteMode = el('input', { type: 'checkbox', id: 'answer-mode-note', onchange: () => {
      const note = noteMode.checked;
      form.classList.toggle('note-mode', note);
      send.textContent = note ? 'Add note' : 'Send reply';
      text.placeholder = note ? 'Internal note: only agents see it (the desks get it as a note)'
        : 'Answer the customer (goes out through ' + conv.channel.instanceId + ')';
      text.focus();
    } });
    const resolve = el('button', { type: 'button', id: 'resolve', class: 'secondary',
      disabled: conv.status === 'RESOLVED', onclick: () => resolveConversation(conv.id) }, 'Resolve');
    const snippets = el('select', { id: 'snippet-pick', 'aria-label': 'Insert a canned reply', onchange: () => {
      const chosen = (state.snippets || []).find((s) => String(s.id) === snippets.value);
      if (chosen) {
        const at = text.selectionStart || text.value.length;
        text.value = text.value.slice(0, at) + chosen.text + text.value.slice(text.selectionEnd || at);
        text.dispatchEvent(new Event('input'));
      }
      snippets.value = '';
      text.focus();
    } }, el('option', { value: '' }, 'Canned reply…'));
    snippets.dataset.conversation = conv.id;
    fillSnippetMenu(snippets);
    async function submit() {
      if (!text.value.trim() || text.disabled) return;
      const note = noteMode.checked;
      send.disabled = true;
      try {
        await api('/api/conversations/' + encodeURIComponent(conv.id) + (note ? '/notes' : '/replies'), { method: 'POST',
          body: note ? { text: text.value }
            : { text: text.value, author: $('agent-name').value.trim() || 'Agent', inbox: conv.inboxes[0] } });
        text.value = '';
        error.textContent = '';
        status(note ? 'Note added' : 'Reply sent');
        await loadConversation(conv.id);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        send.disabled = text.disabled;
      }
    }
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submit();
      }
    });
    const form = el('form', { class: 'answer', id: 'answer-form', onsubmit: (event) => { event.preventDefault(); submit(); } },
      el('p', { class: 'hint', id: 'read-only-hint', hidden: conv.status !== 'RESOLVED' },
        'Resolved: read-only. Reopen it to answer; a message from the customer reopens it too.'),
      text,
      el('div', { class: 'buttons' }, send,
        el('label', { class: 'note-toggle' }, noteMode, ' Internal note'), snippets, resolve),
      el('p', { class: 'hint', id: 'answer-keys' }, 'Ctrl+Enter (⌘+Enter on a Mac) sends.'), error);
    return form;
  }

  async function markReachable(id) {
    try {
      await api('/api/conversations/' + encodeURIComponent(id) + '/customer-reachable', { method: 'POST', body: {} });
      status('The customer takes messages again');
      await loadConversation(id);
    } catch (e) {
      status('Could not clear the mark: ' + e.message);
    }
  }

  async function resolveConversation(id) {
    try {
      await api('/api/conversations/' + encodeURIComponent(id) + '/resolve', { method: 'POST', body: {} });
      status('Resolved');
      setTimeout(() => loadConversation(id), 500);
    } catch (e) {
      status('Resolve failed: ' + e.message);
    }
  }

  // ---- contacts ----
  // The page's URL carries a contact's or a conversation's id and nothing else: a name, number or address never
  // goes into the location bar, the history or a Referer (the search box's text only goes to the API).

  const ADDRESS_KINDS = { PHONE: 'Phone', EMAIL: 'Email', CHAT_USER: 'Chat user' };
  const EVIDENCE = {
    SAME_NUMBER: 'same phone number on two channels',
    SITE_SIGNED_EMAIL: 'email signed by the website for its chat visitor',
    DESK_REQUESTER: 'the desk\u2019s requester has both addresses',
    AGENT: 'linked by an agent',
    SAME_NAME_AND_DOMAIN: 'same name and email domain',
    PHONE_IN_MESSAGE: 'phone number written in a message',
    TYPED_EMAIL: 'email typed into the chat (not verified)'
  };

  function contactHref(id) {
    return '#contacts/' + encodeURIComponent(id);
  }

  function conversationHref(id) {
    return '#conversations/' + encodeURIComponent(id);
  }

  function evidenceText(evidence) {
    return EVIDENCE[evidence] || String(evidence || '').toLowerCase().replace(/_/g, ' ');
  }

  function channelName(ch) {
    return ch && typeof ch === 'object' ? (ch.instanceId || ch.instance || ch.type || '') : String(ch || '');
  }

  function authorName(a) {
    return a && typeof a === 'object' ? (a.displayName || a.role || '') : String(a || '');
  }

  async function loadContacts() {
    const q = $('contact-search').value.trim();
    const data = await api('/api/contacts?limit=200' + (q ? '&q=' + encodeURIComponent(q) : ''));
    const contacts = data.contacts || [];
    // Redrawn only when something changed, so the refresh never takes the keyboard focus away from a link.
    const key = JSON.stringify([contacts, state.contact]);
    if (state.drawn.contactList !== key) {
      state.drawn.contactList = key;
      const list = clear($('contact-list'));
      for (const c of contacts) {
        const selected = c.id === state.contact;
        const count = typeof c.addresses === 'number' ? c.addresses : (c.addressCount != null ? c.addressCount
          : (c.addresses || []).length);
        const last = c.lastActivityAt || c.lastActivity || c.lastAt || c.lastMessageAt;
        list.appendChild(el('li', { 'data-contact': c.id, class: selected ? 'selected' : null },
          el('a', { href: contactHref(c.id), 'aria-current': selected ? 'page' : null },
            el('span', { class: 'who' }, c.name || c.displayName || 'Unnamed contact'),
            el('span', { class: 'meta' }, count + (count === 1 ? ' address' : ' addresses'),
              last ? ' · last ' + when(last) : '', c.erased ? ' · erased' : ''))));
      }
      if (!contacts.length) list.appendChild(el('li', { class: 'hint' }, q ? 'No contact matches.' : 'No contacts yet.'));
    }
    if (state.contact) await loadContact(state.contact);
  }

  async function loadContact(id) {
    const detail = $('contact-detail');
    let c;
    try {
      c = await api('/api/contacts/' + encodeURIComponent(id));
    } catch (e) {
      if (e.status !== 404) throw e;
      delete detail.dataset.contact;
      state.drawn.contact = null;
      draw(detail, el('p', { class: 'hint', id: 'contact-missing' }, 'No contact with id ' + id + '.'));
      return;
    }
    if (c.mergedInto && c.mergedInto !== id) {
      // An id that was joined into another contact (from an old link or a desk) leads to the contact it is part of
      // now; replace() keeps the old id out of the history's way.
      status('Contact ' + id + ' was joined into this one');
      location.replace(contactHref(c.mergedInto));
      return;
    }
    const fresh = detail.dataset.contact !== id;
    if (fresh) {
      // The forms are built once per contact, so a refresh keeps what the agent is typing and where the focus is.
      clear(detail);
      detail.dataset.contact = id;
      state.drawn.contact = null;
      state.erasure = null;
      detail.appendChild(el('div', { id: 'contact-body' }));
      detail.appendChild(linkForm(id));
      detail.appendChild(privacyActions(id));
    }
    const key = JSON.stringify(c);
    if (state.drawn.contact !== key) {
      state.drawn.contact = key;
      const focus = focusKey($('contact-body'));
      drawContact(c);
      restoreFocus($('contact-body'), focus);
    }
    $('contact-erase').disabled = Boolean(c.erased) || Boolean(c.mergedInto);
    $('contact-export').hidden = Boolean(c.mergedInto);
    // Nothing is linked to a contact that was joined into another (link the survivor) or erased.
    $('contact-link-section').hidden = Boolean(c.erased) || Boolean(c.mergedInto);
    if (fresh) {
      // A screen reader and the keyboard start on the contact just opened.
      $('contact-name').focus();
      await loadErasure(id, true);
    } else if (state.erasure && !erasureFinished(state.erasure)) {
      await loadErasure(id, false);
    }
  }

  // New data redraws the contact's part of the page; a keyboard user keeps their place: the same button of the same
  // link, the same link, or the same heading gets the focus back.
  function focusKey(container) {
    const a = document.activeElement;
    if (!a || !container.contains(a)) return null;
    const row = a.closest('[data-link]');
    if (a.dataset.action && row) return '[data-link="' + CSS.escape(row.dataset.link) + '"] [data-action="' + a.dataset.action + '"]';
    if (a.id) return '#' + CSS.escape(a.id);
    if (a.getAttribute('href')) return 'a[href="' + CSS.escape(a.getAttribute('href')) + '"]';
    return null;
  }

  function restoreFocus(container, selector) {
    if (!selector) return;
    const target = container.querySelector(selector);
    if (target) target.focus();
  }

  function drawContact(c) {
    const body = clear($('contact-body'));
    const names = (c.names || []).filter((n) => n);
    body.appendChild(el('h2', { class: 'contact-name', id: 'contact-name', tabindex: -1 },
      names[0] || (c.erased ? 'Erased contact' : 'Unnamed contact')));
    if (names.length > 1) {
      body.appendChild(el('p', { class: 'meta', id: 'contact-names' }, 'Also known as ', names.slice(1).join(', ')));
    }
    if (c.mergedInto) {
      body.appendChild(el('p', { class: 'notice', id: 'contact-merged' }, 'This contact was joined into another one. ',
        el('a', { href: contactHref(c.mergedInto) }, 'Open the contact it was joined into')));
    }
    if (c.erased) {
      body.appendChild(el('p', { class: 'notice', id: 'contact-erased' },
        'This contact\u2019s personal data has been erased; only anonymous counts remain.'));
    }
    body.appendChild(section('Addresses', 'contact-addresses-title', addressTable(c.addresses || [])));
    body.appendChild(section('Proposed links', 'contact-proposals-title', proposalList(c.proposals || [])));
    body.appendChild(section('Links', 'contact-links-title', linkTable(c.links || [])));
    body.appendChild(section('Conversations', 'contact-conversations-title', conversationList(c.conversations || [])));
    body.appendChild(section('Timeline across channels', 'contact-timeline-title', contactTimeline(c.timeline || [], c.erased)));
  }

  function section(title, id, ...content) {
    return el('section', { class: 'contact-section', 'aria-labelledby': id },
      el('h3', { id, tabindex: -1 }, title), content);
  }

  function yesNo(value, yes, no) {
    if (value === true) return yes;
    if (value === false || value === null || value === undefined) return no;
    return no + ': ' + value;
  }

  function addressTable(addresses) {
    if (!addresses.length) return el('p', { class: 'hint', id: 'contact-addresses' }, 'No addresses.');
    return el('table', { id: 'contact-addresses' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col' }, 'Address'),
        el('th', { scope: 'col' }, 'Channels'), el('th', { scope: 'col' }, 'Reachable'),
        el('th', { scope: 'col' }, 'Verified'))),
      el('tbody', {}, addresses.map((a) => el('tr', { 'data-kind': a.kind },
        el('td', {}, ADDRESS_KINDS[a.kind] || a.kind),
        el('td', { class: 'address' }, a.value),
        el('td', { class: 'channels' }, (a.channels || []).map(channelName).join(', ') || '—'),
        el('td', { class: 'reachable ' + (a.reachable === true ? 'yes' : 'no') },
          a.reachable === false && a.unreachableReason ? 'not reachable: ' + a.unreachableReason
            : yesNo(a.reachable, 'reachable', 'not reachable')),
        el('td', { class: 'verified ' + (a.verified ? 'yes' : 'no') }, a.verified ? 'verified' : 'not verified')))));
  }

  function proposalList(proposals) {
    if (!proposals.length) return el('p', { class: 'hint', id: 'contact-proposals' }, 'No proposals waiting.');
    return el('ul', { id: 'contact-proposals', class: 'plain' }, proposals.map((p) => {
      const other = p.otherName || 'contact ' + p.otherContactId;
      return el('li', { 'data-link': linkIdOf(p) },
        el('div', {}, 'Same customer as ', el('a', { href: contactHref(p.otherContactId) }, other), '? ',
          el('span', { class: 'evidence' }, evidenceText(p.evidence)), p.detail ? ' (' + p.detail + ')' : ''),
        el('div', { class: 'buttons' },
          el('button', { type: 'button', 'data-action': 'accept', 'aria-label': 'Accept: join ' + other + ' into this contact',
            onclick: () => decideLink(linkIdOf(p), 'accept', 'Link accepted: the contacts are one now') }, 'Accept'),
          el('button', { type: 'button', class: 'secondary', 'data-action': 'reject',
            'aria-label': 'Reject: ' + other + ' is someone else',
            onclick: () => decideLink(linkIdOf(p), 'reject', 'Proposal rejected: it will not be made again') }, 'Reject')));
    }));
  }

  function linkIdOf(link) {
    return link.linkId != null ? link.linkId : link.id;
  }

  function linkTable(links) {
    if (!links.length) return el('p', { class: 'hint', id: 'contact-links' }, 'No links.');
    return el('table', { id: 'contact-links' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Addresses'), el('th', { scope: 'col' }, 'Evidence'),
        el('th', { scope: 'col' }, 'Strength'), el('th', { scope: 'col' }, 'Status'),
        el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Actions')))),
      el('tbody', {}, links.map((l) => el('tr', { 'data-link': linkIdOf(l), 'data-status': l.status },
        el('td', { class: 'address' }, l.address || '', ' \u2194 ', l.otherAddress || ''),
        el('td', {}, evidenceText(l.evidence)),
        el('td', {}, String(l.strength || '').toLowerCase()),
        el('td', { class: 'link-status' }, String(l.status || '').toLowerCase(),
          l.decidedBy ? ' by ' + l.decidedBy : '', l.decidedAt ? ' · ' + when(l.decidedAt) : ''),
        el('td', {}, l.status === 'JOINED' ? el('button', { type: 'button', class: 'secondary', 'data-action': 'split',
          'aria-label': 'Split ' + (l.otherAddress || 'this link') + ' off into its own contact',
          onclick: () => decideLink(linkIdOf(l), 'split', 'Link split: the addresses it joined are a contact of their own again') },
        'Split') : null)))));
  }

  function conversationList(conversations) {
    if (!conversations.length) return el('p', { class: 'hint', id: 'contact-conversations' }, 'No conversations.');
    return el('ul', { id: 'contact-conversations', class: 'plain' }, conversations.map((v) => {
      const tickets = v.ticketRefs && typeof v.ticketRefs === 'object' && !Array.isArray(v.ticketRefs)
        ? Object.entries(v.ticketRefs).map(([desk, ref]) => desk + ': ' + ref) : (v.ticketRefs || []);
      return el('li', { 'data-conversation': v.id },
        el('a', { href: conversationHref(v.id) }, channelName(v.channel), ' · ', v.subject || 'conversation'),
        el('span', { class: 'meta' }, ' · ', String(v.status || '').toLowerCase(), ' · ', when(v.lastAt),
          tickets.length ? ' · tickets ' + tickets.join(', ') : ''));
    }));
  }

  function contactTimeline(entries, erased) {
    if (!entries.length) return el('p', { class: 'hint', id: 'contact-timeline' }, 'No messages.');
    const label = { INBOUND: 'Customer', OUTBOUND: 'Reply', INTERNAL: 'Internal note' };
    return el('ol', { id: 'contact-timeline', class: 'timeline' }, entries.map((t) => {
      const direction = String(t.direction || '').toUpperCase();
      return el('li', { class: 'msg ' + direction.toLowerCase(), 'data-conversation': t.conversationId },
        el('div', { class: 'meta' }, el('span', { class: 'badge channel' }, channelName(t.channel)), ' ',
          label[direction] || direction, authorName(t.author) ? ' · ' + authorName(t.author) : '', ' · ', when(t.at),
          ' · ', el('a', { href: conversationHref(t.conversationId) }, 'open conversation')),
        t.text ? el('div', { class: 'text' }, t.text) : el('div', { class: 'text hint' }, erased ? '(erased)' : ''));
    }));
  }

  async function decideLink(linkId, action, done) {
    const id = state.contact;
    try {
      const answer = await api('/api/contacts/links/' + encodeURIComponent(linkId) + '/' + action, { method: 'POST',
        body: {} });
      status(done);
      state.drawn.contact = null;
      // The answer names the contact to show now: the one this contact was joined into, when it was the younger.
      if (answer && answer.contactId && answer.contactId !== id && action === 'accept') {
        location.hash = contactHref(answer.contactId);
        return;
      }
      await loadContact(id);
      // The button pressed is gone with the redraw: the keyboard goes on from the contact's name.
      const name = $('contact-name');
      if (name) name.focus();
    } catch (e) {
      status(action + ' failed: ' + e.message);
    }
  }

  function linkForm(id) {
    const kind = el('select', { id: 'link-kind', name: 'kind' },
      el('option', { value: 'PHONE' }, 'Phone number'), el('option', { value: 'EMAIL' }, 'Email address'),
      el('option', { value: 'CHAT_USER' }, 'Chat user id'), el('option', { value: 'CONTACT' }, 'Another contact (id)'));
    const address = el('input', { id: 'link-address', name: 'address', required: true, maxlength: 320,
      autocomplete: 'off', 'aria-describedby': 'link-hint' });
    const error = el('p', { class: 'error', id: 'link-error', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'link-submit' }, 'Link');
    const form = el('form', { id: 'contact-link-form', class: 'inline-form', onsubmit: async (event) => {
      event.preventDefault();
      const value = address.value.trim();
      if (!value) return;
      submit.disabled = true;
      error.textContent = '';
      try {
        const body = kind.value === 'CONTACT' ? { otherContactId: value } : { kind: kind.value, address: value };
        await api('/api/contacts/' + encodeURIComponent(id) + '/links', { method: 'POST', body });
        address.value = '';
        status('Linked to this contact');
        state.drawn.contact = null;
        await loadContact(id);
      } catch (e) {
        error.textContent = 'Not linked: ' + e.message;
      } finally {
        submit.disabled = false;
      }
    } },
    el('div', { class: 'field' }, el('label', { for: 'link-kind' }, 'Kind'), kind),
    el('div', { class: 'field grow' }, el('label', { for: 'link-address' }, 'Address or contact id'), address),
    submit);
    return el('section', { class: 'contact-section', id: 'contact-link-section', 'aria-labelledby': 'link-title' },
      el('h3', { id: 'link-title' }, 'Link an address'),
      el('p', { class: 'hint', id: 'link-hint' }, 'Only what you know is this customer\u2019s: your link joins at once, ',
        'as verified. A wrong one can be split again.'),
      form, error);
  }

  function privacyActions(id) {
    // A plain link: the browser downloads the archive with the session cookie, and nothing but the id is in the URL.
    const exportLink = el('a', { id: 'contact-export', class: 'button secondary',
      href: '/api/contacts/' + encodeURIComponent(id) + '/export', download: 'contact-' + id + '.zip' },
    'Export (zip)');
    const erase = el('button', { type: 'button', id: 'contact-erase', class: 'danger', 'aria-haspopup': 'dialog',
      onclick: () => askErase(id) }, 'Erase\u2026');
    return el('section', { class: 'contact-section', 'aria-labelledby': 'privacy-title' },
      el('h3', { id: 'privacy-title' }, 'Personal data'),
      el('div', { class: 'buttons' }, exportLink, erase),
      el('div', { id: 'erasure-status', role: 'status', 'aria-live': 'polite' }));
  }

  function askErase(id) {
    const dialog = $('erase-dialog');
    $('erase-name').textContent = ($('contact-name') || {}).textContent || 'this contact';
    dialog.returnValue = '';
    dialog.onclose = () => {
      // Focus goes back to the button that opened the dialog, as after any dialog.
      if (dialog.returnValue === 'erase') erase(id);
      else $('contact-erase').focus();
    };
    dialog.showModal();
  }

  async function erase(id) {
    status('Erasing\u2026');
    try {
      const job = await api('/api/contacts/' + encodeURIComponent(id), { method: 'DELETE' });
      state.erasure = job || {};
      drawErasure(state.erasure);
      await loadErasure(id, false);
      status('Erasure started');
    } catch (e) {
      status('Erasure failed to start: ' + e.message);
    }
    const statusBox = $('erasure-status');
    if (statusBox) {
      statusBox.tabIndex = -1;
      statusBox.focus();
    }
  }

  // The erasure's steps (ContactErasure), in the order it takes them; it resumes at its step after a restart.
  const ERASURE_STEPS = {
    REQUESTED: 'requested',
    STORE: 'in progress: erasing the hub\u2019s records',
    FILES: 'in progress: deleting attachment files',
    DESKS: 'in progress: asking the desks to erase the requester',
    WIPE: 'in progress: rewriting the store file',
    DONE: 'done',
    FAILED: 'failed'
  };

  function erasureFinished(job) {
    if (job.done === true) return true;
    return ['DONE', 'FAILED', 'FINISHED', 'COMPLETED'].includes(String(job.state || job.status || '').toUpperCase());
  }

  async function loadErasure(id, quietIfNone) {
    try {
      const job = await api('/api/contacts/' + encodeURIComponent(id) + '/erasure');
      state.erasure = job;
      drawErasure(job);
      if (erasureFinished(job)) state.drawn.contact = null;
    } catch (e) {
      if (e.status === 404 && quietIfNone) return;
      if (e.status !== 404) status('Could not read the erasure\u2019s status: ' + e.message);
    }
  }

  function drawErasure(job) {
    const box = $('erasure-status');
    if (!box) return;
    const step = String(job.state || job.status || 'requested').toUpperCase();
    const stateText = ERASURE_STEPS[step] || step.toLowerCase();
    const steps = job.steps || job.stepsDone || [];
    const desks = job.desks || job.deskOutcomes || {};
    const deskItems = Array.isArray(desks) ? desks.map((d) => [d.desk || d.instance || d.instanceId, d])
      : Object.entries(desks);
    append(clear(box), [el('p', { class: 'erasure-state state-' + step.toLowerCase(), 'data-state': step }, 'Erasure ', stateText,
      job.requestedAt ? ' · requested ' + when(job.requestedAt) : '',
      job.requestedBy ? ' by ' + job.requestedBy : '', job.finishedAt ? ' · finished ' + when(job.finishedAt) : ''),
    (Array.isArray(steps) && steps.length) ? el('p', { class: 'meta' }, 'Done: ', steps.join(', ')) : null,
    job.figures ? el('p', { class: 'meta erasure-figures' }, 'Erased: ', typeof job.figures === 'object'
      ? Object.entries(job.figures).map(([k, v]) => k + ' ' + v).join(', ') : String(job.figures)) : null,
    deskItems.length ? el('ul', { class: 'plain erasure-desks' }, deskItems.map(([desk, d]) =>
      el('li', { 'data-desk': desk }, desk, ': ', typeof d === 'object'
        ? [String(d.outcome || d.status || d.state || 'pending').toLowerCase().replace(/_/g, ' '),
          d.detail ? ' (' + d.detail + ')' : '', d.attempts > 1 ? ' · ' + d.attempts + ' attempts' : '',
          d.nextAttemptAt ? ' · next try ' + when(d.nextAttemptAt) : ''] : String(d))))
      : null]);
  }

  // ---- dead letters ----

  async function loadDeadLetters() {
    const data = await api('/api/dead-letters?limit=200');
    const body = clear($('dead-letters-table').tBodies[0]);
    for (const d of data.deadLetters) {
      body.appendChild(el('tr', { 'data-dead-letter': d.id },
        el('td', {}, d.id), el('td', {}, d.target),
        el('td', {}, el('a', { href: '#conversations/' + encodeURIComponent(d.conversationId) }, d.conversationId)),
        el('td', {}, d.attempts), el('td', { class: 'reason' }, d.reason || ''), el('td', {}, when(d.failedAt)),
        el('td', {}, el('button', { type: 'button', 'data-action': 'replay', onclick: () => replay(d.id) }, 'Replay'))));
    }
    if (!data.deadLetters.length) body.appendChild(el('tr', {}, el('td', { colspan: 7, class: 'hint' }, 'None.')));
    const inbound = clear($('inbound-dead-letters-table').tBodies[0]);
    for (const d of data.inboundDeadLetters) {
      inbound.appendChild(el('tr', {}, el('td', {}, d.id), el('td', {}, d.instance), el('td', {}, d.sourceId),
        el('td', { class: 'reason' }, d.reason), el('td', {}, when(d.failedAt))));
    }
  }

  async function replay(id) {
    try {
      await api('/api/dead-letters/' + id + '/replay', { method: 'POST' });
      status('Dead letter ' + id + ' queued again');
      await loadDeadLetters();
    } catch (e) {
      status('Replay failed: ' + e.message);
    }
  }

  // ---- charts ----

  const COLOURS = ['#2d5be3', '#e36b2d', '#1b7f3b', '#9b2de3', '#c9a000', '#2db8e3', '#e32d7a'];

  async function loadCharts() {
    const s = await api('/api/stats?hours=24');
    const labels = Array.from({ length: s.buckets }, (_, i) =>
      new Date(Date.parse(s.from) + i * s.bucketSeconds * 1000).getHours() + 'h');
    const series = Object.entries(s.messagesPerChannel).map(([name, values], i) =>
      ({ name, values, colour: COLOURS[i % COLOURS.length] }));
    draw($('chart-messages'), lineChart(labels, series), legend(series));
    const fr = s.firstResponse;
    const bounds = fr.boundsSeconds.map((b) => '≤' + duration(b)).concat(['longer']);
    draw($('chart-response'), barChart(bounds, fr.histogram, '#2d5be3'),
      el('p', { class: 'meta' }, fr.answered + ' answered, ', fr.unanswered + ' waiting',
        fr.medianSeconds === null ? '' : ', median ' + duration(fr.medianSeconds)));
    draw($('chart-failures'), barChart(labels, s.deliveryFailures, '#b3261e'));
  }

  function draw(target, ...nodes) {
    clear(target);
    nodes.forEach((n) => target.appendChild(n));
  }

  function duration(seconds) {
    if (seconds < 60) return seconds + 's';
    if (seconds < 3600) return Math.round(seconds / 60) + 'm';
    return Math.round(seconds / 360) / 10 + 'h';
  }

  function legend(series) {
    return el('div', { class: 'legend' }, series.map((s) => el('span', {},
      svg('svg', { width: 16, height: 10 }, s.dash
        ? svg('line', { x1: 0, y1: 5, x2: 16, y2: 5, stroke: s.colour, 'stroke-width': 2, 'stroke-dasharray': '4 3' })
        : svg('rect', { width: 10, height: 10, fill: s.colour })), ' ', s.name)));
  }

  const W = 720, H = 180, PAD = 28;

  /** Axes and labels; {@code at(i)} is where label i sits (points for lines, band centres for bars). */
  function frame(labels, max, at) {
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    root.appendChild(svg('line', { x1: PAD, y1: H - PAD, x2: W - 4, y2: H - PAD, stroke: '#aab' }));
    root.appendChild(svg('text', { x: 2, y: 16 }, max));
    root.appendChild(svg('text', { x: 2, y: H - PAD }, 0));
    const step = Math.max(1, Math.ceil(labels.length / 12));
    labels.forEach((l, i) => {
      if (i % step === 0) root.appendChild(svg('text', { x: at(i), y: H - 8, 'text-anchor': 'middle' }, l));
    });
    return root;
  }

  function y(v, max) {
    return H - PAD - (H - PAD - 16) * (max ? v / max : 0);
  }

  function lineChart(labels, series) {
    const max = Math.max(1, ...series.flatMap((s) => s.values));
    const n = labels.length;
    const at = (i) => PAD + 12 + (W - PAD - 32) * (n <= 1 ? 0 : i / (n - 1));
    const root = frame(labels, max, at);
    for (const s of series) {
      const points = s.values.map((v, i) => at(i) + ',' + y(v, max)).join(' ');
      root.appendChild(svg('polyline', { points, fill: 'none', stroke: s.colour, 'stroke-width': 2,
        'stroke-dasharray': s.dash || null, 'data-series': s.name }, svg('title', {}, s.name)));
    }
    return root;
  }

  function barChart(labels, values, colour) {
    const max = Math.max(1, ...values);
    const band = (W - PAD - 8) / labels.length;
    const at = (i) => PAD + band * (i + 0.5);
    const root = frame(labels, max, at);
    values.forEach((v, i) => {
      const top = y(v, max);
      root.appendChild(svg('rect', { x: at(i) - band * 0.4, y: top, width: band * 0.8, height: H - PAD - top,
        fill: colour }, svg('title', {}, labels[i] + ': ' + v)));
    });
    return root;
  }

  // ---- analytics ----
  // Six charts from /api/analytics/* for one time range and filter set, kept in the URL's hash (#analytics/range=7d&…:
  // ids and instants only), so a view can be bookmarked and the back button returns to the previous filters. Every
  // chart has the same numbers in a table (for screen readers and for copying) and a CSV link to the API.

  const RANGE_HOURS = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };
  // Connector types that are desks (the instance list does not say which side an instance is on).
  const DESK_TYPES = ['webhook-desk', 'console-inbox', 'zendesk', 'freshdesk', 'hubspot', 'salesforce'];
  const BY_ALL = ['channel', 'desk', 'priority'];
  const BY_SUPPORTED = { 'response-times': BY_ALL, csat: BY_ALL, automation: BY_ALL, sla: BY_ALL, backlog: BY_ALL };
  const BY_LABEL = { channel: 'channel', desk: 'desk', priority: 'priority' };

  function analyticsFilters() {
    const p = new URLSearchParams(state.analyticsArg || '');
    const range = ['24h', '7d', '30d', 'custom'].includes(p.get('range')) ? p.get('range') : '24h';
    return { range, from: p.get('from') || '', to: p.get('to') || '', channel: p.get('channel') || '',
      desk: p.get('desk') || '', by: ['channel', 'desk', 'priority'].includes(p.get('by')) ? p.get('by') : 'channel' };
  }

  /** The instants asked for: whole hours (whole UTC days for long ranges) up to the current one, so refreshes agree. */
  function analyticsWindow(f) {
    if (f.range === 'custom') {
      const from = Date.parse(f.from), to = Date.parse(f.to);
      if (isNaN(from) || isNaN(to) || from >= to) return null;
      return { from: new Date(from), to: new Date(to), bucket: to - from > 48 * 3600000 ? 'day' : 'hour' };
    }
    const hours = RANGE_HOURS[f.range];
    const bucket = hours > 48 ? 'day' : 'hour';
    const step = bucket === 'day' ? 86400000 : 3600000;
    const to = Math.ceil((Date.now() + 1) / step) * step;
    return { from: new Date(to - hours * 3600000), to: new Date(to), bucket };
  }

  function analyticsPath(endpoint, w, f, extra) {
    const p = new URLSearchParams({ from: w.from.toISOString(), to: w.to.toISOString() });
    if (f.channel) p.set('channel', f.channel);
    // Volumes are counted per channel: the API refuses a desk filter on them.
    if (f.desk && endpoint !== 'volumes') p.set('desk', f.desk);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return '/api/analytics/' + endpoint + '?' + p.toString();
  }

  function byFor(endpoint, f) {
    const supported = BY_SUPPORTED[endpoint];
    return supported.includes(f.by) ? f.by : 'channel';
  }

  /** Instance ids split into channels and desks, for the filters; refreshed at most every 30 s. */
  async function instanceKinds() {
    if (state.instanceKinds && Date.now() - state.instanceKinds.at < 30000) return state.instanceKinds;
    let instances = {};
    try { instances = (await api('/api/instances')).instances || {}; } catch (e) { /* the filters stay as they are */ }
    const channels = [], desks = [];
    for (const [id, i] of Object.entries(instances)) (DESK_TYPES.includes(i.type) ? desks : channels).push(id);
    state.instanceKinds = { at: Date.now(), channels: channels.sort(), desks: desks.sort() };
    return state.instanceKinds;
  }

  /** Refills a select's options after its first one ("All …"), keeping the chosen value even if unknown. */
  function fillSelect(select, values, chosen) {
    const all = Array.from(new Set(values.concat(chosen ? [chosen] : []))).sort();
    const now = Array.from(select.options).slice(1).map((o) => o.value);
    if (JSON.stringify(now) !== JSON.stringify(all)) {
      while (select.options.length > 1) select.remove(1);
      all.forEach((v) => select.appendChild(el('option', { value: v }, v)));
    }
    select.value = chosen || '';
  }

  function toLocalInput(date) {
    const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }

  function syncAnalyticsForm(f, w, kinds) {
    $('analytics-range').value = f.range;
    document.querySelectorAll('#analytics-filters .custom-range').forEach((n) => { n.hidden = f.range !== 'custom'; });
    if (w && document.activeElement !== $('analytics-from') && document.activeElement !== $('analytics-to')) {
      $('analytics-from').value = toLocalInput(w.from);
      $('analytics-to').value = toLocalInput(w.to);
    }
    fillSelect($('analytics-channel'), kinds.channels.concat(state.analyticsKeys || []), f.channel);
    fillSelect($('analytics-desk'), kinds.desks, f.desk);
    $('analytics-by').value = f.by;
  }

  /** Writes the form's filters into the hash; the hashchange (route) loads them. */
  function applyAnalyticsFilters(event) {
    if (event) event.preventDefault();
    const range = $('analytics-range').value;
    const p = new URLSearchParams({ range });
    document.querySelectorAll('#analytics-filters .custom-range').forEach((n) => { n.hidden = range !== 'custom'; });
    if (range === 'custom') {
      const from = Date.parse($('analytics-from').value), to = Date.parse($('analytics-to').value);
      if (isNaN(from) || isNaN(to)) {
        $('analytics-error').textContent = 'Give both the start and the end of the range.';
        return;
      }
      if (from >= to) {
        $('analytics-error').textContent = 'The range must start before it ends.';
        return;
      }
      p.set('from', new Date(from).toISOString());
      p.set('to', new Date(to).toISOString());
    }
    $('analytics-error').textContent = '';
    if ($('analytics-channel').value) p.set('channel', $('analytics-channel').value);
    if ($('analytics-desk').value) p.set('desk', $('analytics-desk').value);
    if ($('analytics-by').value !== 'channel') p.set('by', $('analytics-by').value);
    const hash = '#analytics/' + p.toString();
    if (location.hash === hash) refresh();
    else location.hash = hash;
  }

  async function loadAnalytics() {
    const f = analyticsFilters();
    const w = analyticsWindow(f);
    const kinds = await instanceKinds();
    syncAnalyticsForm(f, w, kinds);
    if (!w) {
      $('analytics-error').textContent = 'The range must start before it ends.';
      return;
    }
    const calls = {
      volumes: analyticsPath('volumes', w, f, { bucket: w.bucket }),
      'response-times': analyticsPath('response-times', w, f, { by: byFor('response-times', f) }),
      csat: analyticsPath('csat', w, f, { by: byFor('csat', f) }),
      automation: analyticsPath('automation', w, f, { by: byFor('automation', f) }),
      sla: analyticsPath('sla', w, f, { by: byFor('sla', f) }),
      backlog: analyticsPath('backlog', w, f, { by: byFor('backlog', f) })
    };
    const names = Object.keys(calls);
    const settled = await Promise.allSettled(names.map((n) => api(calls[n])));
    const results = {};
    names.forEach((n, i) => { results[n] = settled[i].status === 'fulfilled' ? { data: settled[i].value }
      : { error: settled[i].reason }; });
    const missing = names.every((n) => results[n].error && results[n].error.status === 404);
    $('analytics-missing').hidden = !missing;
    $('analytics-charts').hidden = missing;
    $('analytics-range-text').textContent = 'From ' + when(w.from.toISOString()) + ' to ' + when(w.to.toISOString())
      + (f.channel ? ' · channel ' + f.channel : '') + (f.desk ? ' · desk ' + f.desk : '')
      + ' · per ' + w.bucket;
    // Channels seen in the figures join the filter's list (an instance removed from the configuration still has data).
    if (results.volumes.data && !f.channel) {
      state.analyticsKeys = (results.volumes.data.series || []).map((s) => s.channel);
    }
    // Redrawn only when a figure changed, so the refresh keeps the keyboard focus and an open table where they are.
    const key = JSON.stringify([calls, names.map((n) => results[n].data || String(results[n].error))]);
    if (missing || state.drawn.analytics === key) return;
    state.drawn.analytics = key;
    const focus = focusKey($('analytics-charts'));
    state.chartWidth = Math.max(300, Math.min(W, $('chart-volumes').clientWidth - 24));
    const open = Array.from(document.querySelectorAll('#analytics-charts details[open]')).map((d) => d.id);
    const draw = { volumes: drawVolumes, 'response-times': drawResponseTimes, csat: drawCsat,
      automation: drawAutomation, sla: drawSla, backlog: drawBacklog };
    for (const n of names) {
      const figure = $('chart-' + n);
      const r = results[n];
      if (r.error) {
        chartFigure(figure, n, CHART_TITLES[n], calls[n], el('p', { class: 'error chart-error' },
          r.error.status === 404 ? 'Not available in this hub.' : 'Could not load: ' + r.error.message));
      } else {
        draw[n](figure, r.data, calls[n], f, w);
      }
    }
    open.forEach((id) => { const d = $(id); if (d) d.open = true; });
    restoreFocus($('analytics-charts'), focus);
  }

  const CHART_TITLES = { volumes: 'Messages', 'response-times': 'First response and resolution times',
    csat: 'Customer satisfaction', automation: 'Automatic answers', sla: 'First-response target (SLA)',
    backlog: 'Backlog now' };

  /** A chart's figure: title, a summary in words (the chart's description), the chart, its table, the CSV link. */
  function chartFigure(figure, name, title, path, ...content) {
    clear(figure);
    figure.dataset.query = path;
    const csv = path + (path.includes('?') ? '&' : '?') + 'format=csv';
    append(figure, [el('figcaption', { id: 'chart-' + name + '-title' }, title),
      content,
      el('p', { class: 'chart-links' }, el('a', { class: 'csv', id: 'csv-' + name, href: csv,
        download: 'omnibridge-' + name + '.csv' }, 'Download CSV', el('span', { class: 'visually-hidden' }, ' (', title, ')')))]);
  }

  function summaryText(name, ...parts) {
    return el('p', { class: 'chart-summary', id: 'chart-' + name + '-summary' }, parts);
  }

  /** The chart as an image for assistive technology: named by the caption, described by the summary. */
  function chartImage(name, chart) {
    chart.setAttribute('aria-labelledby', 'chart-' + name + '-title');
    chart.setAttribute('aria-describedby', 'chart-' + name + '-summary');
    chart.setAttribute('focusable', 'false');
    return chart;
  }

  function dataTable(name, caption, columns, rows, foot) {
    const cell = (c, tag) => {
      const v = c && typeof c === 'object' && !(c instanceof Node) ? c : { text: c };
      return el(tag || 'td', { 'data-value': v.value === undefined ? null : (v.value === null ? '' : v.value),
        'data-col': v.col || null, scope: tag === 'th' ? 'row' : null }, v.text);
    };
    return el('details', { class: 'chart-table', id: 'table-' + name },
      el('summary', {}, 'Table: the numbers behind this chart'),
      el('div', { class: 'scroll' }, el('table', { id: 'table-' + name + '-data' },
        el('caption', { class: 'visually-hidden' }, caption),
        el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, rows.length ? rows.map((r) => el('tr', { 'data-key': r.key },
          r.cells.map((c, i) => cell(c, i === 0 ? 'th' : 'td'))))
          : el('tr', {}, el('td', { colspan: columns.length, class: 'hint' }, 'No data in this range.'))),
        foot ? el('tfoot', {}, el('tr', { 'data-key': '' }, foot.map((c, i) => cell(c, i === 0 ? 'th' : 'td')))) : null)));
  }

  /** Whole seconds as "45s", "12m 5s", "3h 4m", "2d 3h"; the tables and summaries show durations so. */
  function durationText(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return '—';
    const s = Math.round(seconds);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
    return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
  }

  function percentText(rate) {
    return rate === null || rate === undefined || isNaN(rate) ? '—' : (rate * 100).toFixed(1) + '%';
  }

  function num(v) {
    return v === null || v === undefined ? 0 : v;
  }

  function bucketLabel(at, bucket) {
    const d = new Date(at);
    return bucket === 'day' ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
      : d.getHours() + 'h';
  }

  /** Every bucket of the window, so hours without messages show as zero (the API may leave them out). */
  function buckets(w, bucket) {
    const step = bucket === 'day' ? 86400000 : 3600000;
    const out = [];
    for (let t = Math.floor(w.from.getTime() / step) * step; t < w.to.getTime(); t += step) out.push(t);
    return out;
  }

  function drawVolumes(figure, data, path, f, w) {
    const bucket = data.bucket || w.bucket;
    const times = buckets(w, bucket);
    const step = bucket === 'day' ? 86400000 : 3600000;
    const index = (at) => Math.floor((Date.parse(at) - times[0]) / step);
    const series = (data.series || []).map((s, i) => {
      const inbound = times.map(() => 0), outbound = times.map(() => 0);
      for (const p of s.points || []) {
        const k = index(p.at);
        if (k >= 0 && k < times.length) { inbound[k] += num(p.inbound); outbound[k] += num(p.outbound); }
      }
      return { name: s.channel, inbound, outbound, colour: COLOURS[i % COLOURS.length] };
    });
    const totals = data.totals || {};
    const lines = series.flatMap((s) => [{ name: s.name + ' in', values: s.inbound, colour: s.colour },
      { name: s.name + ' out', values: s.outbound, colour: s.colour, dash: '5 4' }]);
    const labels = times.map((t) => bucketLabel(t, bucket));
    const busiest = series.map((s) => [s.name, s.inbound.reduce((a, b) => a + b, 0)]).sort((a, b) => b[1] - a[1])[0];
    chartFigure(figure, 'volumes', 'Messages per channel, per ' + bucket, path,
      f.desk ? el('p', { class: 'meta' }, 'Counted per channel: the desk filter does not apply here.') : null,
      summaryText('volumes', 'Inbound ', el('strong', { id: 'volumes-inbound', 'data-value': num(totals.inbound) },
        num(totals.inbound)), ', outbound ', el('strong', { id: 'volumes-outbound', 'data-value': num(totals.outbound) },
        num(totals.outbound)), ' messages', series.length ? ' on ' + series.length + (series.length === 1 ? ' channel' : ' channels') : '',
      busiest && busiest[1] ? '; most inbound on ' + busiest[0] + ' (' + busiest[1] + ')' : '', '.'),
      series.length ? chartImage('volumes', lineChart(labels, lines)) : el('p', { class: 'hint' }, 'No messages in this range.'),
      series.length ? legend(lines) : null,
      dataTable('volumes', 'Messages per ' + bucket + ' and channel, inbound and outbound',
        ['Time'].concat(series.flatMap((s) => [s.name + ' in', s.name + ' out'])),
        times.map((t, k) => ({ key: new Date(t).toISOString(), cells: [when(new Date(t).toISOString())]
          .concat(series.flatMap((s) => [{ text: s.inbound[k], value: s.inbound[k] },
            { text: s.outbound[k], value: s.outbound[k] }])) })).filter((r, k) => series.some((s) => s.inbound[k] || s.outbound[k])),
        ['Total'].concat(series.flatMap((s) => {
          const i = s.inbound.reduce((a, b) => a + b, 0), o = s.outbound.reduce((a, b) => a + b, 0);
          return [{ text: i, value: i }, { text: o, value: o }];
        }))));
  }

  function drawResponseTimes(figure, data, path, f) {
    const by = data.by || byFor('response-times', f);
    const fr = {}, res = {};
    (data.firstResponse || []).forEach((r) => { fr[r.key] = r; });
    (data.resolution || []).forEach((r) => { res[r.key] = r; });
    const keys = Array.from(new Set(Object.keys(fr).concat(Object.keys(res)))).sort();
    const rows = keys.flatMap((k) => [
      { label: k + ' first response', bars: [
        { value: (fr[k] || {}).medianSeconds, colour: '#2d5be3', name: 'median' },
        { value: (fr[k] || {}).p90Seconds, colour: '#9bb3f2', name: 'p90' }] },
      { label: k + ' resolution', bars: [
        { value: (res[k] || {}).medianSeconds, colour: '#1b7f3b', name: 'median' },
        { value: (res[k] || {}).p90Seconds, colour: '#9bd1ad', name: 'p90' }] }]);
    const d = (r, field) => ({ text: durationText(r ? r[field] : null), value: r ? r[field] : null, col: field });
    const c = (r) => ({ text: r ? r.count : 0, value: r ? r.count : 0, col: 'count' });
    const words = keys.map((k) => k + ': first response median ' + durationText((fr[k] || {}).medianSeconds)
      + ', p90 ' + durationText((fr[k] || {}).p90Seconds) + '; resolution median ' + durationText((res[k] || {}).medianSeconds)
      + ', p90 ' + durationText((res[k] || {}).p90Seconds));
    chartFigure(figure, 'response-times', 'First response and resolution times per ' + BY_LABEL[by]
      + ' (median and 90th percentile)', path,
      summaryText('response-times', keys.length ? words.join('. ') + '.' : 'No answered or resolved conversations in this range.'),
      keys.length ? chartImage('response-times', hbarChart(rows, durationText)) : null,
      keys.length ? legend([{ name: 'first response median', colour: '#2d5be3' }, { name: 'first response p90', colour: '#9bb3f2' },
        { name: 'resolution median', colour: '#1b7f3b' }, { name: 'resolution p90', colour: '#9bd1ad' }]) : null,
      dataTable('response-times', 'First response and resolution times per ' + BY_LABEL[by],
        [cap(BY_LABEL[by]), 'Answered', 'First response median', 'First response p90', 'Resolved', 'Resolution median',
          'Resolution p90'],
        keys.map((k) => ({ key: k, cells: [k, c(fr[k]), d(fr[k], 'medianSeconds'), d(fr[k], 'p90Seconds'),
          c(res[k]), d(res[k], 'medianSeconds'), d(res[k], 'p90Seconds')] }))),
      el('p', { class: 'meta' }, 'Median and 90th percentile by nearest rank; first response in business time where ',
        'the hub measures it so.'));
  }

  const CSAT_COLOURS = { 1: '#b3261e', 2: '#e36b2d', 3: '#c9a000', 4: '#7cb342', 5: '#1b7f3b' };

  function drawCsat(figure, data, path, f) {
    const by = byFor('csat', f);
    const rows = data.rows || [];
    const nps = data.nps;
    const chartRows = rows.map((r) => ({ label: r.key + ' (' + num(r.responses) + ')', stacked: [1, 2, 3, 4, 5].map((n) => (
      { value: num((r.distribution || {})[n]), colour: CSAT_COLOURS[n], name: n + ' of 5' })),
    after: 'avg ' + (r.average == null ? '—' : r.average.toFixed(2)) }));
    const words = rows.map((r) => r.key + ': ' + num(r.responses) + ' ratings, average '
      + (r.average == null ? '—' : r.average.toFixed(2)) + ', satisfied ' + percentText(r.satisfiedShare));
    const npsLine = nps && nps.responses ? el('p', { class: 'nps', id: 'csat-nps', 'data-value': nps.score },
      'NPS ', el('strong', {}, nps.score == null ? '—' : Math.round(nps.score)), ' from ', nps.responses, ' answers: ',
      num(nps.promoters), ' promoters, ', num(nps.passives), ' passives, ', num(nps.detractors), ' detractors.') : null;
    chartFigure(figure, 'csat', 'Customer satisfaction (1-5) per ' + BY_LABEL[by], path,
      summaryText('csat', rows.length ? words.join('. ') + '.' : 'No ratings in this range.'),
      rows.length ? chartImage('csat', hbarChart(chartRows, (v) => v)) : null,
      rows.length ? legend([1, 2, 3, 4, 5].map((n) => ({ name: n + ' of 5', colour: CSAT_COLOURS[n] }))) : null,
      npsLine,
      dataTable('csat', 'Ratings per ' + BY_LABEL[by], [cap(BY_LABEL[by]), 'Ratings', '1', '2', '3', '4', '5', 'Average',
        'Satisfied (4-5)'], rows.map((r) => ({ key: r.key, cells: [r.key].concat(csatCells(r)) })),
      data.total && rows.length > 1 ? ['Total'].concat(csatCells(data.total)) : null));
  }

  function csatCells(r) {
    return [{ text: num(r.responses), value: num(r.responses), col: 'responses' }]
      .concat([1, 2, 3, 4, 5].map((n) => ({ text: num((r.distribution || {})[n]), value: num((r.distribution || {})[n]), col: 'r' + n })))
      .concat([{ text: r.average == null ? '—' : r.average.toFixed(2), value: r.average, col: 'average' },
        { text: percentText(r.satisfiedShare), value: r.satisfiedShare, col: 'satisfiedShare' }]);
  }

  function drawAutomation(figure, data, path, f) {
    const by = byFor('automation', f);
    const rows = data.rows || [];
    const total = data.total || {};
    const fields = [['answered', 'Answered', '#2d5be3'], ['handedOff', 'Handed off', '#e36b2d'],
      ['contained', 'Contained', '#1b7f3b'], ['suggested', 'Suggested to agents', '#9b2de3']];
    const cells = (r) => fields.map(([k]) => ({ text: num(r[k]), value: num(r[k]), col: k }))
      .concat([{ text: percentText(r.containmentRate), value: r.containmentRate, col: 'containmentRate' }]);
    chartFigure(figure, 'automation', 'Automatic answers per ' + BY_LABEL[by], path,
      summaryText('automation', 'The bot answered ', el('strong', { id: 'automation-answered', 'data-value': num(total.answered) },
        num(total.answered)), ' conversations; ', num(total.handedOff), ' were handed off to a person, ', num(total.contained),
      ' contained (containment rate ', el('strong', { id: 'automation-containment', 'data-value': total.containmentRate == null ? '' : total.containmentRate },
        percentText(total.containmentRate)), '); ', num(total.suggested), ' answers suggested to agents.'),
      rows.length ? chartImage('automation', hbarChart(rows.map((r) => ({ label: r.key, bars: fields.map(([k, name, colour]) =>
        ({ value: num(r[k]), colour, name })), after: percentText(r.containmentRate) })), (v) => v)) : null,
      rows.length ? legend(fields.map(([, name, colour]) => ({ name, colour }))) : null,
      dataTable('automation', 'Automatic answers per ' + BY_LABEL[by], [cap(BY_LABEL[by])].concat(fields.map(([, n]) => n),
        ['Containment rate']), rows.map((r) => ({ key: r.key, cells: [r.key].concat(cells(r)) })), ['Total'].concat(cells(total))),
      el('p', { class: 'meta' }, 'Containment: conversations the bot answered that were not handed off, out of those it answered.'));
  }

  function drawSla(figure, data, path, f) {
    const by = byFor('sla', f);
    const rows = data.rows || [];
    const total = data.total || {};
    const breached = total.breached != null ? total.breached : rows.reduce((a, r) => a + num(r.breached), 0);
    const conversations = total.conversations != null ? total.conversations
      : rows.reduce((a, r) => a + num(r.conversations), 0);
    chartFigure(figure, 'sla', 'First-response target (SLA) per ' + BY_LABEL[by], path,
      summaryText('sla', el('strong', { id: 'sla-breached', 'data-value': breached }, breached), ' of ',
        conversations, ' conversations breached their first-response target', rows.length ? ': '
          + rows.map((r) => r.key + ' ' + num(r.breached) + ' (' + percentText(r.breachRate) + ')').join(', ') : '', '.'),
      rows.length ? chartImage('sla', hbarChart(rows.map((r) => ({ label: r.key, bars: [
        { value: num(r.conversations), colour: '#8a8f99', name: 'conversations' },
        { value: num(r.warned), colour: '#c9a000', name: 'warned' },
        { value: num(r.breached), colour: '#b3261e', name: 'breached' }], after: percentText(r.breachRate) })), (v) => v)) : null,
      rows.length ? legend([{ name: 'conversations', colour: '#8a8f99' }, { name: 'warned', colour: '#c9a000' },
        { name: 'breached', colour: '#b3261e' }]) : null,
      dataTable('sla', 'First-response target per ' + BY_LABEL[by], [cap(BY_LABEL[by]), 'Conversations', 'Met',
        'Breached', 'Resolved unanswered', 'Warned', 'Breach rate'],
      rows.map((r) => ({ key: r.key, cells: [r.key].concat(slaCells(r)) })),
      data.total && rows.length > 1 ? ['Total'].concat(slaCells(data.total)) : null),
      el('p', { class: 'meta' }, 'Each conversation once, when its first-response target was settled: answered in time (met), '
        + 'breached, or resolved without an answer. Breach rate: breached out of those conversations.'));
  }

  function slaCells(r) {
    return ['conversations', 'met', 'breached', 'closed', 'warned'].map((col) => ({ text: num(r[col]), value: num(r[col]), col }))
      .concat([{ text: percentText(r.breachRate), value: r.breachRate, col: 'breachRate' }]);
  }

  function drawBacklog(figure, data, path, f) {
    const by = byFor('backlog', f);
    const rows = data.rows || [];
    const oldest = data.oldestWaitingSeconds != null ? data.oldestWaitingSeconds
      : rows.reduce((a, r) => Math.max(a, num(r.oldestWaitingSeconds)), 0);
    const waiting = data.waiting != null ? data.waiting : rows.reduce((a, r) => a + num(r.waiting), 0);
    chartFigure(figure, 'backlog', 'Backlog now, per ' + BY_LABEL[by], path,
      summaryText('backlog', el('strong', { id: 'backlog-open', 'data-value': num(data.open) }, num(data.open)),
        ' open conversations, ', el('strong', { id: 'backlog-waiting', 'data-value': waiting }, waiting),
        ' waiting for an answer', waiting ? ', the oldest for ' + durationText(oldest) : '', '.'),
      rows.length ? chartImage('backlog', hbarChart(rows.map((r) => ({ label: r.key, bars: [
        { value: num(r.open), colour: '#2d5be3', name: 'open' }, { value: num(r.waiting), colour: '#e36b2d', name: 'waiting' }],
      after: r.waiting ? 'oldest ' + durationText(r.oldestWaitingSeconds) : '' })), (v) => v)) : null,
      rows.length ? legend([{ name: 'open', colour: '#2d5be3' }, { name: 'waiting for an answer', colour: '#e36b2d' }]) : null,
      dataTable('backlog', 'Backlog per ' + BY_LABEL[by], [cap(BY_LABEL[by]), 'Open', 'Waiting', 'Oldest wait'],
        rows.map((r) => ({ key: r.key, cells: [r.key, { text: num(r.open), value: num(r.open), col: 'open' },
          { text: num(r.waiting), value: num(r.waiting), col: 'waiting' },
          { text: durationText(r.oldestWaitingSeconds), value: r.oldestWaitingSeconds, col: 'oldestWaitingSeconds' }] }))));
  }

  function cap(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  /**
   * Horizontal bars, one group per row: {@code bars} side by side (each its own value), or {@code stacked} parts of
   * one bar; {@code after} is a text at the row's end. Every bar has a title with its value.
   */
  function hbarChart(rows, format) {
    // Drawn at the figure's own width (a phone's too), so that the labels keep their size.
    const width = state.chartWidth || W;
    const LABEL = Math.round(Math.min(170, width * 0.32)), RIGHT = Math.round(Math.min(140, width * 0.27));
    const BAR = 10, GAP = 10;
    const chars = Math.floor(LABEL / 7.5);
    const heights = rows.map((r) => (r.stacked ? 1 : r.bars.length) * BAR + GAP);
    const height = heights.reduce((a, b) => a + b, 0) + 8;
    const max = Math.max(1, ...rows.map((r) => r.stacked ? r.stacked.reduce((a, p) => a + num(p.value), 0)
      : Math.max(0, ...r.bars.map((b) => num(b.value)))));
    const scale = (v) => (width - LABEL - RIGHT) * num(v) / max;
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'hbar' });
    let top = 4;
    rows.forEach((r, i) => {
      root.appendChild(svg('text', { x: LABEL - 6, y: top + (heights[i] - GAP) / 2 + 4, 'text-anchor': 'end' },
        r.label.length > chars ? r.label.slice(0, chars - 1) + '…' : r.label, svg('title', {}, r.label)));
      let end = LABEL;
      if (r.stacked) {
        let x = LABEL;
        for (const p of r.stacked) {
          const width = scale(p.value);
          if (width > 0) root.appendChild(svg('rect', { x, y: top, width, height: BAR, fill: p.colour },
            svg('title', {}, r.label + ', ' + p.name + ': ' + format(p.value))));
          x += width;
        }
        end = x;
      } else {
        r.bars.forEach((b, j) => {
          const width = scale(b.value);
          root.appendChild(svg('rect', { x: LABEL, y: top + j * BAR, width: Math.max(width, b.value ? 1 : 0),
            height: BAR - 1, fill: b.colour }, svg('title', {}, r.label + ', ' + b.name + ': ' + format(b.value))));
          end = Math.max(end, LABEL + width);
        });
      }
      const after = r.after !== undefined ? r.after : r.bars.map((b) => format(b.value)).join(' / ');
      if (after) root.appendChild(svg('text', { x: end + 6, y: top + (heights[i] - GAP) / 2 + 4 }, after));
      top += heights[i];
    });
    return root;
  }

  // ---- knowledge ----
  // The knowledge base the bot answers from (GET /api/knowledge) and a box to try a question against it, showing what
  // the bot would do: each match's confidence and whether it clears the channel's threshold. A hub without a knowledge
  // base answers 404: the view says it is not configured.

  function knowledgeMissing(missing) {
    $('knowledge-missing').hidden = !missing;
    $('knowledge-content').hidden = missing;
  }

  async function loadKnowledge() {
    let data;
    try {
      data = await api('/api/knowledge');
    } catch (e) {
      if (e.status !== 404) throw e;
      knowledgeMissing(true);
      return;
    }
    // A hub without a knowledge: section answers an empty base with no sources.
    const configured = (data.entries || []).length > 0 || (data.sources || []).length > 0;
    knowledgeMissing(!configured);
    if (!configured) return;
    const kinds = await instanceKinds();
    const languages = Array.from(new Set((data.languages || [])
      .concat((data.entries || []).flatMap((e) => e.languages || [])))).sort();
    fillSelect($('knowledge-lang'), languages, $('knowledge-lang').value);
    fillSelect($('knowledge-channel'), kinds.channels, $('knowledge-channel').value);
    const key = JSON.stringify([data, $('knowledge-filter').value]);
    if (state.drawn.knowledge === key) return;
    state.drawn.knowledge = key;
    state.knowledge = data;
    drawKnowledge(data);
  }

  function drawKnowledge(data) {
    const sources = clear($('knowledge-sources').tBodies[0]);
    for (const s of data.sources || []) {
      const st = String(s.state || '').toUpperCase();
      sources.appendChild(el('tr', { 'data-source': s.name, 'data-state': st },
        el('th', { scope: 'row' }, s.name), el('td', {}, s.kind === 'desk' ? 'desk help center' : s.kind || ''),
        el('td', { class: 'entries' }, num(s.entries)),
        el('td', { class: 'state state-' + (st === 'OK' ? 'RUNNING' : st === 'PENDING' ? 'STARTING' : st) },
          { OK: 'OK', FAILED: 'Failed', PENDING: 'Waiting for the first sync' }[st] || st),
        el('td', {}, s.lastSyncAt ? when(s.lastSyncAt) : 'never'),
        el('td', { class: 'last-error' }, s.lastError || '')));
    }
    if (!(data.sources || []).length) sources.appendChild(el('tr', {}, el('td', { colspan: 6, class: 'hint' }, 'No sources.')));
    const filter = $('knowledge-filter').value.trim().toLowerCase();
    const all = data.entries || [];
    const shown = all.filter((e) => !filter || [e.id, e.title, e.source].concat(e.tags || [], e.languages || [])
      .some((v) => String(v || '').toLowerCase().includes(filter)));
    $('knowledge-count').textContent = filter ? '(' + shown.length + ' of ' + all.length + ')' : '(' + all.length + ')';
    const body = clear($('knowledge-entries').tBodies[0]);
    for (const e of shown) {
      const open = (state.knowledgeOpen || new Set()).has(e.id);
      body.appendChild(el('tr', { 'data-entry': e.id },
        el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link entry-toggle', 'aria-expanded': String(open),
          'aria-controls': 'entry-detail-' + e.id, title: 'Show the questions and answers',
          onclick: (event) => toggleEntry(e.id, event.currentTarget) }, e.id)),
        el('td', {}, e.link && /^https?:\/\//.test(e.link) ? el('a', { href: e.link, rel: 'noopener noreferrer',
          target: '_blank' }, e.title || e.id) : (e.title || '')),
        el('td', {}, (e.languages || []).slice().sort().join(', ')),
        el('td', {}, (e.tags || []).map((t) => el('span', { class: 'badge tag' }, t))),
        el('td', {}, e.source || '')));
      const detail = el('tr', { class: 'entry-detail', id: 'entry-detail-' + e.id, hidden: !open },
        el('td', { colspan: 5 }));
      body.appendChild(detail);
      if (open) loadEntry(e.id, detail.firstChild);
    }
    if (!shown.length) body.appendChild(el('tr', {}, el('td', { colspan: 5, class: 'hint' },
      filter ? 'No entry matches the filter.' : 'No entries.')));
  }

  function toggleEntry(id, button) {
    state.knowledgeOpen = state.knowledgeOpen || new Set();
    const row = $('entry-detail-' + id);
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    row.hidden = !open;
    if (open) {
      state.knowledgeOpen.add(id);
      loadEntry(id, row.firstChild);
    } else {
      state.knowledgeOpen.delete(id);
    }
  }

  /** One entry's questions and answer per language (GET /api/knowledge/entries/{id}). */
  async function loadEntry(id, cell) {
    try {
      const e = await api('/api/knowledge/entries/' + encodeURIComponent(id));
      draw(cell, el('dl', { class: 'entry-languages' }, Object.entries(e.languages || {}).flatMap(([lang, t]) => [
        el('dt', {}, lang, t.title ? ': ' + t.title : ''),
        el('dd', {}, el('ul', { class: 'questions' }, (t.questions || []).map((q) => el('li', {}, q))),
          el('div', { class: 'text answer-text' }, t.answer || ''))])));
    } catch (err) {
      draw(cell, el('p', { class: 'error' }, 'Could not load the entry: ' + err.message));
    }
  }

  async function tryQuestion(event) {
    event.preventDefault();
    const q = $('knowledge-q').value.trim();
    const out = $('knowledge-results');
    if (!q) return;
    const p = new URLSearchParams({ q });
    if ($('knowledge-lang').value) p.set('lang', $('knowledge-lang').value);
    if ($('knowledge-channel').value) p.set('channel', $('knowledge-channel').value);
    $('knowledge-search').disabled = true;
    try {
      const r = await api('/api/knowledge/search?' + p.toString());
      drawMatches(out, r);
    } catch (e) {
      if (e.status === 404) knowledgeMissing(true);
      draw(out, el('p', { class: 'error', role: 'alert' }, 'Search failed: ' + e.message));
    } finally {
      $('knowledge-search').disabled = false;
    }
  }

  async function refreshKnowledge() {
    const button = $('knowledge-refresh');
    button.disabled = true;
    status('Reading the knowledge sources again…');
    try {
      await api('/api/knowledge/refresh', { method: 'POST', body: {} });
      state.drawn.knowledge = null;
      await loadKnowledge();
      status('Knowledge sources read again');
    } catch (e) {
      status('Could not read the sources again: ' + e.message);
    } finally {
      button.disabled = false;
    }
  }

  function drawMatches(out, r) {
    const matches = r.matches || [];
    const best = matches.find((m) => m.aboveThreshold);
    const channel = $('knowledge-channel').value;
    draw(out,
      el('p', { id: 'knowledge-verdict', class: 'verdict ' + (best ? 'above' : 'below') },
        best ? 'Above the threshold: the bot would answer with ' : 'Nothing above the threshold: the message would go to the desk as usual',
        best ? el('strong', {}, best.title || best.entryId) : null, best ? ' on a channel in answer mode.' : '.',
        ' Threshold ', el('span', { id: 'knowledge-threshold', 'data-value': r.threshold }, Number(r.threshold).toFixed(2)),
        channel ? ' for channel ' + channel : '', '.'),
      matches.length ? el('ol', { id: 'knowledge-matches', class: 'plain matches' }, matches.map((m) =>
        el('li', { 'data-entry': m.entryId, 'data-above': m.aboveThreshold ? 'true' : 'false' },
          el('div', {}, el('strong', {}, m.title || m.entryId), ' ', el('span', { class: 'meta' }, '(', m.entryId, ')')),
          el('div', { class: 'meta' }, el('label', {}, 'Confidence ',
            el('meter', { min: 0, max: 1, low: r.threshold, optimum: 1, value: m.confidence }), ' ',
            el('span', { class: 'confidence', 'data-value': m.confidence }, Number(m.confidence).toFixed(2))), ' · ',
          el('span', { class: 'badge ' + (m.aboveThreshold ? 'above' : 'below') },
            m.aboveThreshold ? 'above threshold' : 'below threshold')),
          m.answer ? el('div', { class: 'text answer-text' }, m.answer) : null)))
        : el('p', { class: 'hint', id: 'knowledge-matches' }, 'No entry matches.'));
  }

  // ---- start ----

  document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('logout-everywhere').addEventListener('click', logoutEverywhere);
    $('account-form').addEventListener('submit', createAccount);
    $('audit-filters').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $('search-form').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $('search').addEventListener('input', () => { clearTimeout(state.searchTimer); state.searchTimer = setTimeout(refresh, 250); });
    FILTERS.forEach((k) => $('filter-' + k).addEventListener('change', applyConversationFilters));
    $('snippet-form').addEventListener('submit', saveSnippet);
    $('snippet-admin').addEventListener('toggle', () => {
      if ($('snippet-admin').open) loadSnippetAdmin().catch((e) => status('Could not load: ' + e.message));
    });
    $('conversation-filters').addEventListener('submit', (e) => { e.preventDefault(); applyConversationFilters(); });
    $('conversation-more').addEventListener('click', () => {
      state.conversationPages = (state.conversationPages || 1) + 1;
      refresh();
    });
    // "/" goes to the search (not while typing); Alt+A assigns the open conversation to me.
    document.addEventListener('keydown', (event) => {
      if (state.view !== 'conversations' || $('app').hidden) return;
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target || {}).tagName || '');
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        $('search').focus();
      } else if (event.altKey && (event.key === 'a' || event.key === 'A' || event.code === 'KeyA') && state.conversation) {
        event.preventDefault();
        assign(state.conversation, 'me');
      }
    });
    $('contact-search-form').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $('contact-search').addEventListener('input', () => {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(refresh, 250);
    });
    const name = $('agent-name');
    name.value = localStorage.getItem('omnibridge.agent') || '';
    name.addEventListener('change', () => localStorage.setItem('omnibridge.agent', name.value.trim()));
    $('analytics-filters').addEventListener('submit', applyAnalyticsFilters);
    ['analytics-range', 'analytics-channel', 'analytics-desk', 'analytics-by'].forEach((id) =>
      $(id).addEventListener('change', () => {
        // A custom range waits for its dates and the Show button; the other choices apply at once.
        if (id === 'analytics-range' && $(id).value === 'custom') {
          document.querySelectorAll('#analytics-filters .custom-range').forEach((n) => { n.hidden = false; });
          $('analytics-from').focus();
          return;
        }
        applyAnalyticsFilters();
      }));
    $('knowledge-try').addEventListener('submit', tryQuestion);
    $('knowledge-refresh').addEventListener('click', refreshKnowledge);
    $('knowledge-filter').addEventListener('input', () => { if (state.knowledge) drawKnowledge(state.knowledge); });
    window.addEventListener('hashchange', () => { if (!$('app').hidden) route(); });
    try {
      const s = await api('/console/session');
      state.csrf = s.csrf;
      state.principal = s.principal;
      showApp();
    } catch (e) {
      showSso(e.data && e.data.sso);
      showLogin(ssoError(), Boolean(e.data && e.data.tokenLogin));
    }
  });
})();
