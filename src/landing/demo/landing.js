/* global document, window */
// The example landing page's script: no framework, no build step. The tracking snippet
// (/advocate.js) records the visit and renders the content into the data-advocate-slot elements
// (as text, never HTML); this script only does what is particular to this page once it is done:
// the "Recommended by" badge, the headline, which sections show, and the status line.

// The install tag's queue stub: calls made before /advocate.js has loaded are kept and replayed.
window.advocate =
  window.advocate ||
  function () {
    (window.advocate.q = window.advocate.q || []).push(arguments);
  };

const FAILURE_MESSAGE = "We couldn't load customer stories right now. Please try again in a moment.";

function showSections() {
  let shown = 0;
  for (const section of document.querySelectorAll("main section")) {
    const count = section.querySelectorAll("[data-advocate-slot] > *").length;
    section.hidden = count === 0;
    shown += count;
  }
  return shown;
}

function render(page) {
  if (page.affiliate && page.affiliate.name) {
    const badge = document.getElementById("recommended-by");
    badge.textContent = `Recommended by ${page.affiliate.name}`;
    badge.hidden = false;
  }
  if (page.niche) {
    document.getElementById("headline").textContent = `How ${page.niche} teams succeed with Northwind`;
  }
  document.getElementById("status").textContent = showSections() === 0 ? "More stories are on their way." : "";
}

function renderFailure() {
  const status = document.getElementById("status");
  status.textContent = FAILURE_MESSAGE;
  status.classList.add("error");
  for (const section of document.querySelectorAll("main section")) section.hidden = true;
}

window.advocate("ready", (advocate) => {
  if (advocate.page && typeof advocate.page === "object") {
    render(advocate.page);
    document.body.dataset.state = "ready";
  } else {
    renderFailure();
    document.body.dataset.state = "error";
  }
});
