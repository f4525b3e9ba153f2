// Position form: the appellations offered are those of the ROME code chosen.
(function () {
  "use strict";
  var rome = document.getElementById("id_rome_code");
  var list = document.getElementById("appellations");
  if (!rome || !list) { return; }
  var all = Array.prototype.slice.call(list.querySelectorAll("option"));
  function filter() {
    var code = rome.value;
    list.textContent = "";
    all.forEach(function (option) {
      if (!code || option.getAttribute("data-rome") === code) { list.appendChild(option); }
    });
  }
  rome.addEventListener("change", filter);
  filter();
  // The search's choices fill the code and the appellation.
  var results = document.getElementById("rome-results");
  var appellation = document.getElementById("id_appellation");
  if (results && appellation) {
    results.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-rome]");
      if (!button) { return; }
      rome.value = button.getAttribute("data-rome");
      filter();
      appellation.value = button.getAttribute("data-appellation");
      appellation.focus();
    });
  }
})();
