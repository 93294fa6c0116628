// The OCOP product catalogue as buyers and organisers browse it: a search that ignores
// diacritics, filters by sector, stars, province, the producer's certifications and the
// certificate's state, and cards with what a buyer weighs first (photo, stars, certificate and
// its expiry, monthly volume, price, the producer and its province). The exhibitor service
// searches, filters and pages (`GET /api/products`); the page never filters by itself.
"use strict";

// cataloguePage is how many products one page shows before "Xem thêm".
const cataloguePage = { size: 24 };
// catalogueState keeps the search and filters while the person moves around the console.
const catalogueDefaults = { q: "", sector: "", min_stars: "", province: "", certification: "", certificate_status: "valid,expiring" };
const catalogueState = { ...catalogueDefaults };

async function viewCatalogue() {
  const ref = await reference();
  const st = catalogueState;
  const list = h("div", { class: "catalogue", id: "catalogue-list" });
  // A short line says what the list holds (a screen reader hears it, not every card again).
  const status = h("p", { class: "muted", id: "catalogue-status", role: "status" });
  const moreBox = h("div", { class: "actions" });
  let items = [];
  // more is whether the API named a next page: the API gives no total, so while more exist the
  // line counts what is shown ("Đang xem 24 sản phẩm"), never as if it were all.
  let more = false;
  const query = () => {
    const p = new URLSearchParams();
    for (const k of ["q", "sector", "min_stars", "province", "certification", "certificate_status"]) if (st[k]) p.set(k, st[k]);
    p.set("limit", String(cataloguePage.size));
    return p;
  };
  // "Xóa bộ lọc" shows while a search or filter narrows the list, and under an empty one.
  const clear = h("button", { type: "button", class: "secondary", id: "catalogue-clear", onclick: async () => {
    Object.assign(st, catalogueDefaults);
    // The fields show the defaults too: a redraw keeps what is typed in them (see typedIn).
    for (const [k, v] of Object.entries(catalogueDefaults)) { const el = document.getElementById("cf-" + k); if (el) el.value = v; }
    await render(true);
    const q = document.getElementById("cf-q");
    if (q) q.focus();
  } }, t("cat_clear"));
  const filtered = () => Object.keys(catalogueDefaults).some((k) => st[k] !== catalogueDefaults[k]);
  const buyer = (claims() || {}).role === "buyer";
  const draw = () => {
    clear.hidden = !filtered();
    list.replaceChildren(...(items.length ? items.map((p) => catalogueCard(p, ref, buyer)) : [h("p", { class: "muted empty" }, t("cat_empty"))]));
    status.textContent = items.length ? plural(items.length, more ? "n_products_shown" : "n_products") : "";
  };
  // get reads one page; a network error answers like a failed request.
  const get = (q) => api("GET", "/api/products?" + q).catch(() => null);
  // "Xem thêm" adds the next page's cards; the keyboard goes to the first new card's heading.
  const pages = pager(moreBox, "catalogue-more", (page) => { items = items.concat(page); draw(); }, () => list.querySelectorAll(".product-card"));
  // load asks for the first page; an answer that a later choice overtook is dropped, and one
  // asked before a choice made in another view of the page (a live redraw) is asked again.
  async function load() {
    const fresh = pages.load();
    const q = query();
    const asked = q.toString();
    const r = await get(q);
    if (!fresh()) return;
    if (query().toString() !== asked) return load();
    // A list that could not be read says so, with Thử lại, not "no match".
    if (!r || !r.ok || !r.data) { status.textContent = ""; readFailed(list, r, "catalogue-retry", load); return; }
    items = r.data.items || [];
    more = !!r.data.next_cursor;
    draw();
    // A next page read for this list (not one a later choice replaced) says whether more follow.
    pages.offer(r.data.next_cursor, (cursor) => {
      q.set("cursor", cursor);
      return get(q).then((p) => {
        if (fresh() && p && p.ok && p.data) more = !!p.data.next_cursor;
        return p;
      });
    });
  }
  const sel = (key, label, options, all) => filterSelect(st, "cf-", key, label, options, load, all);
  const search = searchField(st, "cf-q", t("cat_search_hint"), load);
  const filters = h("form", { class: "queue-filters", role: "search", onsubmit: (ev) => { ev.preventDefault(); search.now(); } },
    search.field,
    sel("sector", t("by_sector"), ref.sectors.map((s) => [s.code, s["name_" + S.lang] || s.name_vi])),
    sel("min_stars", t("stars"), [["3", t("cat_from_stars").replace("{n}", 3)], ["4", t("cat_from_stars").replace("{n}", 4)], ["5", "5★"]]),
    sel("province", t("province"), opt(sortBy(ref.provinces, (p) => p.name), "code", "name")),
    sel("certification", t("cat_certification"), ref.certifications.map((c) => [c.code, c.name])),
    sel("certificate_status", t("cat_certificate"), [["valid,expiring", t("cat_current")], ["valid", t("cat_long")], ["expiring", t("c_expiring")], ["valid,expiring,expired", t("cat_any")]], ""));
  await load();
  return h("div", {}, h("h1", {}, t("catalogue")), h("p", { class: "muted" }, t("cat_intro")), h("div", { class: "card" }, filters, h("div", { class: "actions" }, clear)), status, list, moreBox);
}

// catalogueCard is one product as a buyer reads it; a buyer goes on from it to a sourcing
// request for goods like it (its criteria set, its name, its stars), which ranks this producer
// and others like it and leads to meetings.
function catalogueCard(p, ref, buyer) {
  const unit = ref.units.find((u) => u.code === p.unit);
  const unitName = unit ? (S.lang === "vi" ? unit.name_vi : unit.name_en) : p.unit;
  const price = priceRange(p.price_min_vnd, p.price_max_vnd, unitName);
  const certs = (p.producer_certifications || []).map((c) => (ref.certifications.find((x) => x.code === c) || { name: c }).name);
  const name = (S.lang === "en" && p.name_en) || p.name_vi;
  const row = (k, v) => (v ? [h("dt", {}, k), h("dd", {}, v)] : null);
  return h("article", { class: "card product-card", dataset: { product: p.id } },
    h("div", { class: "product-head" }, thumb(p.photo_url, name),
      h("div", {}, h("h2", { tabindex: -1 }, name, " ", h("span", { class: "stars" }, p.stars + "★")),
        h("p", { class: "muted" }, p.producer_name, " · ", p.province_name),
        h("p", {}, statusBadge("c_", p.certificate_status), p.potential_five_star ? [" ", badge(t("cat_potential"), "")] : null))),
    h("dl", { class: "panel-facts" },
      row(t("cat_capacity"), p.monthly_capacity ? t("cat_per_month").replace("{amount}", quantityText(p.monthly_capacity, p.unit)) : ""),
      row(t("cat_price"), price),
      row(t("cat_expires"), p.certificate && p.certificate.expires_on ? expiryText(p.certificate.expires_on) : ""),
      row(t("cat_certification"), certs.join(", "))),
    buyer && h("div", { class: "actions" }, h("a", { href: "#/buyer", class: "button secondary source-like", onclick: () => {
      // Goods like it: its criteria set and stars, not its own name (which would find only it).
      requestDraft.value = { title: name, criteria_sets: [String(p.criteria_set)], keywords: "", min_stars: String(p.stars), from: name };
    } }, t("cat_source_like"), h("span", { class: "sr-only" }, ": " + name))));
}
