package account

import (
	"fmt"
	"net/http"
	"testing"
)

func TestSourceOf(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := sourceOf(tt.ip); got != tt.want {
			t.Errorf("sourceOf(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// TestIPv6HostIsOneSource: one host holds a whole IPv6 /64; picking another of its addresses
// renews neither the sign-up limit nor the sign-in limits.
func TestIPv6HostIsOneSource(t *testing.T) {
	g := newLimitRig(t)
	signUp := func(from string, i int) int {
		status, _ := g.post(t, from, "/api/auth/register", map[string]string{"email": fmt.Sprintf("s%d@example.vn", i), "name": "Ten Ten", "role": "buyer", "password": "long-enough-pw"})
		return status
	}
	if status, _ := g.post(t, "2001:db8:1:2::1", "/api/auth/register", map[string]string{"email": "victim@example.vn", "name": "HTX Nạn Nhân", "role": "producer", "password": "the-real-password"}); status != http.StatusCreated {
		t.Fatalf("register: %d", status)
	}
	for i := range 99 { // 100 sign-ups an hour per source, the victim's included
		if status := signUp("2001:db8:1:2::100", i); status != http.StatusCreated {
			t.Fatalf("sign-up %d: %d", i, status)
		}
	}
	if status := signUp("2001:db8:1:2::101", 100); status != http.StatusTooManyRequests {
		t.Errorf("101st sign-up from the same /64: %d, want 429", status)
	}
	if status := signUp("2001:db8:1:3::1", 101); status != http.StatusCreated {
		t.Errorf("sign-up from the next /64: %d, want 201", status)
	}
	compared := 0
	for i := range 130 {
		from := fmt.Sprintf("2001:db8:1:2::%x", 0x1000+i)
		if status, _ := g.post(t, from, "/api/auth/login", map[string]string{"email": "victim@example.vn", "password": fmt.Sprint("guess-", i)}); status == http.StatusUnauthorized {
			compared++
		}
	}
	if compared != 10 { // 10 a minute per account and source
		t.Errorf("%d of 130 guesses from one /64 within a minute were compared, want 10", compared)
	}
}
