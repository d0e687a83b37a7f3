// Asks the server whether a report version has finished generating, less and less often (2 s, then
// half as long again each time, up to 30 s between asks), and stops after 15 minutes. When it has
// finished, says so in the page's live region and links to it, and puts the version's row of the
// Versions table right (its status tag and its links), so nothing on the page still says "Generating".
// No inline script: a strict CSP holds.
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

function tag(colour, text) {
  const strong = document.createElement("strong");
  strong.className = `govuk-tag govuk-tag--${colour}`;
  strong.textContent = text;
  return strong;
}

function hidden(text) {
  const span = document.createElement("span");
  span.className = "govuk-visually-hidden";
  span.textContent = text;
  return span;
}

function updateRow(answer) {
  const status = document.querySelector(`[data-version-status="${answer.number}"]`);
  const links = document.querySelector(`[data-version-links="${answer.number}"]`);
  if (status && answer.status === "ready") {
    status.replaceChildren(tag("green", "Ready"));
  } else if (status) {
    const reason = document.createElement("span");
    reason.className = "govuk-body-s";
    reason.textContent = answer.message;
    status.replaceChildren(tag("red", "Failed"), document.createElement("br"), reason);
  }
  if (links && answer.status === "ready") {
    const pdf = link(answer.download_url, "PDF");
    pdf.append(hidden(` of version ${answer.number}`));
    const web = link(answer.html_url, "Web page");
    web.append(hidden(` of version ${answer.number}`));
    links.replaceChildren(pdf, " · ", web);
  }
}

function finished(element, answer) {
  const message = element.querySelector("[data-report-status-message]");
  const fallback = element.querySelector("[data-report-status-fallback]");
  message.textContent = answer.message + " ";
  if (answer.status === "ready") {
    message.append(link(answer.download_url, `Download version ${answer.number} (PDF)`), " or ");
    message.append(link(answer.html_url, "read it as a web page"), ".");
  }
  updateRow(answer);
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
