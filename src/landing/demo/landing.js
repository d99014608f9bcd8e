/* global console, document, window, fetch, URL, URLSearchParams, AbortController, setTimeout, clearTimeout */
// The example landing page's script: no framework, no build step. Every piece of content is set
// with textContent, and links only for http(s) URLs, because assets are written by people outside
// the site and the page must not run what they type.

const FETCH_TIMEOUT_MS = 8000;
const FAILURE_MESSAGE = "We couldn't load customer stories right now. Please try again in a moment.";

function landingUrl(pageUrl) {
  const own = new URL(pageUrl).searchParams;
  const query = new URLSearchParams();
  for (const name of ["affiliate", "niche", "limit"]) {
    const value = own.get(name);
    if (value) query.set(name, value);
  }
  const search = query.toString();
  return search ? `/landing?${search}` : "/landing";
}

/** The URL as a string when it is safe to link to, else null (javascript:, data:, garbage). */
function safeHref(url) {
  if (typeof url !== "string" || url === "") return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function card(item, titleClass) {
  const article = element("article", "card");
  article.dataset.assetId = String(item.id);
  article.append(element("h3", titleClass, item.title));
  if (item.customerName) article.append(element("p", "customer-name", item.customerName));
  article.append(element("p", "body", item.body));
  const href = safeHref(item.url);
  if (href) {
    const link = element("a", null, "Read more");
    link.href = href;
    link.rel = "noopener noreferrer";
    article.append(link);
  }
  return article;
}

function renderList(sectionId, items, titleClass) {
  const section = document.getElementById(sectionId);
  const list = section.querySelector(".cards");
  list.replaceChildren(...(Array.isArray(items) ? items : []).map((item) => card(item, titleClass)));
  section.hidden = list.childElementCount === 0;
  return list.childElementCount;
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
  const shown =
    renderList("customer-stories", page.caseStudies, "case-study-title") +
    renderList("use-cases", page.useCases, "use-case-title") +
    renderList("pain-points", page.painPoints, "pain-point-title");
  document.getElementById("status").textContent = shown === 0 ? "More stories are on their way." : "";
}

function renderFailure() {
  const status = document.getElementById("status");
  status.textContent = FAILURE_MESSAGE;
  status.classList.add("error");
  for (const section of document.querySelectorAll("main section")) section.hidden = true;
}

async function main() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(landingUrl(window.location.href), {
      headers: { accept: "application/json" },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`GET /landing answered ${response.status}`);
    const page = await response.json();
    if (!page || typeof page !== "object") throw new Error("GET /landing answered something other than an object");
    render(page);
    document.body.dataset.state = "ready";
  } catch (error) {
    console.error("landing page: could not load content", error);
    renderFailure();
    document.body.dataset.state = "error";
  } finally {
    clearTimeout(timer);
  }
}

main();
