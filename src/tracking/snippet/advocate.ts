// The tracking snippet, GET /advocate.js (README, "Tracking snippet"). Browser code: bundled by
// esbuild (../snippet.bundle.ts) into one minified IIFE with no dependencies. It keeps a visitor
// id and the affiliate in a first-party cookie, records the visit with ONE request (a CORS
// simple request: no preflight), tags checkout links with the visitor, and renders landing
// content into slots as text only (assets are written by people outside the site).

/** ATTRIBUTION_WINDOW_DAYS, put in by the server when it bundles the script. */
declare const __ADVOCATE_WINDOW_DAYS__: number;

interface LandingItem {
  id: string;
  title: string;
  body: string;
  url?: string | null;
  customerName?: string | null;
}
type LandingPage = Record<string, unknown> & { caseStudies?: LandingItem[]; useCases?: LandingItem[]; painPoints?: LandingItem[] };
type Callback = (advocate: Advocate) => void;
interface Advocate {
  (...args: unknown[]): void;
  /** Calls made before the script loaded, kept by the install tag's stub. */
  q?: ArrayLike<unknown>[];
  visitorId: string;
  affiliate: string | null;
  /** The landing content, when the page has slots and the answer could be read. */
  page: LandingPage | null;
  ready(callback: Callback): void;
}

(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const global = window as unknown as { advocate?: Advocate };
  // Loaded twice (two tags): the first copy has recorded this page view.
  if (!script || (global.advocate && global.advocate.visitorId)) return;

  const COOKIE = "_advocate";
  const DAY_MS = 864e5;
  const CODE = /^[a-z0-9_-]{2,64}$/;
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const SLOTS: Record<string, "caseStudies" | "useCases" | "painPoints"> = { "case-studies": "caseStudies", "use-cases": "useCases", "pain-points": "painPoints" };
  const options = script.dataset;
  const api = new URL(script.src, location.href).origin;
  const query = new URLSearchParams(location.search);

  /** The first well-formed code among the parameters the site names (data-params). */
  let fromUrl: string | null = null;
  for (const name of (options.params || "via,ref,fpr,aff").split(",")) {
    const value = (query.get(name.trim()) || "").trim().toLowerCase();
    if (CODE.test(value)) {
      fromUrl = value;
      break;
    }
  }

  const readCookie = (name: string) => {
    const found = document.cookie.split("; ").filter((pair) => pair.indexOf(name + "=") === 0)[0];
    return found ? found.slice(name.length + 1) : null;
  };
  const writeCookie = (name: string, value: string, expires: number, domain?: string) => {
    document.cookie =
      name + "=" + value + "; path=/; expires=" + new Date(expires).toUTCString() + "; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "") + (domain ? "; domain=" + domain : "");
  };
  /**
   * The registrable domain: the shortest suffix of the host on which the browser accepts a
   * cookie (it refuses public suffixes such as com or co.uk), so www.shop.example.com and
   * shop.example.com share the visitor. An IP address or a one-label host keeps a host cookie.
   */
  const cookieDomain = () => {
    if (options.cookieDomain) return options.cookieDomain;
    const labels = location.hostname.split(".");
    if (labels.length < 2 || /^[\d.]+$|:/.test(location.hostname)) return undefined;
    const probe = COOKIE + "_probe";
    for (let i = labels.length - 2; i >= 0; i--) {
      const domain = labels.slice(i).join(".");
      writeCookie(probe, "1", Date.now() + 1e4, domain);
      if (readCookie(probe)) {
        writeCookie(probe, "", 0, domain);
        return domain;
      }
    }
    return undefined;
  };
  const newVisitorId = () => {
    let id = "";
    for (const byte of crypto.getRandomValues(new Uint8Array(22))) id += ALPHABET[byte & 63];
    return id;
  };

  // The cookie is "<visitor id>.<affiliate code or nothing>"; it expires with the attribution
  // window, counted from the touch that set the affiliate.
  const stored = /^([A-Za-z0-9_-]{8,128})\.([a-z0-9_-]{0,64})$/.exec(readCookie(COOKIE) || "");
  const visitorId = stored ? stored[1]! : newVisitorId();
  let affiliate = stored && stored[2] ? stored[2] : null;
  const firstTouch = options.attribution === "first-touch";
  if (!stored || (fromUrl && !(firstTouch && affiliate))) {
    affiliate = fromUrl || affiliate;
    writeCookie(COOKIE, visitorId + "." + (affiliate || ""), Date.now() + __ADVOCATE_WINDOW_DAYS__ * DAY_MS, cookieDomain());
  }

  const callbacks: Callback[] = [];
  let isReady = false;
  const advocate = ((command: unknown, callback: unknown) => {
    if (command === "ready" && typeof callback === "function") advocate.ready(callback as Callback);
  }) as Advocate;
  advocate.visitorId = visitorId;
  advocate.affiliate = affiliate;
  advocate.page = null;
  advocate.ready = (callback) => (isReady ? callback(advocate) : callbacks.push(callback));
  const queued = (global.advocate && global.advocate.q) || [];
  global.advocate = advocate;
  for (const args of queued) advocate(args[0], args[1]);

  const reference = "adv_" + visitorId;
  const CHECKOUT = /^https:\/\/(buy|checkout)\.stripe\.com\//;
  /** Stripe Payment Links, Checkout and the site's own checkout links carry the visitor; signup forms too. */
  const tag = (root: ParentNode) => {
    root.querySelectorAll("a[href]").forEach((node) => {
      const link = node as HTMLAnchorElement;
      if (!CHECKOUT.test(link.href) && !link.hasAttribute("data-advocate-checkout")) return;
      const url = new URL(link.href);
      const current = url.searchParams.get("client_reference_id");
      // A reference the site set itself is its own business.
      if (current === reference || (current && current.indexOf("adv_") !== 0)) return;
      url.searchParams.set("client_reference_id", reference);
      link.href = url.href;
    });
    root.querySelectorAll("input[data-advocate-visitor]").forEach((input) => ((input as HTMLInputElement).value = visitorId));
  };

  const element = (name: string, text?: unknown, className?: string) => {
    const node = document.createElement(name);
    if (text != null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  /** The URL when it is safe to link to (http or https), else null (javascript:, data:, garbage). */
  const safeHref = (url: unknown) => {
    try {
      const parsed = new URL(String(url));
      return url && /^https?:$/.test(parsed.protocol) ? parsed.href : null;
    } catch {
      return null;
    }
  };
  /** Slot content, as text and elements only: never HTML, links only to http(s). */
  const render = (page: LandingPage) => {
    document.querySelectorAll("[data-advocate-slot]").forEach((slot) => {
      const items = page[SLOTS[slot.getAttribute("data-advocate-slot") || ""] || ""];
      if (!Array.isArray(items)) return;
      slot.replaceChildren(
        ...items.map((item: LandingItem) => {
          const card = element("article", null, "advocate-item");
          card.setAttribute("data-asset-id", String(item.id));
          card.append(element("h3", item.title, "advocate-title"));
          if (item.customerName) card.append(element("p", item.customerName, "advocate-customer"));
          card.append(element("p", item.body, "advocate-body"));
          const href = safeHref(item.url);
          if (href) {
            const link = element("a", "Read more") as HTMLAnchorElement;
            link.href = href;
            link.rel = "noopener noreferrer";
            card.append(link);
          }
          return card;
        }),
      );
    });
  };

  const done = () => {
    isReady = true;
    callbacks.splice(0).forEach((callback) => callback(advocate));
  };

  const start = () => {
    tag(document);
    new MutationObserver((changes) =>
      changes.forEach((change) => change.addedNodes.forEach((node) => node.nodeType === 1 && tag(node.parentNode || (node as Element)))),
    ).observe(document.documentElement, { childList: true, subtree: true });
    // A link whose href the site changes later is tagged when it is followed.
    document.addEventListener("click", (event) => event.target instanceof Element && event.target.closest("a") && tag(event.target.closest("a")!.parentNode!), true);

    const slots = !!document.querySelector("[data-advocate-slot]");
    if (!affiliate && !slots) return done();
    // text/plain: a simple request, so one request and no preflight; cookies never go with it.
    const body = { affiliate, visitorId, niche: options.niche || query.get("niche") || undefined, content: query.get("content") || undefined, slots: slots || undefined };
    fetch(api + "/visits", { method: "POST", body: JSON.stringify(body), keepalive: true, credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (answer && answer.page) render((advocate.page = answer.page));
      })
      .catch(() => undefined)
      .then(done);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
