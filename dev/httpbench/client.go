package httpbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// NewTransport returns the one transport every request of a bench shares: enough idle
// connections per host that a rate of thousands a second reuses them instead of opening a new
// one per request, and a dialer that refuses anything but a loopback address, so that a wrong
// flag can never point the load at another machine.
func NewTransport(maxIdle int) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	return &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        maxIdle,
		MaxIdleConnsPerHost: maxIdle,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// loopbackOnly is a dialer's Control hook that refuses non-loopback addresses.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("httpbench: %s is not a loopback address; the bench only talks to this machine", address)
	}
	return nil
}

// CheckLoopback returns an error unless base is an http URL of a loopback IP address.
func CheckLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme != "http" || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("httpbench: %q is not an http URL on a loopback address", base)
	}
	return nil
}

// Client calls the API through the gateway as one account (or none).
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// As returns the client signed in with token.
func (c Client) As(token string) Client {
	c.Token = token
	return c
}

// StatusError is a response the API refused.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, e.Body)
}

// statusOf returns the HTTP status of err, or 0 when it is not a StatusError.
func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// Do sends a JSON body (nil for none) and decodes a JSON answer into out (nil to discard it). A
// status of 300 or more is a *StatusError.
func (c Client) Do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	return c.send(ctx, method, path, "application/json", rd, out)
}

// Upload sends raw bytes of a content type and decodes the JSON answer into out.
func (c Client) Upload(ctx context.Context, path, contentType string, data []byte, out any) error {
	return c.send(ctx, http.MethodPost, path, contentType, bytes.NewReader(data), out)
}

func (c Client) send(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: clip(strings.TrimSpace(string(data)), 300)}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Login signs in and returns the client with the account's token. The gateway limits sign-ins
// per source address, and every account of the bench signs in from 127.0.0.1: a refusal for
// too many attempts is waited out (bounded), as a person would.
func (c Client) Login(ctx context.Context, email, password string) (Client, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := retryLimited(ctx, func() error {
		return c.Do(ctx, http.MethodPost, "/api/auth/login", map[string]string{"email": email, "password": password}, &tok)
	})
	return c.As(tok.AccessToken), err
}

// Register creates a producer or buyer account and returns the client signed in with it.
func (c Client) Register(ctx context.Context, email, password, name, role string) (Client, error) {
	var reg struct {
		AccessToken string `json:"access_token"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/auth/register", map[string]string{"email": email, "password": password, "name": name, "role": role}, &reg)
	return c.As(reg.AccessToken), err
}

// retryLimited runs fn again while it answers 429, for at most two minutes.
func retryLimited(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := fn()
		if statusOf(err) != http.StatusTooManyRequests || time.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}

// Eventually runs fn until it succeeds, at most tries times, waiting every between tries:
// events take a moment to reach the services that read them.
func Eventually(ctx context.Context, tries int, every time.Duration, fn func() error) error {
	var err error
	for range tries {
		if err = fn(); err == nil {
			return nil
		}
		if serr := sleep(ctx, every); serr != nil {
			return serr
		}
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
