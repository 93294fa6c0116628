package openapi

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// mode says which side of an exchange a schema describes: encoding/json writes every field of a
// response unless it is omitempty, while a request's required fields are those the handler
// checks, named by a `required:"true"` tag.
type mode int

const (
	inResponse mode = iota
	inRequest
)

// gen turns Go types into JSON schemas, one named component per struct type and mode.
type gen struct {
	schemas map[string]any
	names   map[schemaKey]string
	owners  map[string]schemaKey
}

type schemaKey struct {
	t reflect.Type
	m mode
}

func newGen() *gen {
	return &gen{schemas: map[string]any{}, names: map[schemaKey]string{}, owners: map[string]schemaKey{}}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schema returns the schema of t; ctx names an anonymous struct after where it appears.
func (g *gen) schema(t reflect.Type, m mode, ctx string) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.schema(t.Elem(), m, ctx))
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"} // encoding/json writes []byte as base64
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem(), m, ctx+"Item")}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem(), m, ctx+"Value")}
	case reflect.Struct:
		return g.object(t, m, ctx)
	}
	return map[string]any{} // interfaces hold any JSON value
}

// nullable marks s as also allowing null; a $ref cannot carry siblings in OpenAPI 3.0, so it is
// wrapped in allOf.
func nullable(s map[string]any) map[string]any {
	if _, ref := s["$ref"]; ref {
		return map[string]any{"allOf": []any{s}, "nullable": true}
	}
	s["nullable"] = true
	return s
}

// object returns a $ref to the component of struct t, building it on first use. Every object
// is closed (additionalProperties: false): requests because the server rejects unknown fields,
// responses so that a field the handler adds without documenting it fails validation.
func (g *gen) object(t reflect.Type, m mode, ctx string) map[string]any {
	k := schemaKey{t, m}
	if name, ok := g.names[k]; ok {
		return ref(name)
	}
	name := g.nameOf(t, m, ctx)
	g.build(name, k)
	return ref(name)
}

// build stores the component name for the struct and mode of k.
func (g *gen) build(name string, k schemaKey) {
	g.names[k], g.owners[name] = name, k
	g.schemas[name] = map[string]any{} // a placeholder ends recursion through this type
	props := map[string]any{}
	var required []string
	g.fields(k.t, k.m, name, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	g.schemas[name] = s
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// fields adds t's JSON fields to props the way encoding/json sees them: embedded structs
// without a name are flattened, "-" and unexported fields are skipped.
func (g *gen) fields(t reflect.Type, m mode, owner string, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, m, owner, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.field(f, m, owner+camel(name), hasOpt(opts, "string"))
		if m == inResponse && !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") ||
			m == inRequest && f.Tag.Get("required") == "true" {
			*required = append(*required, name)
		}
	}
}

// field is the schema of one struct field with what its tags add: doc (description), enum
// (comma-separated), format, example and nullable.
func (g *gen) field(f reflect.StructField, m mode, ctx string, quoted bool) map[string]any {
	s := g.schema(f.Type, m, ctx)
	if quoted { // `json:",string"` writes numbers and booleans as strings
		s = map[string]any{"type": "string"}
	}
	extra := map[string]any{}
	if d := f.Tag.Get("doc"); d != "" {
		extra["description"] = d
	}
	if e := f.Tag.Get("enum"); e != "" {
		// An enum tag on a list names the values of its items, each read as the item's type.
		target := s
		if items, ok := s["items"].(map[string]any); ok && s["type"] == "array" {
			target = items
		}
		var values []any
		for _, v := range strings.Split(e, ",") {
			values = append(values, exampleOf(target, v))
		}
		target["enum"] = values
	}
	if v := f.Tag.Get("format"); v != "" {
		if items, ok := s["items"].(map[string]any); ok && s["type"] == "array" {
			items["format"] = v // as with enum, a format on a list is its items'
		} else {
			extra["format"] = v
		}
	}
	if v, ok := f.Tag.Lookup("example"); ok {
		extra["example"] = exampleOf(s, v)
	}
	if f.Tag.Get("nullable") == "true" {
		extra["nullable"] = true
	}
	if len(extra) == 0 {
		return s
	}
	if _, isRef := s["$ref"]; isRef {
		extra["allOf"] = []any{s}
		return extra
	}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

// exampleOf reads an example tag as a value of the schema's type.
func exampleOf(s map[string]any, v string) any {
	switch s["type"] {
	case "integer":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	case "number":
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	case "boolean":
		return v == "true"
	case "array", "object":
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			return x
		}
	}
	return v
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// nameOf names a component after the type's package and name ("application.response" is
// ApplicationResponse, "httpx.List[application.response]" is ApplicationResponseList), an
// anonymous struct after where it appears; a request's types end in Request or Input. A name
// another type holds already gets a number, so two types never share a schema.
func (g *gen) nameOf(t reflect.Type, m mode, ctx string) string {
	name := ctx
	if t.Name() != "" {
		name = typeName(t.PkgPath(), t.Name())
	}
	if name == "" {
		name = "Body"
	}
	if m == inRequest && !strings.HasSuffix(name, "Request") && !strings.HasSuffix(name, "Input") {
		name += "Input" // a type may be both sent and received, with different required fields
	}
	base := name
	for n := 2; ; n++ {
		if _, taken := g.owners[name]; !taken {
			return name
		}
		name = base + strconv.Itoa(n)
	}
}

// typeName turns a package path and a (possibly generic) type name into one identifier.
func typeName(pkgPath, name string) string {
	if open := strings.IndexByte(name, '['); open >= 0 && strings.HasSuffix(name, "]") {
		var args []string
		for _, arg := range strings.Split(name[open+1:len(name)-1], ",") {
			dot := strings.LastIndexByte(arg, '.')
			args = append(args, typeName(arg[:max(dot, 0)], arg[dot+1:]))
		}
		return strings.Join(args, "") + camel(name[:open]) // httpx.List[T] is TList
	}
	pkg := pkgPath[strings.LastIndexByte(pkgPath, '/')+1:]
	if pkg == "" || strings.HasPrefix(strings.ToLower(name), strings.ToLower(pkg)) {
		return camel(name) // report.Report is Report, not ReportReport
	}
	return camel(pkg) + camel(name)
}

// camel turns snake_case, kebab-case and dotted words into CamelCase.
func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == '/' || r == ' ' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
