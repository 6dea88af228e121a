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
    if (!res.ok) throw new HttpError(res.status, (data && data.error) || ('HTTP ' + res.status));
    return data;
  }

  // ---- login ----

  function showLogin(message) {
    stopTimer();
    state.csrf = null;
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-token').focus();
  }

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const data = await api('/console/login', { method: 'POST', body: { token: $('login-token').value } });
      $('login-token').value = '';
      state.csrf = data.csrf;
      showApp();
    } catch (e) {
      $('login-error').textContent = e.status === 401 ? 'Wrong admin token.' : e.message;
    }
  }

  async function logout() {
    try { await api('/console/logout', { method: 'POST' }); } catch (e) { /* logged out either way */ }
    showLogin('Logged out.');
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    route();
  }

  // ---- views ----

  const views = { 'instances': loadInstances, 'conversations': loadConversations, 'contacts': loadContacts,
    'dead-letters': loadDeadLetters, 'charts': loadCharts };

  function route() {
    // "#contacts/<id>" and "#/contacts/<id>" (the form the hub's desk notes link to) are the same place.
    const hash = location.hash.replace(/^#\/?/, '');
    const [name, arg] = hash.split('/');
    const view = views[name] ? name : 'instances';
    state.view = view;
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + view; });
    document.querySelectorAll('header nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
    if (view === 'conversations') state.conversation = arg ? decodeURIComponent(arg) : state.conversation;
    if (view === 'contacts') state.contact = arg ? decodeURIComponent(arg) : state.contact;
    refresh();
    stopTimer();
    // An open conversation refreshes faster, so a live chat's messages and typing show up promptly.
    state.timer = setInterval(refresh, view === 'conversations' && state.conversation ? 2000 : 4000);
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
        el('td', { class: 'actions' },
          el('button', { type: 'button', 'data-action': 'start', disabled: i.state === 'RUNNING',
            onclick: () => control(id, 'start') }, 'Start'),
          el('button', { type: 'button', 'data-action': 'stop', class: 'secondary', disabled: i.state === 'STOPPED',
            onclick: () => control(id, 'stop') }, 'Stop'),
          el('button', { type: 'button', 'data-action': 'restart', class: 'secondary',
            onclick: () => control(id, 'restart') }, 'Restart'))));
    }
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

  async function loadConversations() {
    const q = $('search').value.trim();
    const data = await api('/api/conversations?limit=200' + (q ? '&q=' + encodeURIComponent(q) : ''));
    // Redrawn only when something changed, so the refresh never takes the keyboard focus away from a link.
    const key = JSON.stringify([data.conversations, state.conversation]);
    if (state.drawn.conversationList !== key) {
      state.drawn.conversationList = key;
      drawConversationList(data.conversations);
    }
    if (state.conversation) await loadConversation(state.conversation);
  }

  function drawConversationList(conversations) {
    const list = clear($('conversation-list'));
    for (const c of conversations) {
      const address = c.customer ? c.customer.value : '';
      // A link, so that the keyboard reaches it too (Tab, Enter); the URL carries the conversation's id only.
      const selected = c.id === state.conversation;
      list.appendChild(el('li', { 'data-conversation': c.id, class: selected ? 'selected' : null },
        el('a', { href: conversationHref(c.id), 'aria-current': selected ? 'page' : null },
          el('div', { class: 'who' }, c.contactName || address || c.threadKey, timerBadge(c.firstResponse)),
          el('div', { class: 'meta' }, address, ' · ', c.channel.instanceId, ' · ', c.status, ' · ',
            when(c.lastMessageAt)))));
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
      detail.appendChild(el('div', { id: 'conversation-body' }));
      if ((conv.inboxes || []).length) detail.appendChild(answerBox(conv));
    }
    const resolveButton = $('resolve');
    if (resolveButton) resolveButton.disabled = conv.status === 'RESOLVED';
    const body = clear($('conversation-body'));
    const contact = conv.contact || {};
    body.appendChild(el('h2', { class: 'contact-name' }, contact.displayName || (conv.customer || {}).value || id));
    if (conv.contactId) {
      body.appendChild(el('p', { class: 'meta' }, el('a', { id: 'conversation-contact', href: contactHref(conv.contactId) },
        'Contact page: every channel of this customer')));
    }
    body.appendChild(el('p', { class: 'meta' },
      (contact.addresses || []).map((a) => a.kind + ' ' + a.value).join(', '),
      ' · channel ', conv.channel.instanceId, ' (', conv.channel.type, ') · ', el('span', { id: 'conversation-status' }, conv.status)));
    if (conv.customerUnreachable) {
      body.appendChild(el('p', { class: 'error', id: 'customer-unreachable' }, 'Customer takes no messages: ',
        conv.customerUnreachable, ' ',
        el('button', { type: 'button', id: 'customer-reachable', class: 'secondary',
          title: 'Hand replies to the channel again; it marks the address again if it still cannot deliver',
          onclick: () => markReachable(conv.id) }, 'Allow messages again')));
    }
    const tickets = Object.entries(conv.deskTickets || {});
    body.appendChild(el('p', { class: 'tickets' }, 'Desk tickets: ',
      tickets.length ? tickets.map(([desk, ref]) => el('span', { class: 'ticket', 'data-desk': desk }, desk, ': ', ref, ' '))
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
      .concat(skipped.map((a) => ({ at: Date.parse(a.at), node: skippedItem(a) })));
    entries.sort((a, b) => (a.at || 0) - (b.at || 0));
    for (const entry of entries) timeline.appendChild(entry.node);
    body.appendChild(timeline);
    if (conv.customerTypingAt) body.appendChild(el('p', { class: 'hint', id: 'customer-typing' }, 'Customer is typing…'));
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

  function messageItem(view, automation) {
    const m = view.message;
    const autoAck = m.direction === 'OUTBOUND' && (m.tags || []).includes('auto-ack');
    const kind = (m.direction || '').toLowerCase() + (autoAck ? ' auto-ack' : '');
    const author = m.author || {};
    const label = m.direction === 'INTERNAL' ? 'Internal note' : autoAck ? 'Automatic acknowledgement'
      : m.direction === 'OUTBOUND' ? 'Reply' : 'Customer';
    return el('li', { class: 'msg ' + kind, 'data-message-id': m.id },
      el('div', { class: 'meta' }, label, ' · ', author.displayName || author.role || '', ' · ', when(m.receivedAt)),
      m.subject ? el('div', { class: 'subject' }, m.subject) : null,
      el('div', { class: 'text' }, m.text || ''),
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

  function answerBox(conv) {
    const text = el('textarea', { id: 'answer-text', 'data-conversation': conv.id, maxlength: 20000,
      placeholder: 'Answer the customer (goes out through ' + conv.channel.instanceId + ')' });
    let typingSent = 0;
    text.addEventListener('input', () => {
      // A hint for live channels; at most one every 3 s, and failures do not matter.
      if (Date.now() - typingSent < 3000) return;
      typingSent = Date.now();
      api('/api/conversations/' + encodeURIComponent(conv.id) + '/typing', { method: 'POST', body: {} }).catch(() => {});
    });
    const send = el('button', { type: 'submit', id: 'answer-send' }, 'Send reply');
    const resolve = el('button', { type: 'button', id: 'resolve', class: 'secondary',
      disabled: conv.status === 'RESOLVED', onclick: () => resolveConversation(conv.id) }, 'Resolve');
    const error = el('p', { class: 'error', id: 'answer-error', role: 'alert' });
    const form = el('form', { class: 'answer', id: 'answer-form', onsubmit: async (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      send.disabled = true;
      try {
        await api('/api/conversations/' + encodeURIComponent(conv.id) + '/replies', { method: 'POST',
          body: { text: text.value, author: $('agent-name').value.trim() || 'Agent', inbox: conv.inboxes[0] } });
        text.value = '';
        error.textContent = '';
        await loadConversation(conv.id);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        send.disabled = false;
      }
    } }, text, el('div', { class: 'buttons' }, send, resolve), error);
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
      svg('svg', { width: 10, height: 10 }, svg('rect', { width: 10, height: 10, fill: s.colour })), ' ', s.name)));
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
        'data-series': s.name }, svg('title', {}, s.name)));
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

  // ---- start ----

  document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('search-form').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $('search').addEventListener('input', () => { clearTimeout(state.searchTimer); state.searchTimer = setTimeout(refresh, 250); });
    $('contact-search-form').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $('contact-search').addEventListener('input', () => {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(refresh, 250);
    });
    const name = $('agent-name');
    name.value = localStorage.getItem('omnibridge.agent') || '';
    name.addEventListener('change', () => localStorage.setItem('omnibridge.agent', name.value.trim()));
    window.addEventListener('hashchange', () => { if (!$('app').hidden) route(); });
    try {
      const s = await api('/console/session');
      state.csrf = s.csrf;
      showApp();
    } catch (e) {
      showLogin('');
    }
  });
})();
