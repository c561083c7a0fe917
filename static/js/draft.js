// Draft page: the highlights the reader switched on, one toolbar for the sentence in hand,
// keyboard movement between sentences, click-to-mark, and marking a selected span.
// Everything here is an enhancement: without JavaScript each sentence's own button still posts
// the form and the page reloads at that sentence, and the highlights form posts the choice.
(function () {
  "use strict";
  const form = document.getElementById("draft-text");
  if (!form) return;
  form.classList.add("js-on");
  document.documentElement.classList.add("js");
  const canMark = form.dataset.canMark === "1";
  const bar = document.getElementById("selection-bar");
  const toolbar = document.getElementById("unit-toolbar");
  let currentId = null;

  // The checkable units (site furniture is not checked).
  const units = () => Array.from(form.querySelectorAll(".u:not(.u-boilerplate)"));
  const index = (unit) => unit.id.slice(2); // "u-12" → "12"

  // --- Highlights: each unit's data-h ("n4-9 d12-20": type letter, code-point offsets from the
  // unit's start; factcheck.drafts.selectors.PART_LETTERS) painted for the types ticked in the
  // highlights form. The server cuts in the parts of the types the reader had on when the page
  // was built (so they show without JavaScript); a repaint starts from the bare text.
  const KINDS = { n: "number", d: "date", e: "entity", q: "quote", a: "attribution", c: "comparison", v: "event" };
  const shown = () => new Set(Array.from(document.querySelectorAll("#highlights input[name=show]:checked"), (box) => box.value));

  // The text nodes of a unit's text (not its trailing status, buttons), with their code-point
  // offsets from the unit's start.
  function textNodes(unit) {
    const walker = document.createTreeWalker(unit, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest("a, small") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const out = [];
    let at = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = Array.from(node.data).length;
      out.push({ node, start: at, end: at + length });
      at += length;
    }
    return out;
  }

  // Code points → UTF-16 offset in a string.
  const utf16 = (text, codePoints) => Array.from(text).slice(0, codePoints).join("").length;

  function wrap(node, from, to, kind) {
    // node.data[from:to] (UTF-16) in a mark of the part's type.
    let middle = from > 0 ? node.splitText(from) : node;
    if (to - from < middle.data.length) middle.splitText(to - from);
    const mark = document.createElement("mark");
    mark.className = "part part-" + kind + " painted";
    mark.title = kind;
    middle.parentNode.insertBefore(mark, middle);
    mark.appendChild(middle);
  }

  function paint(unit, kinds) {
    for (const mark of unit.querySelectorAll("mark.part")) mark.replaceWith(...mark.childNodes);
    unit.normalize();
    const data = unit.dataset.h;
    if (!data || !kinds.size) return;
    for (const item of data.split(" ")) {
      const kind = KINDS[item[0]];
      if (!kinds.has(kind)) continue;
      const [start, end] = item.slice(1).split("-").map(Number);
      // Fresh each time: wrapping splits the nodes.
      for (const piece of textNodes(unit)) {
        if (piece.end <= start || piece.start >= end) continue;
        const from = utf16(piece.node.data, Math.max(0, start - piece.start));
        const to = utf16(piece.node.data, Math.min(piece.end, end) - piece.start);
        if (to > from) wrap(piece.node, from, to, kind);
      }
    }
  }

  function paintAll(scope) {
    const kinds = shown();
    const list = scope.matches && scope.matches(".u[data-h]") ? [scope] : scope.querySelectorAll(".u[data-h]");
    for (const unit of list) paint(unit, kinds);
  }

  document.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest("#highlights")) paintAll(form);
  });
  // The parts the server cut in are of the types ticked; units swapped in by an action come
  // bare, and are painted as they arrive.
  document.body.addEventListener("htmx:load", (event) => {
    const el = event.detail.elt;
    if (el.matches && el.matches(".u") && form.contains(el)) paint(el, shown());
  });

  // --- The toolbar: one set of controls, on the sentence hovered or in focus.
  let toolbarFor = null;

  function describe(unit) {
    const bits = [];
    if (unit.dataset.score) bits.push("check-worthiness " + unit.dataset.score);
    if (unit.dataset.suggested === "1") bits.push("suggested claim");
    if (unit.classList.contains("is-claim")) bits.push("claim");
    if (unit.dataset.q) bits.push("quote: " + unit.dataset.q);
    return bits.join(" · ");
  }

  function showToolbar(unit) {
    if (!toolbar || !unit || form.contains(unit) === false) return;
    toolbarFor = unit;
    const claim = unit.classList.contains("is-claim");
    const suggested = unit.dataset.suggested === "1";
    const can = {
      mark: canMark && !claim && !suggested,
      confirm: canMark && suggested,
      dismiss: canMark && suggested,
      unmark: canMark && claim,
      quote: Boolean(unit.dataset.q && form.dataset.quoteTask),
    };
    for (const button of toolbar.querySelectorAll("button[data-act]")) button.hidden = !can[button.dataset.act];
    document.getElementById("tb-info").textContent = describe(unit);
    if (unit.nextSibling !== toolbar) unit.after(toolbar); // in the tab order after its sentence
    const rects = unit.getClientRects();
    const last = rects[rects.length - 1];
    const box = form.getBoundingClientRect();
    if (!last) return;
    toolbar.style.top = last.bottom - box.top + 2 + "px";
    toolbar.style.left = Math.max(0, Math.min(last.left - box.left, box.width - 360)) + "px";
    toolbar.hidden = false;
  }

  function post(url, values) {
    window.htmx.ajax("POST", url, { source: form, swap: "none", values });
  }

  // What the toolbar's buttons and the keys do, on one unit.
  const actions = {
    mark: (unit) => post(form.getAttribute("hx-post"), { mark: index(unit) }),
    unmark: (unit) => post(form.getAttribute("hx-post"), { unmark: index(unit) }),
    confirm: (unit) => post(form.dataset.suggestions, { mark: index(unit) }),
    dismiss: (unit) => post(form.dataset.suggestions, { dismiss: index(unit) }),
    quote: (unit) => post(form.dataset.quoteTask, { unit: index(unit) }),
  };

  if (toolbar) {
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-act]");
      if (!button || !toolbarFor) return;
      event.preventDefault();
      currentId = toolbarFor.id;
      actions[button.dataset.act](toolbarFor);
    });
  }

  // The toolbar follows the mouse only when it moves: a sentence swapped in under a resting
  // pointer must not take the toolbar from the sentence in hand.
  let pointer = "";
  form.addEventListener("mousemove", (event) => {
    const at = event.clientX + "," + event.clientY;
    if (at === pointer) return;
    pointer = at;
    const unit = event.target.closest(".u:not(.u-boilerplate)");
    if (unit && unit !== toolbarFor) showToolbar(unit);
  });

  function focusUnit(el) {
    if (!el) return;
    currentId = el.id;
    el.tabIndex = -1; // focusable by script, not a tab stop each
    el.focus();
    el.scrollIntoView({ block: "nearest" });
    showToolbar(el);
  }

  function move(step) {
    const list = units();
    if (!list.length) return;
    const at = list.findIndex((el) => el.id === currentId);
    const next = at === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
    focusUnit(list[next]);
  }

  // The selection as code-point offsets into the revision text, or null when it is empty or
  // crosses a sentence boundary. Python counts code points; JavaScript strings count UTF-16
  // units, hence Array.from.
  function selectedSpan() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
    const range = sel.getRangeAt(0);
    const startEl = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const endEl = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
    const unit = startEl && startEl.closest(".u");
    if (!unit || !form.contains(unit) || unit !== (endEl && endEl.closest(".u"))) return null;
    const pieces = textNodes(unit);
    const length = pieces.length ? pieces[pieces.length - 1].end : 0;
    const offset = (node, pos) => {
      const r = document.createRange();
      r.setStart(unit, 0);
      r.setEnd(node, pos);
      return Math.min(length, Array.from(r.toString()).length);
    };
    const start = offset(range.startContainer, range.startOffset);
    const end = offset(range.endContainer, range.endOffset);
    if (end <= start) return null;
    const base = Number(unit.dataset.start);
    return { start: base + start, end: base + end };
  }

  function markSelection() {
    const span = selectedSpan();
    if (!span) return false;
    post(form.getAttribute("hx-post"), { start: span.start, end: span.end });
    window.getSelection().removeAllRanges();
    if (bar) bar.hidden = true;
    return true;
  }

  // The next suggested sentence after the current one, wrapping round to the first.
  function nextSuggestion() {
    const list = units();
    const at = list.findIndex((el) => el.id === currentId);
    const after = list.slice(at + 1).concat(list.slice(0, at + 1));
    focusUnit(after.find((el) => el.dataset.suggested === "1"));
  }

  function dismissSuggestion(unit) {
    if (unit && unit.dataset.suggested === "1") actions.dismiss(unit);
  }

  // What a click or c does to a sentence: unmark a claim, confirm a suggestion, else mark.
  function toggle(unit) {
    if (!canMark || !unit || !unit.matches(".u:not(.u-boilerplate)")) return;
    if (unit.classList.contains("is-claim")) actions.unmark(unit);
    else if (unit.dataset.suggested === "1") actions.confirm(unit);
    else actions.mark(unit);
  }

  form.addEventListener("click", (event) => {
    if (event.target.closest("button, a, #unit-toolbar")) return;
    const unit = event.target.closest(".u:not(.u-boilerplate)");
    if (!unit) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // a selection is a span claim, not a click
    focusUnit(unit);
    if (canMark) toggle(unit);
  });

  form.addEventListener("focusin", (event) => {
    const unit = event.target.closest(".u:not(.u-boilerplate)");
    if (unit) {
      currentId = unit.id;
      if (unit !== toolbarFor) showToolbar(unit);
    }
  });

  document.addEventListener("selectionchange", () => {
    if (bar) bar.hidden = !selectedSpan();
  });

  if (bar) {
    document.getElementById("mark-selection").addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the selection alive until the click
    });
    document.getElementById("mark-selection").addEventListener("click", markSelection);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    const current = currentId && document.getElementById(currentId);
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "c" && canMark) {
      if (!markSelection()) toggle(current);
      event.preventDefault();
    } else if (event.key === "n") { nextSuggestion(); event.preventDefault(); }
    else if (event.key === "x" && canMark) {
      dismissSuggestion(current);
      event.preventDefault();
    }
  });

  // The answer to a mark adds its claim's row at the end of the claims panel (or takes one
  // away): put the rows in text order, keep one row a claim, and count them.
  function tidyClaims() {
    const list = document.getElementById("claims-list");
    if (!list) return;
    const seen = new Map();
    for (const row of Array.from(list.children)) {
      const earlier = seen.get(row.dataset.claim);
      if (earlier) earlier.remove();
      seen.set(row.dataset.claim, row);
    }
    const rows = Array.from(list.children);
    const key = (row) => [Number(row.dataset.at), Number(row.dataset.to)];
    const before = (a, b) => { const [x, y] = [key(a), key(b)]; return x[0] - y[0] || x[1] - y[1]; };
    if (rows.some((row, i) => i && before(rows[i - 1], row) > 0)) {
      rows.sort(before).forEach((row) => list.appendChild(row));
    }
    const count = document.getElementById("claims-count");
    if (count) { count.textContent = String(rows.length); count.dataset.count = String(rows.length); }
    const empty = document.getElementById("claims-empty");
    if (empty) empty.hidden = rows.length > 0;
  }
  document.body.addEventListener("htmx:afterSettle", tidyClaims);

  // An out-of-band swap replaces the sentence element: keep the keyboard focus and the toolbar
  // on it.
  document.body.addEventListener("htmx:afterSettle", () => {
    const el = currentId && document.getElementById(currentId);
    if (!el) return;
    // The pointer took the toolbar to another sentence while the answer was on its way: the
    // toolbar stays there (the reader is already acting on that one).
    if (toolbarFor && toolbarFor.isConnected && toolbarFor.id !== currentId) return;
    el.tabIndex = -1;
    if (document.activeElement !== el && !el.contains(document.activeElement) && !(toolbar && toolbar.contains(document.activeElement))) el.focus({ preventScroll: true });
    showToolbar(el);
  });
})();
