package account

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// While every turn to hash a password is taken (a burst of sign-ins), one more sign-in, sign-up,
// password change or reset waits, then is told to come back (503 with Retry-After) instead of
// adding one more hash to those that starve every other request; a turn given back lets it in.
// The turns are given back after each use: many sign-ins one after another all get theirs.
func TestPasswordHashesTakeTurns(t *testing.T) {
	r, rt := accountRoutes(t, 1000)
	post := func(path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	const signUp = `{"email":"htx@example.vn","name":"HTX Tân Cương","role":"producer","password":"chè-ngon-2026"}`
	const signIn = `{"email":"htx@example.vn","password":"chè-ngon-2026"}`
	if w := post("/api/auth/register", signUp); w.Code != http.StatusCreated {
		t.Fatalf("register = %d %s", w.Code, w.Body)
	}
	for i := range 3 * cap(rt.hashing) {
		if w := post("/api/auth/login", signIn); w.Code != http.StatusOK {
			t.Fatalf("sign-in %d = %d %s", i, w.Code, w.Body)
		}
	}
	for range cap(rt.hashing) {
		rt.hashing <- struct{}{}
	}
	start := time.Now()
	w := post("/api/auth/login", signIn)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "auth_busy") {
		t.Errorf("a sign-in while every turn is taken = %d (Retry-After %q) %s, want 503 auth_busy", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if waited := time.Since(start); waited < hashWait {
		t.Errorf("it was refused after %v, want after waiting %v", waited, hashWait)
	}
	if w := post("/api/auth/register", strings.Replace(signUp, "htx@", "hoa@", 1)); w.Code != http.StatusServiceUnavailable {
		t.Errorf("a sign-up while every turn is taken = %d, want 503", w.Code)
	}
	// A sign-in waiting for its turn has not asked the database yet (where the signed-in pages
	// would queue behind a burst): with a database that cannot answer, it is still told auth_busy.
	live, dead := rt.accounts, testenv.DB(t)
	if err := dead.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt.accounts = NewStore(dead)
	if w := post("/api/auth/login", signIn); !strings.Contains(w.Body.String(), "auth_busy") {
		t.Errorf("a sign-in while every turn is taken, the database down = %d %s, want 503 auth_busy before any lookup", w.Code, w.Body)
	}
	rt.accounts = live
	go func() { time.Sleep(200 * time.Millisecond); <-rt.hashing }()
	if w := post("/api/auth/login", signIn); w.Code != http.StatusOK {
		t.Errorf("a sign-in as a turn is given back = %d %s", w.Code, w.Body)
	}
}
