// Package openapi builds a service's OpenAPI 3 document from the same route table that registers
// its handlers, so the document cannot drift from the routes. Schemas are derived from the
// request and response structs the handlers encode, the way encoding/json sees them: one named
// component per struct, fields without omitempty required in responses, pointers nullable,
// objects closed to unknown fields; struct tags add what Go types cannot say (doc, enum,
// format, example, required on request fields).
package openapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Type        string // string (default), integer, boolean
	// Enum lists the values the server accepts, Format names a string format (date, uuid).
	Enum     []string
	Format   string
	Required bool
}

// Op is one operation: a method and gin-style path (":id") with what it takes and returns.
type Op struct {
	Method  string
	Path    string
	Summary string
	Tag     string
	// Roles that may call it; empty means public.
	Roles []string
	// Request and Response are example values of the body structs (nil for none).
	Request  any
	Response any
	// Status of a success; 200 when 0.
	Status int
	Query  []Param
	// AlsoStatuses are further success statuses answered with the same body and headers (a
	// repeated create answered 200 where the first is 201).
	AlsoStatuses []int
	// Idempotent marks creating operations that accept an Idempotency-Key header.
	Idempotent bool
	// OptionalBody marks a Request that the handler also takes without a body.
	OptionalBody bool
	// RequestTypes are the media types of a body that is not JSON (a file upload); the
	// document gives them no schema.
	RequestTypes []string
	// Files are media types the success may have instead of JSON (chosen by ?format=).
	Files []string
	// Errors are error statuses beyond those the operation's shape implies: 403 with Roles;
	// 408, 413 and 422 with a body; 422 with query parameters; 404 with a path parameter; on writes
	// 409 (a concurrent change, a duplicate, an Idempotency-Key whose first run goes on) and 400
	// (a body they do not take); 401 (a token that is not valid), 500 and 503 always. A read that can conflict or be rate
	// limited names 409 or 429 here.
	Errors []int
	// Headers are response headers of a success, by name, with what they hold.
	Headers map[string]string
}

// Doc collects operations.
type Doc struct {
	title, version, description string
	ops                         []Op
	problem                     reflect.Type
}

// New returns an empty document.
func New(title, version, description string) *Doc {
	return &Doc{title: title, version: version, description: description}
}

// Add records an operation.
func (d *Doc) Add(op Op) { d.ops = append(d.ops, op) }

// SetProblem names the struct that error responses carry (application/problem+json), so its
// schema follows the type the server writes.
func (d *Doc) SetProblem(v any) { d.problem = reflect.TypeOf(v) }

// Operations returns "METHOD /path" for every operation, with OpenAPI-style path parameters.
func (d *Doc) Operations() []string {
	out := make([]string, 0, len(d.ops))
	for _, op := range d.ops {
		out = append(out, strings.ToUpper(op.Method)+" "+Path(op.Path))
	}
	sort.Strings(out)
	return out
}

// Path converts a gin path ("/api/fairs/:id") to OpenAPI form ("/api/fairs/{id}").
func Path(gin string) string {
	parts := strings.Split(gin, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// JSON renders the OpenAPI 3.0.3 document.
func (d *Doc) JSON() []byte {
	g := newGen()
	g.define("Problem", d.problem)
	paths := map[string]map[string]any{}
	for _, op := range d.ops {
		p := Path(op.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(op.Method)] = g.operation(op)
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": d.title, "version": d.version, "description": d.description},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         g.schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
}

// define builds the component name from t (a response); without t, a minimal problem document.
func (g *gen) define(name string, t reflect.Type) {
	if t == nil {
		g.schemas[name] = map[string]any{"type": "object", "required": []string{"type", "title", "status"}, "properties": map[string]any{
			"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
			"detail": map[string]any{"type": "string"}}}
		return
	}
	g.build(name, schemaKey{t, inResponse})
}

// operation renders one operation with its parameters, body and every response it can have.
func (g *gen) operation(op Op) map[string]any {
	o := map[string]any{"summary": op.Summary, "operationId": operationID(op)}
	if op.Tag != "" {
		o["tags"] = []string{op.Tag}
	}
	if params := parameters(op); len(params) > 0 {
		o["parameters"] = params
	}
	if body := g.requestBody(op); body != nil {
		o["requestBody"] = body
	}
	o["responses"] = g.responses(op)
	if len(op.Roles) > 0 {
		o["security"] = []any{map[string]any{"bearer": []string{}}}
		o["description"] = "Roles: " + strings.Join(op.Roles, ", ") + "."
	} else {
		// Public, and a token may still change the answer (organisers see their drafts).
		o["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
	}
	return o
}

func parameters(op Op) []any {
	var params []any
	for _, seg := range strings.Split(op.Path, "/") {
		if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
			params = append(params, map[string]any{"name": seg[1:], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, q := range op.Query {
		s := map[string]any{"type": "string"}
		if q.Type != "" {
			s["type"] = q.Type
		}
		if len(q.Enum) > 0 {
			s["enum"] = q.Enum
		}
		if q.Format != "" {
			s["format"] = q.Format
		}
		p := map[string]any{"name": q.Name, "in": "query", "schema": s}
		if q.Description != "" {
			p["description"] = q.Description
		}
		if q.Required {
			p["required"] = true
		}
		params = append(params, p)
	}
	if op.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
			"description": "Makes a retry of this request return the first response instead of creating twice.", "schema": map[string]any{"type": "string", "maxLength": 200}})
	}
	return params
}

func (g *gen) requestBody(op Op) map[string]any {
	content := map[string]any{}
	if op.Request != nil {
		content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(op.Request), inRequest, camel(operationID(op))+"Request")}
	}
	for _, mt := range op.RequestTypes {
		content[mt] = map[string]any{}
	}
	if len(content) == 0 {
		return nil
	}
	return map[string]any{"required": !op.OptionalBody, "content": content}
}

// responses lists the success and every error status the operation can answer, so that a
// validator with undocumented statuses turned off catches a status the document does not name.
func (g *gen) responses(op Op) map[string]any {
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	content := map[string]any{}
	if op.Response != nil {
		content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(op.Response), inResponse, camel(operationID(op))+"Response")}
	}
	for _, mt := range op.Files {
		content[mt] = map[string]any{}
	}
	if len(content) > 0 {
		ok["content"] = content
	}
	if len(op.Headers) > 0 {
		headers := map[string]any{}
		for name, desc := range op.Headers {
			headers[name] = map[string]any{"description": desc, "schema": map[string]any{"type": "string"}}
		}
		ok["headers"] = headers
	}
	out := map[string]any{strconv.Itoa(status): ok}
	for _, s := range op.AlsoStatuses {
		also := maps.Clone(ok)
		also["description"] = http.StatusText(s)
		out[strconv.Itoa(s)] = also
	}
	problem := map[string]any{ProblemType: map[string]any{"schema": ref("Problem")}}
	language := map[string]any{"Content-Language": map[string]any{"schema": map[string]any{"type": "string", "enum": []string{"vi", "en"}},
		"description": "the language of title, detail and the field messages (Accept-Language; vi by default)"}}
	for _, s := range errorStatuses(op) {
		out[strconv.Itoa(s)] = map[string]any{"description": http.StatusText(s), "content": problem, "headers": language}
	}
	return out
}

// ProblemType is the media type of error responses.
const ProblemType = "application/problem+json"

// errorStatuses are the error statuses op can answer: those its shape implies and op.Errors.
func errorStatuses(op Op) []int {
	// Any operation can fail inside (500) or find its database or NATS unreachable (503), and
	// refuses an Authorization header that is not a valid token (401), public ones too; any
	// write can meet a concurrent one (a stale revision or a unique key: 409), and refuses a body
	// that is not one it takes (400; one that takes none refuses any with content).
	set := map[int]bool{http.StatusUnauthorized: true, http.StatusInternalServerError: true, http.StatusServiceUnavailable: true}
	if op.Method != http.MethodGet && op.Method != http.MethodHead {
		set[http.StatusConflict], set[http.StatusBadRequest] = true, true
	}
	if len(op.Roles) > 0 {
		set[http.StatusForbidden] = true
	}
	if op.Request != nil || len(op.RequestTypes) > 0 {
		set[http.StatusBadRequest], set[http.StatusRequestEntityTooLarge], set[http.StatusUnprocessableEntity] = true, true, true
		set[http.StatusRequestTimeout] = true // a body that arrives too slowly (httpx.MinBodyRate)
	}
	if len(op.Query) > 0 {
		set[http.StatusUnprocessableEntity] = true
	}
	if strings.Contains(op.Path, "/:") || strings.Contains(op.Path, "/*") {
		set[http.StatusNotFound] = true
	}
	for _, s := range op.Errors {
		set[s] = true
	}
	out := make([]int, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

func operationID(op Op) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, seg := range strings.Split(op.Path, "/") {
		if seg == "" || seg == "api" {
			continue
		}
		seg = strings.TrimLeft(seg, ":*")
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
