package meeting

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// icsEvent is one meeting as a calendar event.
type icsEvent struct {
	UID         string
	Sequence    int64
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
}

// icsCalendar is a participant's agenda as an iCalendar document (RFC 5545).
type icsCalendar struct {
	Name   string
	Stamp  time.Time
	Events []icsEvent
}

// encode writes c as text/calendar: CRLF line ends, long lines folded at 75 octets on
// character boundaries, texts escaped, times in UTC (every calendar shows them in its own
// zone). Each event's UID is the meeting's and its SEQUENCE the schedule's version, so a
// calendar subscribed to the feed moves a meeting that a later schedule moved.
func (c icsCalendar) encode() []byte {
	var b strings.Builder
	line := func(name, value string) { foldLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//ocopfair//agenda//VI")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icsText(c.Name))
	line("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh")
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", e.UID)
		line("DTSTAMP", icsTime(c.Stamp))
		line("SEQUENCE", strconv.FormatInt(e.Sequence, 10))
		line("DTSTART", icsTime(e.Start))
		line("DTEND", icsTime(e.End))
		line("SUMMARY", icsText(e.Summary))
		if e.Location != "" {
			line("LOCATION", icsText(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION", icsText(e.Description))
		}
		line("STATUS", "CONFIRMED")
		line("TRANSP", "OPAQUE")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return []byte(b.String())
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value: backslash, semicolon, comma and line breaks.
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldLine writes one content line, folded so that no line exceeds 75 octets: a continuation
// starts with a space, and a multi-byte character is never split.
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
