// Review queue: j/k move between rows, a approves the verdict (or marks the task done), s sends
// it back with an optional note, x selects the row for a bulk action. Everything here is an
// enhancement: without JavaScript each row's buttons post their forms and the page reloads.
(function () {
  "use strict";
  if (!document.getElementById("queue-filters")) return;
  let currentKey = null;

  const rows = () => Array.from(document.querySelectorAll("#queue-list tr.qrow"));
  const rowByKey = (key) => (key ? document.querySelector(`tr.qrow[data-key="${CSS.escape(key)}"]`) : null);
  const currentRow = () => rowByKey(currentKey);

  function say(text) {
    const flash = document.getElementById("queue-flash");
    if (flash) {
      flash.classList.remove("flash-error");
      flash.textContent = text;
    }
  }

  function mark(row) {
    for (const el of document.querySelectorAll("tr.qrow.is-current")) {
      el.classList.remove("is-current");
      el.removeAttribute("aria-current");
    }
    currentKey = row ? row.dataset.key : null;
    if (row) {
      row.classList.add("is-current");
      row.setAttribute("aria-current", "true");
    }
  }

  function focusRow(row) {
    if (!row) return;
    mark(row);
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    const at = list.findIndex((el) => el.dataset.key === currentKey);
    const next = at === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
    focusRow(list[next]);
  }

  function approve(row) {
    const button = row.querySelector('button[data-key="a"]');
    if (button) button.click(); // a click, so htmx sends the button's name and value
    else say("Nothing to approve on this row.");
  }

  function sendBack(row) {
    const details = row.querySelector("details.send-back");
    if (!details) {
      say("Nothing to send back on this row.");
      return;
    }
    details.open = true;
    const note = details.querySelector("input[data-note]");
    if (note) note.focus();
  }

  function toggle(row) {
    const box = row.querySelector('input[type="checkbox"][name="items"]');
    if (box) box.checked = !box.checked;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) {
      // Esc in a send-back note closes it and gives the keys back to the row.
      if (event.key === "Escape" && t.matches("input[data-note]")) {
        const row = t.closest("tr.qrow");
        t.closest("details").open = false;
        focusRow(row);
        event.preventDefault();
      }
      return;
    }
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (["a", "s", "x"].includes(event.key)) {
      const row = currentRow();
      if (!row) {
        say("Press j to pick a row first.");
      } else if (event.key === "a") approve(row);
      else if (event.key === "s") sendBack(row);
      else toggle(row);
    } else return;
    event.preventDefault();
  });

  // The filter form leaves out empty fields, so the pushed URL says only what is filtered.
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.id !== "queue-filters") return;
    const params = event.detail.parameters;
    for (const name of ["show", "draft", "who", "due"]) {
      if (params[name] === "") delete params[name];
    }
    if (params.sort === "due") delete params.sort;
  });

  // Clicking or tabbing into a row makes it the current one.
  document.addEventListener("focusin", (event) => {
    const row = event.target.closest && event.target.closest("tr.qrow");
    if (row) mark(row);
  });

  // A swapped row is a new element: keep it current and keep the keyboard focus on it.
  document.body.addEventListener("htmx:afterSettle", () => {
    const row = currentRow();
    if (!row) {
      mark(null);
      return;
    }
    mark(row);
    const active = document.activeElement;
    if (!active || active === document.body || !document.body.contains(active)) {
      row.focus({ preventScroll: true });
    }
  });
})();
