package apidoc

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// Each service's documents name their schemas after Go types; two services have a Problem and a
// type of the same name, which the merged document must keep apart.
type fairResponse struct {
	ID     string    `json:"id"`
	NameVI string    `json:"name_vi" doc:"Tên hội chợ"`
	Starts time.Time `json:"starts_at"`
}

type productRequest struct {
	Name  string `json:"name"`
	Stars int    `json:"stars"`
}

type productResponse struct {
	ID    string         `json:"id"`
	Name  string         `json:"name"`
	Owner *fairResponse  `json:"owner,omitempty"`
	Tags  []string       `json:"tags"`
	Extra map[string]int `json:"extra"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// docOf is a document as the services' own generator writes it.
func docOf(title string, ops ...openapi.Op) []byte {
	d := openapi.New(title, "1.0.0", title)
	for _, op := range ops {
		d.Add(op)
	}
	return d.JSON()
}

func serveDoc(t *testing.T, doc []byte) *url.URL {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// fixture is a gateway document, an event and an exhibitor service serving theirs, and a
// matchmaking service that is down.
func fixture(t *testing.T) *Docs {
	t.Helper()
	own := docOf("gateway", openapi.Op{Method: "POST", Path: "/api/auth/login", Tag: "auth", Summary: "Đăng nhập.", Request: loginRequest{}, Response: loginRequest{}})
	event := docOf("event",
		openapi.Op{Method: "GET", Path: "/api/fairs/:id", Tag: "fairs", Summary: "Một hội chợ.", Response: fairResponse{}},
		openapi.Op{Method: "GET", Path: "/api/admin/event/dead-letters", Tag: "operations", Summary: "Dead letters.", Roles: []string{"admin"}},
		// Documented by event but routed to exhibitor: left out and reported.
		openapi.Op{Method: "GET", Path: "/api/products/:id/owner", Tag: "fairs", Summary: "Stray.", Response: fairResponse{}})
	exhibitor := docOf("exhibitor",
		openapi.Op{Method: "POST", Path: "/api/products", Tag: "products", Summary: "Thêm sản phẩm.", Roles: []string{"producer"},
			Request: productRequest{}, Response: productResponse{}, Status: 201, Idempotent: true},
		openapi.Op{Method: "GET", Path: "/api/fairs/:fairId/applications", Tag: "applications", Summary: "Đơn của hội chợ.", Response: fairResponse{}})
	upstreams := map[string]*url.URL{}
	for name, doc := range map[string][]byte{proxy.Event: event, proxy.Exhibitor: exhibitor} {
		upstreams[name] = serveDoc(t, doc)
	}
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	upstreams[proxy.Matchmaking], _ = url.Parse(down.URL)
	return New(func() []byte { return own }, upstreams, slog.New(slog.DiscardHandler))
}

// TestMergedDocumentIsValid: the merged document loads and validates with kin-openapi, holds
// the gateway's and each answering service's operations with their schemas under prefixed
// names, has one security scheme and the gateway as server, names the missing service, and
// leaves out (and reports) a path the gateway does not route to the service documenting it.
func TestMergedDocumentIsValid(t *testing.T) {
	d := fixture(t)
	snap := d.Current(t.Context())
	doc, err := openapi3.NewLoader().LoadFromData(snap.JSON)
	if err != nil {
		t.Fatalf("load the merged document: %v\n%s", err, snap.JSON)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate the merged document: %v\n%s", err, snap.JSON)
	}
	for _, p := range []string{"/api/auth/login", "/api/fairs/{id}", "/api/admin/event/dead-letters", "/api/products", "/api/fairs/{fairId}/applications"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("the merged document has no path %s", p)
		}
	}
	if doc.Paths.Find("/api/products/{id}/owner") != nil || !slices.Equal(snap.Unrouted, []string{"/api/products/{id}/owner (event): routed to exhibitor"}) {
		t.Errorf("a path routed elsewhere: unrouted %q, in the document %v", snap.Unrouted, doc.Paths.Find("/api/products/{id}/owner") != nil)
	}
	for _, name := range []string{"GatewayProblem", "EventProblem", "ExhibitorProblem"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("no schema %s among %v", name, slices.Sorted(maps.Keys(doc.Components.Schemas)))
		}
	}
	if _, ok := doc.Components.Schemas["Problem"]; ok {
		t.Error("a schema kept its unprefixed name")
	}
	create := doc.Paths.Find("/api/products").Post
	if ref := create.RequestBody.Value.Content.Get("application/json").Schema.Ref; !strings.HasPrefix(ref, "#/components/schemas/Exhibitor") {
		t.Errorf("the exhibitor's request body refers to %q, want an Exhibitor… schema", ref)
	}
	if r := create.Responses.Status(502); r == nil || r.Value.Content.Get("application/problem+json").Schema.Ref != "#/components/schemas/GatewayProblem" {
		t.Errorf("a service's operation does not declare the gateway's 502: %v", create.Responses.Map())
	}
	if len(doc.Components.SecuritySchemes) != 1 || doc.Components.SecuritySchemes[bearer] == nil || create.Security == nil || (*create.Security)[0][bearer] == nil {
		t.Errorf("security schemes %v, operation security %v", doc.Components.SecuritySchemes, create.Security)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers %v, want the gateway (/)", doc.Servers)
	}
	// A validator finds an operation from a request to wherever the gateway runs.
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	if route, _, err := router.FindRoute(httptest.NewRequest("GET", "http://127.0.0.1:18080/api/fairs/42", nil)); err != nil || route.Operation.OperationID == "" {
		t.Errorf("FindRoute(GET /api/fairs/42) = %v, %v", route, err)
	}
	if !slices.Equal(snap.Missing, []string{proxy.Matchmaking}) || !strings.Contains(doc.Info.Description, proxy.Matchmaking) ||
		!slices.Equal(doc.Extensions["x-ocopfair-missing"].([]any), []any{proxy.Matchmaking}) {
		t.Errorf("missing %q, info %q, extension %v", snap.Missing, doc.Info.Description, doc.Extensions["x-ocopfair-missing"])
	}
	if len(snap.Dead) != 0 {
		t.Errorf("dead entries %q reported while a document is missing", snap.Dead)
	}
}

// TestMergedDocumentKeepsALostServicesPart: once the TTL has passed, a service that stopped
// answering keeps its last document, named as stale; before the TTL the services are not asked.
func TestMergedDocumentKeepsALostServicesPart(t *testing.T) {
	var asked int
	doc := docOf("event", openapi.Op{Method: "GET", Path: "/api/fairs", Tag: "fairs", Summary: "Hội chợ.", Response: fairResponse{}})
	event := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked++
		_, _ = w.Write(doc)
	}))
	u, _ := url.Parse(event.URL)
	now := time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC)
	d := New(func() []byte { return docOf("gateway") }, map[string]*url.URL{proxy.Event: u}, slog.New(slog.DiscardHandler))
	d.now = func() time.Time { return now }
	first := d.Current(t.Context())
	d.Current(t.Context())
	if asked != 1 || len(first.Stale) != 0 {
		t.Fatalf("within the TTL: the event service was asked %d times (want 1), stale %q", asked, first.Stale)
	}
	event.Close()
	now = now.Add(TTL)
	later := d.Current(t.Context())
	if !slices.Equal(later.Stale, []string{proxy.Event}) || !strings.Contains(string(later.JSON), `"/api/fairs"`) ||
		!strings.Contains(string(later.JSON), "không trả lời") {
		t.Errorf("after the event service went away: stale %q, document %s", later.Stale, later.JSON)
	}
}

// TestReferencePage: the page, served through a router like the gateway's, shows an operation
// with its parameters and example, and a schema, in one self-contained HTML file; the merged
// document is served at /openapi.json too.
func TestReferencePage(t *testing.T) {
	d := fixture(t)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	NewRoutes(d).Register(r)
	srv := httptest.NewServer(AtRoot(r))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + PagePath)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("GET %s: %d %v", PagePath, resp.StatusCode, resp.Header)
	}
	html := string(page)
	for _, want := range []string{
		`id="tag-products"`, `<code>/api/products</code>`, "Thêm sản phẩm.", // an operation under its tag
		"Idempotency-Key", "Tham số", "Mã lỗi", "Ví dụ", // its parameters, errors and example
		`&#34;stars&#34;: 1`,                                 // the example body made from the schema
		`id="schema-EventApidocFairResponse"`, "Tên hội chợ", // a schema with a field's description
		`href="#schema-ExhibitorApidocProductResponse"`, // a response type linked to its schema
		"matchmaking", // the missing part named
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the reference page has no %q", want)
		}
	}
	for _, outside := range []string{"<script", "<link", "src=", "https://", "@import"} {
		if strings.Contains(html, outside) {
			t.Errorf("the reference page loads something (%q)", outside)
		}
	}
	var root, docs map[string]any
	for path, v := range map[string]*map[string]any{RootPath: &root, DocPath: &docs} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	if root["info"].(map[string]any)["title"] != "ocopfair API" || docs["info"].(map[string]any)["title"] != "ocopfair API" {
		t.Errorf("/openapi.json and %s are not the merged document: %v, %v", DocPath, root["info"], docs["info"])
	}
}
