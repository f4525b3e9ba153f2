// Position form: the appellations offered are those of the ROME code chosen (fetched for
// that code: the whole ROME has ~12,000 appellations, too many to send with the form).
(function () {
  "use strict";
  var rome = document.getElementById("id_rome_code");
  var list = document.getElementById("appellations");
  if (!rome || !list) { return; }
  var url = list.getAttribute("data-url");
  var pending = null;
  function load() {
    var code = rome.value;
    if (pending) { pending.abort(); }
    list.textContent = "";
    if (!code || !url) { return; }
    pending = new XMLHttpRequest();
    pending.open("GET", url + "?rome_code=" + encodeURIComponent(code));
    pending.onload = function () {
      if (this.status === 200) { list.innerHTML = this.responseText; }
    };
    pending.send();
  }
  rome.addEventListener("change", load);
  // The search's choices fill the code and the appellation.
  var results = document.getElementById("rome-results");
  var appellation = document.getElementById("id_appellation");
  if (results && appellation) {
    results.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-rome]");
      if (!button) { return; }
      rome.value = button.getAttribute("data-rome");
      load();
      appellation.value = button.getAttribute("data-appellation");
      appellation.focus();
    });
  }
})();
