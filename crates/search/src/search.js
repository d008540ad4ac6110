/* dvk search client: reads the static index written by `dvk build` (crates/search).
   No framework, no external requests, no innerHTML: every text from the index becomes a DOM
   text node. Matching rules mirror crates/search/src/{text,query}.rs. */
(function () {
  'use strict';
  var root = document.getElementById('search');
  if (!root || !window.fetch || !window.TextDecoder || !window.URLSearchParams) return;

  var base = root.getAttribute('data-base') || '/';
  if (base.charAt(base.length - 1) !== '/') base += '/';
  var PAGE = 10;
  var WEIGHTS = [[1, 20], [2, 15], [4, 4], [8, 1], [16, 1]];
  // Query words adjacent as typed (query.rs PAIR_WEIGHTS, MAX_ADJACENT_PAIRS), two words of a
  // place name (PLACE_BOOST), typo corrections (FUZZY_*, build.rs FUZZY_MIN_CHARS).
  var PAIR_WEIGHTS = [[1, 40], [2, 40], [4, 20], [8, 15], [16, 0]];
  var MAX_PAIRS = 2, PLACE_BOOST = 1000, FUZZY_FACTOR = 0.6, FUZZY_MAX = 3, FUZZY_MIN = 5;
  var PARAMS = { year: 'nam', province: 'tinh', district: 'huyen', field: 'linh-vuc', exemplary: 'dien-hinh' };
  var DIMS = ['year', 'province', 'district', 'field', 'exemplary'];

  function t(name, vars) {
    var s = root.getAttribute('data-t-' + name) || '';
    if (vars) for (var k in vars) s = s.split('{' + k + '}').join(vars[k]);
    return s;
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.appendChild(document.createTextNode(text));
    return e;
  }
  var numFmt = (window.Intl && Intl.NumberFormat) ? new Intl.NumberFormat('vi-VN') : null;
  function num(n) { return numFmt ? numFmt.format(n) : String(n); }

  /* ---- folding and tokenizing (same rules as vntext::fold and text.rs) ---- */
  var COMBINING = /[\u0300-\u036f]/g;
  var TERM = /[\p{Alphabetic}\p{N}]/u;
  var APOS = /['\u2019\u02bc\u2018]/;
  var BREAK = /[.,;:!?()[\]{}"\u201c\u201d\u00ab\u00bb\u2026|\n\r]/;
  var QUOTE = /["\u201c\u201d\u201e\u00ab\u00bb]/;
  var MAX_TERM = 40;
  function fold(s) {
    return s.normalize('NFD').toLowerCase().normalize('NFD').replace(COMBINING, '').replace(/\u0111/g, 'd');
  }
  function isTerm(c) { return TERM.test(c) && !APOS.test(c); }
  var enc = new TextEncoder();
  function utf8len(s) { return enc.encode(s).length; }
  /* Terms of a folded string: [{t, start, end, follows}] with UTF-16 offsets. */
  function tokens(f) {
    var out = [], chars = Array.from(f), pos = [], p = 0, i, n = chars.length, started = false;
    for (i = 0; i < n; i++) { pos.push(p); p += chars[i].length; }
    pos.push(p);
    i = 0;
    while (i < n) {
      var broke = !started;
      while (i < n && !isTerm(chars[i])) { if (BREAK.test(chars[i])) broke = true; i++; }
      if (i >= n) break;
      var s = i, text = '';
      while (i < n) {
        if (isTerm(chars[i])) { text += chars[i]; i++; }
        else if (APOS.test(chars[i]) && i + 1 < n && isTerm(chars[i + 1])) { i++; }
        else break;
      }
      if (text.length > 13 && utf8len(text) > MAX_TERM) { started = false; continue; }
      out.push({ t: text, start: pos[s], end: pos[i], follows: !broke });
      started = true;
    }
    return out;
  }
  /* Query → items: {term, prefix} words and {phrase: [terms]}; see query.rs `parse`. */
  function parse(q) {
    var f = fold(q), parts = f.split(QUOTE), items = [], lastBare = false, seen = {};
    parts.forEach(function (seg, n) {
      var inQuote = n % 2 === 1, words = tokens(seg).map(function (x) { return x.t; });
      if (inQuote && words.length > 1) { items.push({ phrase: words }); lastBare = false; }
      else {
        lastBare = !inQuote && words.length > 0;
        words.forEach(function (w) { items.push({ term: w, prefix: false }); });
      }
    });
    var chars = Array.from(f), last = chars[chars.length - 1];
    if (last && isTerm(last) && lastBare && items.length) items[items.length - 1].prefix = true;
    return items.filter(function (it) {
      var k = it.phrase ? 'p:' + it.phrase.join(' ') : (it.prefix ? 'x:' : 'w:') + it.term;
      if (seen[k]) return false;
      seen[k] = true;
      return true;
    });
  }

  /* ---- index access ---- */
  var M = null, N = 0, cols = null, shardCache = {}, metaCache = {}, OPTIONAL = new Set();
  var utf8 = new TextDecoder();
  function getBin(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + url);
      return r.arrayBuffer();
    });
  }
  function varint(b, st) {
    var v = 0, mul = 1, x;
    do { x = b[st.p++]; v += (x & 127) * mul; mul *= 128; } while (x >= 128);
    return v;
  }
  function cmpKey(a, b) { /* code point order, as the writer's byte order */
    if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
    var x = Array.from(a), y = Array.from(b), i;
    for (i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }
  function parseShard(buf) {
    var b = new Uint8Array(buf), st = { p: 0 }, count = varint(b, st), map = new Map(), key = new Uint8Array(0);
    for (var i = 0; i < count; i++) {
      var shared = varint(b, st), sl = varint(b, st), k = new Uint8Array(shared + sl);
      k.set(key.subarray(0, shared));
      k.set(b.subarray(st.p, st.p + sl), shared);
      st.p += sl;
      key = k;
      var pl = varint(b, st);
      map.set(utf8.decode(k), b.subarray(st.p, st.p + pl));
      st.p += pl;
    }
    return map;
  }
  /* Shard n of a space, named by its tag (4 characters of M.tags[space]; files.rs shard_path). */
  function shardUrl(space, n) {
    return base + 'tim-kiem/i/' + space + '/' + n + '.' + M.tags[space].substr(n * 4, 4) + (space === 'm' ? '.json' : '.bin');
  }
  function shardFor(space, key) {
    var firsts = M[space], lo = 0, hi = firsts.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (cmpKey(firsts[mid], key) <= 0) lo = mid + 1; else hi = mid; }
    if (lo === 0) return Promise.resolve(null);
    var url = shardUrl(space, lo - 1);
    if (!shardCache[url]) {
      shardCache[url] = getBin(url).then(parseShard);
      shardCache[url].catch(function () { delete shardCache[url]; });
    }
    return shardCache[url];
  }
  /* Entry → {lists: [[bit, Uint32Array docs]], df} or null; follows aliases. Decoded once. */
  var entryCache = new Map();
  function lookup(space, key, hops) {
    var ck = space + key, hit = entryCache.get(ck);
    if (!hit) {
      hit = decodeEntry(space, key, hops);
      entryCache.set(ck, hit);
      hit.catch(function () { entryCache.delete(ck); });
    }
    return hit;
  }
  function decodeEntry(space, key, hops) {
    return shardFor(space, key).then(function (shard) {
      var p = shard && shard.get(key);
      if (!p) return null;
      if (p[0] === 0) return hops > 0 ? lookup(space, utf8.decode(p.subarray(1)), hops - 1) : null;
      var st = { p: 1 }, lists = [];
      for (var bit = 1; bit < 256; bit <<= 1) if (p[0] & bit) lists.push([bit, readSet(p, st)]);
      return { lists: lists, df: unionSize(lists) };
    });
  }
  function readSet(b, st) {
    var head = varint(b, st), count = Math.floor(head / 2), out = new Uint32Array(count), i = 0, d;
    if (head & 1) {
      var first = varint(b, st), nb = varint(b, st);
      for (var j = 0; j < nb; j++) {
        var x = b[st.p + j];
        if (x) for (var bit = 0; bit < 8; bit++) if (x & (1 << bit)) out[i++] = first + j * 8 + bit;
      }
      st.p += nb;
    } else {
      d = 0;
      for (; i < count; i++) { d = i === 0 ? varint(b, st) : d + varint(b, st); out[i] = d; }
    }
    return out;
  }
  var scratch = null;
  function unionSize(lists) {
    var n = 0, touched = [];
    lists.forEach(function (l) {
      var docs = l[1];
      for (var i = 0; i < docs.length; i++) if (!scratch[docs[i]]) { scratch[docs[i]] = 1; touched.push(docs[i]); n++; }
    });
    touched.forEach(function (d) { scratch[d] = 0; });
    return n;
  }
  function decodeRuns(runs) {
    var out = new Uint16Array(N), p = 0;
    for (var i = 0; i + 1 < runs.length; i += 2) { out.fill(runs[i], p, p + runs[i + 1]); p += runs[i + 1]; }
    return out;
  }
  function loadManifest() {
    return fetch(base + 'tim-kiem/index.json', { cache: 'no-cache' }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (m) {
      M = m; N = m.n; scratch = new Uint8Array(N); OPTIONAL = new Set(m.optional || []);
      cols = {};
      ['kind', 'year', 'province', 'district', 'field', 'exemplary'].forEach(function (c) { cols[c] = decodeRuns(m.runs[c]); });
      return m;
    });
  }
  function meta(doc) {
    var url = shardUrl('m', Math.floor(doc / M.meta));
    if (!metaCache[url]) {
      metaCache[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
      metaCache[url].catch(function () { delete metaCache[url]; });
    }
    return metaCache[url].then(function (rows) { return rows[doc % M.meta]; });
  }

  /* ---- evaluation (mirrors query.rs Index::search) ---- */
  function addScores(entry, into, factor, mode, weights) {
    if (!entry) return;
    var idf = Math.log(1 + N / Math.max(1, entry.df));
    var tmp = mode === 'max' ? new Float64Array(N) : into, touched = mode === 'max' ? [] : null;
    entry.lists.forEach(function (l) {
      var w = 0;
      (weights || WEIGHTS).forEach(function (x) { if (x[0] === l[0]) w = x[1]; });
      var docs = l[1];
      for (var i = 0; i < docs.length; i++) {
        if (touched && tmp[docs[i]] === 0) touched.push(docs[i]);
        tmp[docs[i]] += w * idf * factor;
      }
    });
    if (touched) touched.forEach(function (d) { if (tmp[d] > into[d]) into[d] = tmp[d]; });
  }
  function markAll(entry, match) {
    if (!entry) return;
    entry.lists.forEach(function (l) { var docs = l[1]; for (var i = 0; i < docs.length; i++) match[docs[i]] = 1; });
  }
  /* Edit distance with adjacent transpositions, to `b` or to its closest prefix (query.rs). */
  function editDistance(a, b, prefix) {
    a = Array.from(a); b = Array.from(b);
    var m = a.length, n = b.length, d = [], i, j;
    for (i = 0; i <= m; i++) { d.push(new Array(n + 1).fill(0)); d[i][0] = i; }
    for (j = 0; j <= n; j++) d[0][j] = j;
    for (i = 1; i <= m; i++) for (j = 1; j <= n; j++) {
      var v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
    return prefix ? Math.min.apply(null, d[m]) : d[m][n];
  }
  /* A word found nowhere: the vocabulary's terms one edit away (same first letter, most
     frequent first), looked up in place of it. */
  function corrections(term, prefix) {
    var chars = Array.from(term);
    if (chars.length < FUZZY_MIN || !M.vocab) return Promise.resolve([]);
    return shardFor('vocab', chars[0]).then(function (shard) {
      var p = shard && shard.get(chars[0]);
      if (!p || p[0] !== 0) return [];
      var out = [], list = utf8.decode(p.subarray(1)).split('\n');
      for (var i = 0; i < list.length && out.length < FUZZY_MAX; i++) {
        if (list[i] !== term && editDistance(term, list[i], prefix) <= 1) out.push(list[i]);
      }
      return Promise.all(out.map(function (c) { return lookup('w', c, 1); })).then(function (entries) {
        entries.terms = out;
        return entries;
      });
    });
  }
  function evaluate(items) {
    var jobs = items.map(function (it) {
      if (it.phrase) {
        var pairs = [];
        for (var i = 0; i + 1 < it.phrase.length; i++) pairs.push(lookup('p', it.phrase[i] + ' ' + it.phrase[i + 1], 0));
        return Promise.all(pairs);
      }
      return Promise.all([lookup('w', it.term, 1), it.prefix ? lookup('w', it.term + '\u0001', 1) : null]).then(function (f) {
        if (f[0] || f[1]) return f;
        return corrections(it.term, it.prefix).then(function (c) { f.fuzzy = c; f.fuzzyTerms = c.terms || []; return f; });
      });
    });
    /* Function words (ở, của, và, huyện…) only rank, unless the query has nothing else. */
    var optional = items.map(function (it) { return !it.phrase && !it.prefix && OPTIONAL.has(it.term); });
    if (optional.every(Boolean)) optional = optional.map(function () { return false; });
    var need = optional.filter(function (o) { return !o; }).length;
    // Words adjacent as typed: their pair adds to the docs that have it (the first and
    // the last), fetched beside the words. A word corrected for a typo pairs as its first correction.
    var pairAt = [];
    for (var k = 0; k + 1 < items.length; k++) {
      if (items[k].phrase || items[k + 1].phrase || optional[k] || optional[k + 1]) continue;
      pairAt.push(k);
    }
    if (pairAt.length > MAX_PAIRS) pairAt = pairAt.slice(0, MAX_PAIRS - 1).concat(pairAt.slice(-1));
    jobs.push(Promise.all(pairAt.map(function (k) { return lookup('p', items[k].term + ' ' + items[k + 1].term, 0); })));
    return Promise.all(jobs).then(function (found) {
      var eff = items.map(function (it, k) { var f = found[k]; return f && f.fuzzy && f.fuzzy.length ? f.fuzzyTerms[0] : it.term; });
      var typed = found[found.length - 1];
      return Promise.all(pairAt.map(function (k, i) {
        return eff[k] === items[k].term && eff[k + 1] === items[k + 1].term ? typed[i] : lookup('p', eff[k] + ' ' + eff[k + 1], 0);
      })).then(function (pairs) { found[found.length - 1] = pairs; return found; });
    }).then(function (found) {
      var pairs = found.pop();
      var total = new Float64Array(N), hits = new Uint8Array(N);
      var score = new Float64Array(N), match = new Uint8Array(N);
      items.forEach(function (it, k) {
        var f = found[k], d;
        score.fill(0);
        match.fill(0);
        if (it.phrase) {
          if (f.some(function (e) { return !e; })) return;
          markAll(f[0], match);
          for (var j = 1; j < f.length; j++) {
            var m2 = new Uint8Array(N);
            markAll(f[j], m2);
            for (d = 0; d < N; d++) match[d] &= m2[d];
          }
          addScores(f[0], score, 2, 'add');
        } else if (f.fuzzy) {
          f.fuzzy.forEach(function (e) { markAll(e, match); addScores(e, score, FUZZY_FACTOR, 'max'); });
        } else {
          markAll(f[0], match);
          markAll(f[1], match);
          addScores(f[0], score, 1, 'add');
          addScores(f[1], score, 0.5, 'max');
        }
        if (optional[k]) { for (d = 0; d < N; d++) if (match[d]) total[d] += score[d]; }
        else for (d = 0; d < N; d++) if (match[d]) { hits[d]++; total[d] += score[d]; }
      });
      pairs.forEach(function (e) {
        if (!e) return;
        addScores(e, total, 1, 'add', PAIR_WEIGHTS);
        /* Two adjacent words of a doc's place name: the query names that place. */
        e.lists.forEach(function (l) { if (l[0] === 2) for (var i = 0; i < l[1].length; i++) total[l[1][i]] += PLACE_BOOST; });
      });
      return { total: total, hits: hits, need: need };
    });
  }

  /* ---- filters ---- */
  var filters = { year: 0, province: 0, district: 0, field: 0, exemplary: 0 };
  function facetValues(dim) {
    if (dim === 'year') return M.years.map(function (y) { return { label: String(y), slug: String(y) }; });
    if (dim === 'province') return M.provinces.map(function (p) { return { label: p[0], slug: p[1] }; });
    if (dim === 'district') return M.districts.map(function (d) { return { label: d[1], slug: d[2], province: d[0] + 1 }; });
    if (dim === 'field') return M.fields.map(function (f) { return { label: f[0], slug: f[1] }; });
    return [{ label: '1', slug: '1' }];
  }
  function filtersFromParams(params) {
    DIMS.forEach(function (dim) {
      var v = params.get(PARAMS[dim]), vals = facetValues(dim);
      filters[dim] = 0;
      if (!v) return;
      for (var i = 0; i < vals.length; i++) {
        if (vals[i].slug === v && (dim !== 'district' || !filters.province || vals[i].province === filters.province)) {
          filters[dim] = i + 1;
          if (dim === 'district' && !filters.province) filters.province = vals[i].province;
          break;
        }
      }
    });
  }
  function anyFilter() { return DIMS.some(function (d) { return filters[d]; }); }
  function failMask(doc) {
    var m = 0;
    if (filters.year && cols.year[doc] !== filters.year) m |= 1;
    if (filters.province && cols.province[doc] !== filters.province) m |= 2;
    if (filters.district && cols.district[doc] !== filters.district) m |= 4;
    if (filters.field && cols.field[doc] !== filters.field) m |= 8;
    if (filters.exemplary && cols.exemplary[doc] !== 1) m |= 16;
    return m;
  }

  /* ---- highlighting ---- */
  var foldCache = new Map();
  function foldChar(c) {
    var f = foldCache.get(c);
    if (f === undefined) { f = fold(c); foldCache.set(c, f); }
    return f;
  }
  function matcher(items) {
    var exact = {}, prefixes = [];
    items.forEach(function (it) {
      if (it.phrase) it.phrase.forEach(function (w) { exact[w] = 1; });
      else if (it.prefix) prefixes.push(it.term);
      else exact[it.term] = 1;
    });
    return function (term) {
      if (exact[term]) return true;
      for (var i = 0; i < prefixes.length; i++) if (term.lastIndexOf(prefixes[i], 0) === 0) return true;
      return false;
    };
  }
  /* Ranges [start, end) of `text` (original, accents kept) whose folded terms match. */
  function matchRanges(text, isMatch) {
    var folded = '', map = [], o = 0;
    Array.from(text).forEach(function (ch) {
      var f = foldChar(ch);
      for (var k = 0; k < f.length; k++) map.push(o);
      folded += f;
      o += ch.length;
    });
    map.push(o);
    var out = [];
    tokens(folded).forEach(function (tk) {
      if (isMatch(tk.t)) {
        var e = tk.end < map.length - 1 ? map[tk.end] : o;
        out.push([map[tk.start], e]);
      }
    });
    return out;
  }
  function highlighted(parent, text, isMatch) {
    var pos = 0;
    matchRanges(text, isMatch).forEach(function (r) {
      if (r[0] > pos) parent.appendChild(document.createTextNode(text.slice(pos, r[0])));
      parent.appendChild(el('mark', null, text.slice(r[0], r[1])));
      pos = r[1];
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
    return parent;
  }
  function excerptWindow(text, isMatch) {
    var r = matchRanges(text, isMatch);
    if (text.length <= 200 || !r.length || r[0][0] < 100) return text;
    var start = text.lastIndexOf(' ', r[0][0] - 60);
    return '\u2026 ' + text.slice(start < 0 ? 0 : start + 1);
  }

  /* ---- page ---- */
  var form = $('search-form'), input = $('search-q'), status = $('search-status'), list = $('search-results');
  var more = $('search-more'), filterBox = $('search-filters'), browse = $('search-browse');
  var seq = 0, ranked = [], shown = 0, lastItems = [];
  var ready = null, reloaded = false;

  function setState(s) { root.setAttribute('data-state', s); }
  function say(text) { status.textContent = text; }

  var urlTimer = 0;
  function syncUrlSoon(q) {
    clearTimeout(urlTimer);
    urlTimer = setTimeout(function () { syncUrl(q); }, 400);
  }
  function syncUrl(q) {
    clearTimeout(urlTimer);
    var p = new URLSearchParams();
    if (q) p.set('q', q);
    DIMS.forEach(function (dim) {
      if (!filters[dim]) return;
      p.set(PARAMS[dim], dim === 'exemplary' ? '1' : facetValues(dim)[filters[dim] - 1].slug);
    });
    var s = p.toString(), url = location.pathname + (s ? '?' + s : '') + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
  }

  function buildSelect(dim, counts, label) {
    var wrap = el('div', 'search-filter search-filter-' + dim), id = 'search-f-' + dim;
    var lab = el('label', null, label);
    lab.htmlFor = id;
    var sel = el('select');
    sel.id = id;
    sel.name = PARAMS[dim];
    var all = el('option', null, t('all'));
    all.value = '';
    sel.appendChild(all);
    facetValues(dim).forEach(function (v, i) {
      if (dim === 'district' && v.province !== filters.province) return;
      var c = counts[i + 1];
      if (!c && filters[dim] !== i + 1) return;
      var o = el('option', null, v.label + ' (' + num(c) + ')');
      o.value = v.slug;
      if (filters[dim] === i + 1) o.selected = true;
      sel.appendChild(o);
    });
    sel.addEventListener('change', function () {
      var vals = facetValues(dim), v = sel.value;
      filters[dim] = 0;
      for (var i = 0; i < vals.length; i++) if (vals[i].slug === v && (dim !== 'district' || vals[i].province === filters.province)) filters[dim] = i + 1;
      if (dim === 'province') filters.district = 0;
      run(true, id);
    });
    wrap.appendChild(lab);
    wrap.appendChild(sel);
    return wrap;
  }

  function renderFilters(counts, focusId) {
    var box = el('fieldset', 'search-filter-set');
    box.appendChild(el('legend', null, t('filters')));
    box.appendChild(buildSelect('year', counts.year, t('year')));
    box.appendChild(buildSelect('province', counts.province, t('province')));
    if (filters.province) box.appendChild(buildSelect('district', counts.district, t('district')));
    box.appendChild(buildSelect('field', counts.field, t('field')));
    var ex = el('div', 'search-filter search-filter-exemplary'), cb = el('input');
    cb.type = 'checkbox';
    cb.id = 'search-f-exemplary';
    cb.name = PARAMS.exemplary;
    cb.value = '1';
    cb.checked = !!filters.exemplary;
    cb.addEventListener('change', function () { filters.exemplary = cb.checked ? 1 : 0; run(true, cb.id); });
    var lab = el('label', null, t('exemplary') + ' (' + num(counts.exemplary[1]) + ')');
    lab.htmlFor = cb.id;
    ex.appendChild(cb);
    ex.appendChild(lab);
    box.appendChild(ex);
    if (anyFilter()) {
      var clear = el('button', 'search-clear', t('clear'));
      clear.type = 'button';
      clear.addEventListener('click', function () {
        DIMS.forEach(function (d) { filters[d] = 0; });
        run(true, 'search-q');
      });
      box.appendChild(clear);
    }
    filterBox.textContent = '';
    filterBox.appendChild(box);
    filterBox.hidden = false;
    if (focusId && $(focusId)) $(focusId).focus();
  }

  function renderHit(doc, row, isMatch) {
    var li = el('li', 'search-hit'), h = el('h3', 'search-hit-title'), a = el('a');
    a.href = base + row[0];
    highlighted(a, row[1], isMatch);
    h.appendChild(a);
    li.appendChild(h);
    var info = el('p', 'search-hit-meta'), parts = [];
    var kind = cols.kind[doc];
    if (kind === 1) parts.push(t('article'));
    if (kind === 2) parts.push(t('page'));
    if (row[2]) parts.push(highlighted(el('span', 'search-hit-place'), row[2], isMatch));
    if (cols.year[doc]) parts.push(el('span', 'search-hit-year', String(M.years[cols.year[doc] - 1])));
    if (cols.field[doc]) parts.push(el('span', 'search-hit-field', M.fields[cols.field[doc] - 1][0]));
    parts.forEach(function (p, i) {
      if (i) info.appendChild(document.createTextNode(' · '));
      info.appendChild(typeof p === 'string' ? document.createTextNode(p) : p);
    });
    if (cols.exemplary[doc]) { info.appendChild(document.createTextNode(' ')); info.appendChild(el('span', 'search-badge', t('badge'))); }
    li.appendChild(info);
    if (row[3]) li.appendChild(highlighted(el('p', 'search-hit-excerpt'), excerptWindow(row[3], isMatch), isMatch));
    return li;
  }

  function showMore(my) {
    var docs = ranked.slice(shown, shown + PAGE), isMatch = matcher(lastItems);
    return Promise.all(docs.map(meta)).then(function (rows) {
      if (my !== seq) return;
      var frag = document.createDocumentFragment();
      docs.forEach(function (d, i) { if (rows[i]) frag.appendChild(renderHit(d, rows[i], isMatch)); });
      list.appendChild(frag);
      shown += docs.length;
      more.hidden = shown >= ranked.length;
    });
  }

  function run(fromFilter, focusId) {
    var my = ++seq, q = input.value, items = parse(q);
    if (fromFilter) syncUrl(q); else syncUrlSoon(q);
    if (!items.length && !anyFilter()) {
      ranked = [];
      list.textContent = '';
      more.hidden = true;
      say('');
      if (browse) browse.hidden = false;
      root.removeAttribute('data-query');
      if (M) renderFilters(countAll(null), fromFilter ? focusId : null);
      setState('idle');
      return Promise.resolve();
    }
    setState('busy');
    if (!M) say(t('loading'));
    return ready.then(function () {
      return items.length ? evaluate(items) : null;
    }).then(function (res) {
      if (my !== seq) return;
      var need = res ? res.need : 0, hits = res && res.hits, docs = [], counts = newCounts(), d;
      var cy = cols.year, cp = cols.province, cd = cols.district, cf = cols.field, ce = cols.exemplary;
      var ny = counts.year, np = counts.province, nd = counts.district, nf = counts.field, ne = counts.exemplary;
      if (!anyFilter()) {
        for (d = 0; d < N; d++) {
          if (hits && hits[d] !== need) continue;
          ny[cy[d]]++; np[cp[d]]++; nd[cd[d]]++; nf[cf[d]]++; ne[ce[d]]++;
          docs.push(d);
        }
      } else {
        for (d = 0; d < N; d++) {
          if (hits && hits[d] !== need) continue;
          var fm = failMask(d);
          count(counts, d, fm);
          if (!fm) docs.push(d);
        }
      }
      if (res) docs = byScore(docs, res.total);
      ranked = docs;
      shown = 0;
      lastItems = items;
      renderFilters(counts, fromFilter ? focusId : null);
      list.textContent = '';
      return showMore(my).then(function () {
        if (my !== seq) return;
        if (browse) browse.hidden = true;
        if (ranked.length) say(t('count', { n: num(ranked.length) }));
        else say(q.trim() ? t('none', { q: q.trim() }) : t('none-filtered'));
        root.setAttribute('data-query', q);
        root.setAttribute('data-count', String(ranked.length));
        setState('done');
      });
    }).catch(function (e) {
      if (my !== seq) return;
      if (!reloaded && M) {
        /* The site may have been rebuilt since the manifest was read: shards live in a
           content-hashed folder, so read the manifest again and retry once. */
        reloaded = true;
        shardCache = {}; metaCache = {}; entryCache.clear();
        ready = loadManifest().then(function () { filtersFromParams(new URLSearchParams(location.search)); });
        return run(fromFilter, focusId);
      }
      say(t('error'));
      setState('error');
      if (window.console) console.error(e);
    });
  }
  /* Sorts docs by score (best first), then doc number: one numeric sort of packed keys. */
  function byScore(docs, score) {
    var keys = new Float64Array(docs.length), SHIFT = 1048576, i;
    for (i = 0; i < docs.length; i++) keys[i] = (1073741824 - Math.min(1073741823, Math.round(score[docs[i]] * 1024))) * SHIFT + docs[i];
    keys.sort();
    var out = new Array(docs.length);
    for (i = 0; i < keys.length; i++) out[i] = keys[i] % SHIFT;
    return out;
  }
  function newCounts() {
    var c = {};
    DIMS.forEach(function (dim) { c[dim] = new Uint32Array(dim === 'exemplary' ? 2 : facetValues(dim).length + 1); });
    return c;
  }
  function count(c, d, fm) {
    if ((fm & ~1) === 0) c.year[cols.year[d]]++;
    if ((fm & ~2) === 0) c.province[cols.province[d]]++;
    if ((fm & ~4) === 0) c.district[cols.district[d]]++;
    if ((fm & ~8) === 0) c.field[cols.field[d]]++;
    if ((fm & ~16) === 0) c.exemplary[cols.exemplary[d]]++;
  }
  function countAll() {
    var c = newCounts();
    for (var d = 0; d < N; d++) count(c, d, failMask(d));
    return c;
  }

  function fromLocation() {
    var params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    return ready.then(function () { filtersFromParams(params); }, function () {});
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); run(true, 'search-q'); });
  input.addEventListener('input', function () { run(); });
  more.addEventListener('click', function () {
    var first = shown;
    showMore(seq).then(function () {
      var next = list.children[first];
      var link = next && next.querySelector('a');
      if (link) link.focus();
    });
  });
  window.addEventListener('popstate', function () { fromLocation().then(function () { run(); }); });

  setState('loading');
  ready = loadManifest();
  ready.catch(function (e) { say(t('error')); setState('error'); if (window.console) console.error(e); });
  root.classList.add('search-js');
  fromLocation().then(function () { return run(); });
})();
