// Shows the weekly minutes only while "Amend the change" is chosen. Without this script
// the field is always shown and the form works the same. No aria-expanded is set: it is
// not allowed on a radio button.
for (const revealed of document.querySelectorAll("[data-reveal-for]")) {
  const radio = document.getElementById(revealed.dataset.revealFor);
  if (radio === null) continue;
  const sync = () => {
    revealed.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  };
  for (const other of document.getElementsByName(radio.name)) {
    other.addEventListener("change", sync);
  }
  sync();
}
