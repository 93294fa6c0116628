// Package openapi builds a service's OpenAPI 3 document from the same route table that registers
// its handlers, so the document cannot drift from the routes. Schemas are derived from the
// request and response structs' json tags.
package openapi

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Type        string // string (default), integer, boolean
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
	// Idempotent marks creating operations that accept an Idempotency-Key header.
	Idempotent bool
}

// Doc collects operations.
type Doc struct {
	title, version, description string
	ops                         []Op
}

// New returns an empty document.
func New(title, version, description string) *Doc {
	return &Doc{title: title, version: version, description: description}
}

// Add records an operation.
func (d *Doc) Add(op Op) { d.ops = append(d.ops, op) }

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
	g := &gen{schemas: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, op := range d.ops {
		p := Path(op.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		status := op.Status
		if status == 0 {
			status = 200
		}
		o := map[string]any{"summary": op.Summary, "operationId": operationID(op)}
		if op.Tag != "" {
			o["tags"] = []string{op.Tag}
		}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
				params = append(params, map[string]any{"name": seg[1:], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range op.Query {
			t := q.Type
			if t == "" {
				t = "string"
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": map[string]any{"type": t}})
		}
		if op.Idempotent {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "Makes a retry of this request return the first response instead of creating twice.", "schema": map[string]any{"type": "string", "maxLength": 200}})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Request != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Request))}}}
		}
		resp := map[string]any{"description": "success"}
		if op.Response != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Response))}}
		}
		problem := map[string]any{"description": "error", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
		o["responses"] = map[string]any{itoa(status): resp, "default": problem}
		if len(op.Roles) > 0 {
			o["security"] = []any{map[string]any{"bearer": []string{}}}
			o["description"] = "Roles: " + strings.Join(op.Roles, ", ") + "."
		}
		paths[p][strings.ToLower(op.Method)] = o
	}
	g.schemas["Problem"] = map[string]any{"type": "object", "properties": map[string]any{
		"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
		"detail": map[string]any{"type": "string"}, "instance": map[string]any{"type": "string"}, "correlation_id": map[string]any{"type": "string"},
		"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}},
	}}
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

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

type gen struct{ schemas map[string]any }

var timeType = reflect.TypeOf(time.Time{})
var rawType = reflect.TypeOf(json.RawMessage{})

func (g *gen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if _, ref := s["$ref"]; ref {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := schemaName(t)
		if _, ok := g.schemas[name]; !ok {
			g.schemas[name] = map[string]any{} // placeholder breaks recursion
			props := map[string]any{}
			g.fields(t, props)
			g.schemas[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}

func (g *gen) fields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type)
		if d := f.Tag.Get("doc"); d != "" {
			if _, ref := s["$ref"]; ref {
				s = map[string]any{"allOf": []any{s}, "description": d}
			} else {
				s["description"] = d
			}
		}
		props[name] = s
	}
}

func schemaName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return "Anonymous"
	}
	if i := strings.IndexByte(name, '['); i >= 0 { // generic instantiation
		inner := name[i+1 : len(name)-1]
		if j := strings.LastIndexByte(inner, '.'); j >= 0 {
			inner = inner[j+1:]
		}
		name = name[:i] + "Of" + inner
	}
	pkg := t.PkgPath()
	if j := strings.LastIndexByte(pkg, '/'); j >= 0 {
		pkg = pkg[j+1:]
	}
	if pkg == "" {
		return name
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + name
}
