package live

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

func TestTickets(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	tickets := NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub})
	forger := NewTickets(otherPriv, "k1", nil)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer}
	issue := func(tk *Tickets, at time.Time) string {
		s, _, err := tk.Issue(p, at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := issue(tickets, now)
	got, err := tickets.Redeem(good, now.Add(TicketTTL-time.Second))
	if err != nil || got != p {
		t.Fatalf("Redeem(fresh ticket) = %+v, %v; want %+v", got, err, p)
	}
	payload, sig, _ := strings.Cut(issue(tickets, now), ".")
	tests := []struct{ name, ticket string }{
		{"used twice", good},
		{"expired", issue(tickets, now.Add(-TicketTTL))},
		{"forged with another key", issue(forger, now)},
		{"payload changed", strings.Replace(payload, payload[:4], "AAAA", 1) + "." + sig},
		{"no signature", payload},
		{"empty", ""},
		{"an access token", "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhY2MtMSJ9.c2ln"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tickets.Redeem(tt.ticket, now); err == nil {
				t.Errorf("Redeem(%s) = %+v, want an error", tt.name, got)
			}
		})
	}
}
