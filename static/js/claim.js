// Claim page: attaching or dismissing evidence in the lookups panel is a change to the claim
// (a new version, a history entry). The answer names the claim's page and its new version in an
// HX-Trigger event ("claim-version"); this page's forms that post to that claim carry the
// version the page was drawn from and take the new one, so the person's next action (propose,
// edit, approve) is not refused as a conflict with their own change. A change by someone else
// still is: only this page's own answers carry the event.
(function () {
  "use strict";
  if (!document.getElementById("claim-main")) return;
  document.body.addEventListener("claim-version", function (event) {
    const detail = event.detail || {};
    if (typeof detail.url !== "string" || typeof detail.version !== "number") return;
    for (const form of document.querySelectorAll("form[action]")) {
      if (!form.getAttribute("action").startsWith(detail.url)) continue;
      const input = form.querySelector('input[name="version"]');
      if (input) input.value = String(detail.version);
    }
  });
})();
