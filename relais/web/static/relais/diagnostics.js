// Shared diagnostic form: keep the summary shown on each (collapsible) domain in step with
// what is typed: difficulty level and number of barriers ticked.
// A static file: the Content-Security-Policy forbids inline scripts.
document.addEventListener("change", (event) => {
  const section = event.target.closest("[data-relais-domain]");
  if (!section) return;
  const domain = section.dataset.relaisDomain;
  const badge = document.getElementById(`resume-${domain}`);
  const select = section.querySelector("select[data-relais-difficulty]");
  if (!badge || !select) return;
  const level = select.options[select.selectedIndex];
  let text = level && level.value !== "" ? level.text : "Non abordé";
  const count = section.querySelectorAll(`input[name="${domain}-barriers"]:checked`).length;
  if (count) text += `, ${count} frein${count > 1 ? "s" : ""}`;
  badge.textContent = text;
});
