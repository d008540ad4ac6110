// dvk serve: live reload and error overlay. Served only by `dvk serve`, never published.
// Long-polls /__dvk/poll; reloads the tab when its page changed; shows the content errors
// (the same `path:line:col: error: message` lines as the terminal) over the last good page.
(() => {
  'use strict';
  const script = document.currentScript;
  let v = Number(new URL(script ? script.src : location.href).searchParams.get('v')) || 0;
  const page = location.pathname;
  let box = null;
  let dismissed = '';

  function loadStyles() {
    if (document.querySelector('link[data-dvk-overlay]')) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/__dvk/overlay.css';
    link.setAttribute('data-dvk-overlay', '');
    document.head.appendChild(link);
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function show(errors, s) {
    const key = errors.join('\n');
    if (key === dismissed) return;
    loadStyles();
    hide();
    box = document.createElement('div');
    box.id = 'dvk-overlay';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-labelledby', 'dvk-overlay-title');
    box.setAttribute('aria-describedby', 'dvk-overlay-hint');
    box.lang = s.lang || 'vi';
    const inner = document.createElement('div');
    inner.className = 'dvk-box';
    const h = document.createElement('h2');
    h.id = 'dvk-overlay-title';
    h.textContent = s.title || 'Errors';
    const count = document.createElement('p');
    count.className = 'dvk-count';
    count.textContent = (s.count || '{n}').replace('{n}', String(errors.length));
    const hint = document.createElement('p');
    hint.id = 'dvk-overlay-hint';
    hint.textContent = s.hint || '';
    const list = document.createElement('pre');
    list.className = 'dvk-errors';
    list.textContent = errors.join('\n');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = s.close || '×';
    close.addEventListener('click', () => { dismissed = key; hide(); });
    inner.append(h, count, hint, list, close);
    box.appendChild(inner);
    document.body.appendChild(box);
    close.focus({ preventScroll: true });
  }

  async function loop() {
    let now = true;
    for (;;) {
      let r;
      try {
        const res = await fetch(`/__dvk/poll?v=${v}&p=${encodeURIComponent(page)}${now ? '&now=1' : ''}`, { cache: 'no-store' });
        if (!res.ok) throw new Error(String(res.status));
        r = await res.json();
      } catch (e) {
        // Server stopped or restarting: try again a little later.
        await new Promise((ok) => setTimeout(ok, 1000));
        continue;
      }
      now = false;
      if (r.reload) { location.reload(); return; }
      v = r.v;
      if (r.errors && r.errors.length) show(r.errors, r.strings || {}); else { dismissed = ''; hide(); }
    }
  }
  window.__dvkReload = { version: () => v };
  loop();
})();
