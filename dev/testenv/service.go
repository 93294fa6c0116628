package testenv

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/service"
)

// Issuer and Audience of test tokens.
const (
	Issuer   = "ocopfair-test"
	Audience = "ocopfair"
)

// ServiceConfig returns a configuration for running service name in-process against natsURL,
// with a fresh data directory and a fast outbox relay.
func ServiceConfig(tb testing.TB, name, natsURL string) service.Config {
	tb.Helper()
	return service.Config{
		Service: name, HTTPAddr: "127.0.0.1:0", NATSURL: natsURL, MongoDatabase: "ocopfair_" + name,
		DataDir: tb.TempDir(), JWKSURL: "http://127.0.0.1:1/unused", JWTIssuer: Issuer, JWTAudience: Audience,
		LogFormat: "text", LogLevel: slog.LevelWarn, StreamReplicas: 1, RelayInterval: 200 * time.Millisecond,
		// Over 6 s: a connection a client dialled but never used (an HTTP client dials ahead
		// when requests wait) counts as active until it is 5–6 s old, and holds the drain.
		ShutdownTimeout: 10 * time.Second,
	}
}

// Tokens issues test tokens that services started with Keys accept.
type Tokens struct {
	signer *auth.Signer
	Keys   auth.StaticKeys
}

// NewTokens makes a signing key for a test.
func NewTokens(tb testing.TB) Tokens {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return Tokens{signer: auth.NewSigner(priv, "test-key", Issuer, Audience, time.Hour), Keys: auth.StaticKeys{"test-key": pub}}
}

// Token returns a bearer token for an account with role; an empty accountID makes a new one.
func (t Tokens) Token(tb testing.TB, role, accountID string) (token, account string) {
	tb.Helper()
	return t.TokenAt(tb, role, accountID, time.Now())
}

// TokenAt is Token issued at at.
func (t Tokens) TokenAt(tb testing.TB, role, accountID string, at time.Time) (token, account string) {
	tb.Helper()
	if accountID == "" {
		accountID = uuid.Must(uuid.NewV7()).String()
	}
	tok, _, err := t.signer.Issue(auth.Principal{AccountID: accountID, Role: role, Name: role + " " + accountID[:8]}, at, uuid.NewString())
	if err != nil {
		tb.Fatal(err)
	}
	return tok, accountID
}

// Serve runs run on a loopback listener until the test ends and returns the base URL.
func Serve(tb testing.TB, run func(ctx context.Context, ln net.Listener) error) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("service stopped with %v", err)
			}
		case <-time.After(30 * time.Second):
			tb.Error("service did not stop within 30s")
		}
	})
	return "http://" + ln.Addr().String()
}

// Client calls a JSON API and checks every exchange against the OpenAPI document the API
// serves at Base/openapi.json (fetched once per base URL; see Contract.Check), so that a test
// fails when a handler's request or response drifts from its document.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
	// Contracts are further base URLs whose documents apply where Base's own has no such
	// operation: the services behind a gateway whose document does not cover them.
	Contracts []string
	// Unchecked turns the document check off, for clients of listeners that serve no API
	// document of their own (metrics) and for tests that send what no document allows.
	Unchecked bool
}

// Response is what a call returned.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v, failing the test when it cannot.
func (r Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends method path with body (nil, a string or bytes sent as is, or a value encoded as JSON)
// and headers given as name, value pairs.
func (c Client) Do(tb testing.TB, method, path string, body any, headers ...string) Response {
	tb.Helper()
	var (
		rd      io.Reader
		reqBody []byte
	)
	switch b := body.(type) {
	case nil:
	case string:
		reqBody = []byte(b)
	case []byte:
		reqBody = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		reqBody = data
	}
	if body != nil {
		rd = bytes.NewReader(reqBody)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	r := Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
	c.checkExchange(tb, req, reqBody, r)
	return r
}

// Pages follows a paginated list at path one item per page (at most 20 pages), failing the test
// on any answer but 200, and returns the items in order.
func Pages[T any](tb testing.TB, c Client, path string) []T {
	tb.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var items []T
	cursor := ""
	for range 20 {
		var page struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		r := c.Do(tb, http.MethodGet, path+sep+"limit=1&cursor="+url.QueryEscape(cursor), nil)
		if r.Status != http.StatusOK {
			tb.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		r.Decode(tb, &page)
		items = append(items, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	return items
}

// With returns a copy of the client with another token.
func (c Client) With(token string) Client { c.Token = token; return c }

// Eventually polls cond every 20 ms until it holds or 15 s pass.
func Eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	EventuallyWithin(tb, 15*time.Second, what, cond)
}

// EventuallyWithin polls cond every 20 ms until it holds or d passes.
func EventuallyWithin(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
