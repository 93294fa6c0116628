// The OCOP product catalogue as buyers and organisers browse it: a search that ignores
// diacritics, filters by sector, stars, province, the producer's certifications and the
// certificate's state, and cards with what a buyer weighs first (photo, stars, certificate and
// its expiry, monthly volume, price, the producer and its province). The exhibitor service
// searches, filters and pages (`GET /api/products`); the page never filters by itself.
"use strict";

// cataloguePage is how many products one page shows before "Xem thêm".
const cataloguePage = { size: 24 };
// catalogueState keeps the search and filters while the person moves around the console.
const catalogueState = { q: "", sector: "", min_stars: "", province: "", certification: "", certificate_status: "valid,expiring" };

async function viewCatalogue() {
  const ref = await reference();
  const st = catalogueState;
  const list = h("div", { class: "catalogue", id: "catalogue-list" });
  // A short line says what the list holds (a screen reader hears it, not every card again).
  const status = h("p", { class: "muted", id: "catalogue-status", role: "status" });
  const more = h("div", { class: "actions" });
  let loads = 0;
  let items = [];
  const query = () => {
    const p = new URLSearchParams();
    for (const k of ["q", "sector", "min_stars", "province", "certification", "certificate_status"]) if (st[k]) p.set(k, st[k]);
    p.set("limit", String(cataloguePage.size));
    return p;
  };
  const draw = () => {
    list.replaceChildren(...(items.length ? items.map((p) => catalogueCard(p, ref)) : [h("p", { class: "muted empty" }, t("cat_empty"))]));
    status.textContent = items.length ? plural(items.length, "n_products") : "";
  };
  // failed says that the list could not be read, with a button to try again (not "no match").
  const failed = (r) => {
    status.textContent = "";
    list.replaceChildren(h("p", { class: "err", role: "alert" }, (r && r.data && (r.data.detail || r.data.title)) || t("failed"), " ",
      h("button", { type: "button", class: "secondary", id: "catalogue-retry", onclick: load }, t("retry"))));
    more.replaceChildren();
  };
  // get reads one page; a network error answers like a failed request.
  const get = (q) => api("GET", "/api/products?" + q).catch(() => null);
  // pageOn offers the next page when there is one; it adds to the cards shown, moves the keyboard
  // to the first new card, and is dropped when a later choice reloaded the list meanwhile.
  const pageOn = (cursor, q) => more.replaceChildren(cursor ? h("button", { type: "button", class: "secondary", id: "catalogue-more", onclick: async (ev) => {
    ev.currentTarget.disabled = true;
    const mine = loads;
    q.set("cursor", cursor);
    const r = await get(q);
    if (mine !== loads) return;
    if (!r || !r.ok) { ev.currentTarget.disabled = false; toast((r && r.data && r.data.detail) || t("failed")); return; }
    const first = items.length;
    items = items.concat(r.data.items || []);
    draw();
    pageOn(r.data.next_cursor, q);
    const card = list.children[first] && list.children[first].querySelector("h2");
    if (card) card.focus();
  } }, t("show_more")) : "");
  // load asks for the first page; an answer that a later choice overtook is dropped.
  async function load() {
    const mine = ++loads;
    more.replaceChildren();
    const q = query();
    const r = await get(q);
    if (mine !== loads) return;
    if (!r || !r.ok) { failed(r); return; }
    items = r.data.items || [];
    draw();
    pageOn(r.data.next_cursor, q);
  }
  const sel = (key, label, options, all = t("all")) => h("div", { class: "field" }, h("label", { for: "cf-" + key }, label),
    h("select", { id: "cf-" + key, onchange: (ev) => { st[key] = ev.target.value; load(); } },
      [...(all ? [["", all]] : []), ...options].map(([v, l]) => h("option", { value: v, selected: st[key] === v }, l))));
  let timer;
  const search = h("input", { type: "search", id: "cf-q", value: st.q, placeholder: t("cat_search_hint"), autocomplete: "off",
    oninput: (ev) => { st.q = ev.target.value.trim(); clearTimeout(timer); timer = setTimeout(load, 300); } });
  const filters = h("form", { class: "queue-filters", role: "search", onsubmit: (ev) => { ev.preventDefault(); clearTimeout(timer); load(); } },
    h("div", { class: "field full" }, h("label", { for: "cf-q" }, t("search")), search),
    sel("sector", t("by_sector"), ref.sectors.map((s) => [s.code, s["name_" + S.lang] || s.name_vi])),
    sel("min_stars", t("stars"), [["3", t("cat_from_stars").replace("{n}", 3)], ["4", t("cat_from_stars").replace("{n}", 4)], ["5", "5★"]]),
    sel("province", t("province"), opt(sortBy(ref.provinces, (p) => p.name), "code", "name")),
    sel("certification", t("cat_certification"), ref.certifications.map((c) => [c.code, c.name])),
    sel("certificate_status", t("cat_certificate"), [["valid,expiring", t("cat_current")], ["valid", t("cat_long")], ["expiring", t("c_expiring")], ["valid,expiring,expired", t("cat_any")]], ""));
  await load();
  return h("div", {}, h("h1", {}, t("catalogue")), h("p", { class: "muted" }, t("cat_intro")), h("div", { class: "card" }, filters), status, list, more);
}

// catalogueCard is one product as a buyer reads it.
function catalogueCard(p, ref) {
  const unit = ref.units.find((u) => u.code === p.unit);
  const unitName = unit ? (S.lang === "vi" ? unit.name_vi : unit.name_en) : p.unit;
  const lo = p.price_min_vnd, hi = p.price_max_vnd;
  const price = lo || hi ? (lo && hi > lo ? money(lo).replace(" ₫", "") + "–" + money(hi) : lo ? money(lo) : "≤ " + money(hi)) + "/" + unitName : "";
  const certs = (p.producer_certifications || []).map((c) => (ref.certifications.find((x) => x.code === c) || { name: c }).name);
  const name = (S.lang === "en" && p.name_en) || p.name_vi;
  const row = (k, v) => (v ? [h("dt", {}, k), h("dd", {}, v)] : null);
  return h("article", { class: "card product-card", dataset: { product: p.id } },
    h("div", { class: "product-head" }, thumb(p.photo_url, name),
      h("div", {}, h("h2", { tabindex: -1 }, name, " ", h("span", { class: "stars" }, p.stars + "★")),
        h("p", { class: "muted" }, p.producer_name, " · ", p.province_name),
        h("p", {}, statusBadge("c_", p.certificate_status), p.potential_five_star ? [" ", badge(t("cat_potential"), "")] : null))),
    h("dl", { class: "panel-facts" },
      row(t("cat_capacity"), p.monthly_capacity ? t("cat_per_month").replace("{n}", num(p.monthly_capacity)).replace("{unit}", unitName) : ""),
      row(t("cat_price"), price),
      row(t("cat_expires"), p.certificate && p.certificate.expires_on ? date(p.certificate.expires_on) : ""),
      row(t("cat_certification"), certs.join(", "))));
}
