// Adds where the phone is to a check-in, check-out or not-at-home form, when the phone will
// say within a few seconds. Without this script (or without a fix) the form is sent as it
// is, and the event is recorded without coordinates.
const WAIT_MS = 5000;

function send(form) {
  if (form.dataset.located === "true") {
    return;
  }
  form.dataset.located = "true";
  form.submit();
}

function locate(event) {
  const form = event.currentTarget;
  if (form.dataset.located === "true" || !("geolocation" in navigator)) {
    return;
  }
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button) {
    button.setAttribute("aria-disabled", "true");
  }
  // A permission prompt left unanswered calls neither callback: send the form anyway.
  window.setTimeout(() => send(form), WAIT_MS + 1000);
  navigator.geolocation.getCurrentPosition(
    (position) => {
      if (form.dataset.located !== "true") {
        form.querySelector("[data-latitude]").value = String(position.coords.latitude);
        form.querySelector("[data-longitude]").value = String(position.coords.longitude);
      }
      send(form);
    },
    () => send(form),
    { timeout: WAIT_MS, maximumAge: 60000, enableHighAccuracy: true },
  );
}

for (const form of document.querySelectorAll("form[data-locate]")) {
  form.addEventListener("submit", locate);
}

// The page names the visit to carry on with; put focus there if the browser did not.
const next = document.querySelector("[data-focus]");
if (next && document.activeElement !== next) {
  next.focus();
}
