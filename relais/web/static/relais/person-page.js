// Person page: a section named in the address (#rendez-vous, a link of the side menu, the
// page a form sends back to) is opened, which loads it (htmx, hx-trigger="toggle once").
(function () {
  "use strict";
  function openFromHash() {
    var key = decodeURIComponent(window.location.hash.slice(1));
    if (!key) return;
    var section = document.getElementById(key);
    if (section && section.tagName === "DETAILS" && !section.open) {
      section.open = true;
      section.scrollIntoView();
    }
  }
  window.addEventListener("load", openFromHash);
  window.addEventListener("hashchange", openFromHash);
})();
