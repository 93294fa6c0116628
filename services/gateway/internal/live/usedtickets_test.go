package live

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

// TestUsedTicketsAreForgottenOnceExpired: a used ticket is refused while it lives and forgotten
// once it has expired, also one that expires before a ticket used ahead of it (issued by a
// replica whose clock is ahead).
func TestUsedTicketsAreForgottenOnceExpired(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	tickets := NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub})
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	p := auth.Principal{AccountID: "acc-1", Role: auth.RoleBuyer}
	issue := func(at time.Time) string {
		s, _, err := tickets.Issue(p, at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ahead, own := issue(now.Add(clockLeeway)), issue(now) // expire at now+35s and now+30s
	for _, tk := range []string{ahead, own} {
		if _, err := tickets.Redeem(tk, now); err != nil {
			t.Fatalf("Redeem(fresh ticket) = %v", err)
		}
	}
	if _, err := tickets.Redeem(own, now.Add(TicketTTL-time.Second)); err == nil {
		t.Errorf("Redeem(used ticket) 29 s later succeeded, want it refused")
	}
	held := func() (int, int) {
		tickets.mu.Lock()
		defer tickets.mu.Unlock()
		return len(tickets.used), len(tickets.usedOrder)
	}
	later := issue(now.Add(TicketTTL))
	if _, err := tickets.Redeem(later, now.Add(TicketTTL+clockLeeway)); err != nil {
		t.Fatalf("Redeem(fresh ticket) = %v", err)
	}
	if used, order := held(); used != 1 || order != 1 {
		t.Errorf("35 s on, %d used tickets held (%d in order), want 1: the two expired ones forgotten", used, order)
	}
	if _, err := tickets.Redeem(later, now.Add(TicketTTL+clockLeeway+time.Second)); err == nil {
		t.Errorf("Redeem(used ticket) again succeeded, want it refused")
	}
}

// BenchmarkRedeemWithManyUsed redeems a ticket while 50,000 used ones are held: the cost must not
// grow with them (it did, every redemption scanning them all under the one lock).
func BenchmarkRedeemWithManyUsed(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	tickets := NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub})
	now := time.Now()
	p := auth.Principal{AccountID: "acc-1", Role: auth.RoleBuyer}
	for range 50000 {
		tk, _, _ := tickets.Issue(p, now)
		if _, err := tickets.Redeem(tk, now); err != nil {
			b.Fatal(err)
		}
	}
	fresh := make([]string, b.N)
	for i := range fresh {
		fresh[i], _, _ = tickets.Issue(p, now)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := tickets.Redeem(fresh[i], now); err != nil {
			b.Fatal(err)
		}
	}
}
