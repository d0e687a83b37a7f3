// Warns a signed-in person before the idle timeout signs them out, with a button to stay signed in
// (WCAG 2.2.1 Timing adjustable). The server keeps the real clock (intervention.middleware); this only
// counts from when the page loaded, which is when the server last saw the person.
const body = document.body;
const dialog = document.getElementById("app-timeout-dialog");
const idleSeconds = Number(body.dataset.idleTimeout);
const warningSeconds = Number(body.dataset.timeoutWarning);
const stayUrl = body.dataset.staySignedInUrl;

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

if (dialog && idleSeconds > 0 && stayUrl && typeof dialog.showModal === "function") {
  const stay = document.getElementById("app-timeout-stay");
  const warning = document.getElementById("app-timeout-text");
  const expired = document.getElementById("app-timeout-expired");
  let warnTimer;
  let expireTimer;

  const start = () => {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(() => {
      warning.hidden = false;
      expired.hidden = true;
      stay.hidden = false;
      dialog.showModal();
      stay.focus();
    }, Math.max(idleSeconds - warningSeconds, 0) * 1000);
    expireTimer = setTimeout(() => {
      warning.hidden = true;
      expired.hidden = false;
      stay.hidden = true;
      if (!dialog.open) dialog.showModal();
      dialog.setAttribute("aria-describedby", "app-timeout-expired");
    }, (idleSeconds + 1) * 1000); // the server counts whole seconds: say "signed out" once it is so
  };

  stay.addEventListener("click", async () => {
    const response = await fetch(stayUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
    dialog.close();
    if (response.ok) start();
  });
  // Escape closes a modal dialog: that is not "stay signed in", so the clock runs on.
  start();
}
