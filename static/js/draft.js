// Draft page: keyboard movement between sentences, click-to-mark, and marking a selected span.
// Everything here is an enhancement: without JavaScript each sentence's button still posts the
// form and the page reloads at that sentence.
(function () {
  "use strict";
  const form = document.getElementById("draft-text");
  if (!form) return;
  const canMark = form.dataset.canMark === "1";
  const bar = document.getElementById("selection-bar");
  let currentId = null;

  const units = () => Array.from(form.querySelectorAll(".u[tabindex]"));

  function focusUnit(el) {
    if (!el) return;
    currentId = el.id;
    el.focus();
    el.scrollIntoView({ block: "nearest" });
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
    const length = Number(unit.dataset.end) - Number(unit.dataset.start);
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
    window.htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form,
      swap: "none",
      values: { start: span.start, end: span.end },
    });
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
    const button = unit && unit.querySelector("button.dismiss");
    if (button) button.click();
  }

  function toggle(unit) {
    const button = unit && unit.querySelector("button.mark");
    if (button) button.click();
  }

  form.addEventListener("click", (event) => {
    if (!canMark || event.target.closest("button, a")) return;
    const unit = event.target.closest(".u[tabindex]");
    if (!unit) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // a selection is a span claim, not a click
    focusUnit(unit);
    toggle(unit);
  });

  form.addEventListener("focusin", (event) => {
    const unit = event.target.closest(".u[tabindex]");
    if (unit) currentId = unit.id;
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
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "c" && canMark) {
      if (!markSelection()) toggle(currentId && document.getElementById(currentId));
      event.preventDefault();
    } else if (event.key === "n") { nextSuggestion(); event.preventDefault(); }
    else if (event.key === "x" && canMark) {
      dismissSuggestion(currentId && document.getElementById(currentId));
      event.preventDefault();
    }
  });

  // An out-of-band swap replaces the sentence element: keep the keyboard focus on it.
  document.body.addEventListener("htmx:afterSettle", () => {
    const el = currentId && document.getElementById(currentId);
    if (el && document.activeElement !== el && !el.contains(document.activeElement)) el.focus({ preventScroll: true });
  });
})();
