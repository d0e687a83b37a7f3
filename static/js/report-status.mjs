// Asks the server whether a report version has finished generating, less and less often (2 s, then
// half as long again each time, up to 30 s between asks), and stops after 15 minutes. When it has
// finished, says so in the page's live region and links to it. No inline script: a strict CSP holds.
// Without JavaScript the page offers a "Refresh this page" link instead.

const FIRST_WAIT_MS = 2000;
const LONGEST_WAIT_MS = 30000;
const GIVE_UP_AFTER_MS = 15 * 60 * 1000;

function link(href, text) {
  const anchor = document.createElement("a");
  anchor.className = "govuk-link";
  anchor.href = href;
  anchor.textContent = text;
  return anchor;
}

function finished(element, answer) {
  const message = element.querySelector("[data-report-status-message]");
  const fallback = element.querySelector("[data-report-status-fallback]");
  message.textContent = answer.message + " ";
  if (answer.status === "ready") {
    message.append(link(answer.download_url, `Download version ${answer.number} (PDF)`), " or ");
    message.append(link(answer.html_url, "read it as a web page"), ".");
  }
  if (fallback) {
    fallback.replaceChildren(link(answer.page_url, "Refresh this page"), " to see every version and what you can do next.");
  }
}

function watch(element) {
  const url = element.dataset.reportStatusUrl;
  const started = Date.now();
  let wait = FIRST_WAIT_MS;

  async function ask() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
      if (response.redirected) {
        return; // signed out meanwhile: the fallback link remains
      }
      if (response.ok) {
        const answer = await response.json();
        if (answer.status !== "generating") {
          finished(element, answer);
          return;
        }
      } else if (response.status >= 400 && response.status < 500) {
        return; // signed out, or no longer allowed: the fallback link remains
      }
    } catch {
      // The network failed this time: keep asking, less often.
    }
    if (Date.now() - started > GIVE_UP_AFTER_MS) {
      return;
    }
    wait = Math.min(wait * 1.5, LONGEST_WAIT_MS);
    window.setTimeout(ask, wait);
  }

  window.setTimeout(ask, wait);
}

document.querySelectorAll("[data-report-status-url]").forEach(watch);
