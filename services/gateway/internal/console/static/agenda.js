// A participant's agenda at a fair: meetings and lunch breaks by day, the calendar file, a
// private calendar feed, and a print view of one page per day.
"use strict";

// feedShown keeps the feed address made on this page per fair: the API gives it once (it is a
// secret), so a redraw after a live update must not lose it.
const feedShown = new Map();

// lunchText says a lunch break: "Nghỉ trưa · 11:40 – 12:40 (60 phút)".
const lunchText = (l) => `${t("lunch")} · ${time(l.starts_at)} – ${time(l.ends_at)} (${l.minutes} ${S.lang === "vi" ? "phút" : "min"})`;

async function viewAgenda(fairID) {
  const a = (await api("GET", `/api/fairs/${fairID}/agenda`)).data;
  const c = claims();
  const items = (a && a.meetings) || [];
  const lunches = (a && a.lunch_breaks) || [];
  // Only days with a meeting are shown; each day's lunch break sits between its sessions.
  const days = [...new Set(items.map((m) => m.day))].sort();
  const participant = c.role === "buyer" || c.role === "producer";
  return h("div", { class: "agenda-page" }, h("h1", {}, t("agenda")),
    participant && calendarTools(fairID),
    days.length ? h("div", { id: "agenda" }, days.map((day) => {
      const rows = items.filter((m) => m.day === day).map((m) => ({ at: m.starts_at, row: h("tr", { class: "meeting" },
        h("td", { class: "slot" }, time(m.starts_at)), h("td", {}, t("table") + " " + m.table), h("td", {}, c.role === "buyer" ? m.producer_name : m.buyer_name)) }));
      for (const l of lunches.filter((x) => x.day === day)) rows.push({ at: l.starts_at, row: h("tr", { class: "lunch" }, h("td", { colspan: 3 }, lunchText(l))) });
      rows.sort((x, y) => new Date(x.at) - new Date(y.at));
      return h("section", { class: "card agenda-day tablewrap" }, h("h2", {}, date(day)), h("table", { class: "agenda" }, h("tbody", {}, rows.map((x) => x.row))));
    })) : h("p", { class: "muted" }, t("none")));
}

// calendarTools offers the agenda as a file (fetched with the token: a plain link would carry no
// Authorization header) and as a private feed address for calendar apps, and prints it.
function calendarTools(fairID) {
  const feedBox = h("div", { id: "calendar-feed" });
  const showFeed = (url) => {
    const input = h("input", { type: "text", readonly: true, id: "feed-url", value: url, "aria-describedby": "feed-hint", onfocus: (ev) => ev.target.select() });
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(url);
      } catch (e) {
        input.select();
        document.execCommand("copy");
      }
      toast(t("copied"));
    };
    feedBox.replaceChildren(h("label", { for: "feed-url" }, t("feed_url")), input, h("p", { class: "muted", id: "feed-hint" }, t("feed_hint")),
      h("div", { class: "actions" }, h("button", { type: "button", id: "feed-copy", onclick: copy }, t("copy")),
        h("button", { type: "button", class: "secondary", id: "feed-new", onclick: () => makeFeed(true) }, t("feed_new")),
        h("button", { type: "button", class: "danger", id: "feed-stop", onclick: stopFeed }, t("feed_stop"))));
  };
  // stopFeed ends the address (a calendar app that has it stops getting updates).
  const stopFeed = async () => {
    if (!confirm(t("feed_stop_confirm"))) return;
    const r = await api("DELETE", `/api/fairs/${fairID}/agenda/feed`);
    if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
    feedShown.delete(fairID);
    feedBox.replaceChildren(h("p", { class: "muted" }, t("feed_stopped")));
  };
  // makeFeed asks for a new address; the one before stops at once, so changing it is asked first.
  const makeFeed = async (again) => {
    if (again && !confirm(t("feed_new_confirm"))) return;
    const r = await api("POST", `/api/fairs/${fairID}/agenda/feed`);
    if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
    const url = location.origin + r.data.path;
    feedShown.set(fairID, url);
    showFeed(url);
  };
  if (feedShown.has(fairID)) showFeed(feedShown.get(fairID));
  else feedBox.append(h("p", { class: "muted" }, t("feed_sync_hint")));
  return h("div", { class: "card no-print" }, h("div", { class: "actions" },
    h("a", { href: `/api/fairs/${fairID}/agenda/calendar.ics`, id: "ics-download", class: "button", onclick: download }, t("ics_download")),
    h("button", { type: "button", class: "secondary", id: "feed-sync", onclick: () => makeFeed(feedShown.has(fairID)) }, t("feed_sync")),
    h("button", { type: "button", class: "secondary", id: "agenda-print", onclick: () => window.print() }, t("print"))), feedBox);
}

// lunchRow is the organiser's grid row of a lunch break, across every table.
function lunchRow(l, tables) {
  return h("tr", { class: "lunch" }, h("td", { colspan: tables + 1 }, lunchText(l)));
}
