package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Contract is a service's OpenAPI document, loaded and validated, with the router that finds
// an exchange's operation in it.
type Contract struct {
	Doc    *openapi3.T
	router routers.Router
}

// defineFormats teaches the validator the string formats the documents use beyond date and
// date-time: uuid of any version (the services make version 7).
var defineFormats = sync.OnceFunc(func() {
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(
		`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`))
})

// LoadContract parses and validates an OpenAPI document (doc.Validate: every schema, reference
// and example well formed) and makes its router.
func LoadContract(data []byte) (*Contract, error) {
	defineFormats()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	return &Contract{Doc: doc, router: r}, nil
}

// contracts holds each base URL's contract, fetched once: a service's document does not change
// while it runs, and a test makes hundreds of calls.
var contracts sync.Map // base URL → *contractOnce

type contractOnce struct {
	once sync.Once
	c    *Contract
	err  error
}

// contractAt returns the contract served at base/openapi.json; nil when base serves none (a
// metrics listener, a fake upstream), an error when the document it serves is broken.
func contractAt(hc *http.Client, base string) (*Contract, error) {
	v, _ := contracts.LoadOrStore(base, &contractOnce{})
	e := v.(*contractOnce)
	e.once.Do(func() {
		resp, err := hc.Get(base + "/openapi.json")
		if err != nil {
			e.err = err
			return
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			return // no document here: nothing to check against
		}
		e.c, e.err = LoadContract(data)
	})
	return e.c, e.err
}

// Check validates one exchange against the contract with openapi3filter: the request when the
// server accepted it (2xx: a request the server takes must be one the document allows), the
// response always, problem documents included, and an undocumented status is a mismatch. It
// returns nil when the contract has no operation for the request (an unknown path, a path
// another service answers).
func (c *Contract) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	req = req.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return nil
	}
	op := route.Method + " " + route.Path
	if route.Operation.OperationID != "" {
		op = route.Operation.OperationID + " (" + op + ")"
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	var errs []error
	if status/100 == 2 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			errs = append(errs, fmt.Errorf("request: %w", err))
		}
	}
	if err := checkResponse(in, status, header, body); err != nil {
		errs = append(errs, fmt.Errorf("response %d: %w", status, err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s does not follow the document: %w", op, errors.Join(errs...))
	}
	return nil
}

func checkResponse(in *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	if status == http.StatusNotModified || in.Request.Method == http.MethodHead {
		return nil
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: in.Options}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return err
	}
	// openapi3filter does not look at a body where the document promises none.
	if r := in.Route.Operation.Responses.Status(status); r != nil && r.Value != nil && len(r.Value.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("the document promises no body, but the server sent %d bytes (%s)", len(body), header.Get("Content-Type"))
	}
	return nil
}

// checkExchange validates what c just sent and received against the contract of c.Base (and,
// where that has no such operation, of each of c.Contracts), failing the test on a mismatch.
func (c Client) checkExchange(tb testing.TB, req *http.Request, reqBody []byte, r Response) {
	tb.Helper()
	if c.Unchecked || req.URL.Path == "/openapi.json" {
		return
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	for _, base := range append([]string{c.Base}, c.Contracts...) {
		ct, err := contractAt(hc, base)
		if err != nil {
			tb.Errorf("%s/openapi.json: %v", base, err)
			return
		}
		if ct == nil {
			continue
		}
		if _, _, err := ct.router.FindRoute(req); err != nil {
			continue
		}
		if err := ct.Check(req, reqBody, r.Status, r.Header, r.Body); err != nil {
			tb.Errorf("%s %s: %v\nrequest body: %s\nresponse body: %s", req.Method, req.URL.RequestURI(), err, clip(reqBody), clip(r.Body))
		}
		return
	}
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
