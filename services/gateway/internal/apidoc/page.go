package apidoc

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

type pageView struct {
	Title, Description string
	Missing, Stale     []string
	Unrouted, Dead     []string
	Tags               []tagView
	Schemas            []schemaView
}

type tagView struct {
	Name string
	Ops  []opView
}

type opView struct {
	ID, Method, Path, Summary, Description, Service string
	Auth                                            bool
	Params                                          []fieldView
	Request                                         *bodyView
	Responses, Errors                               []respView
	Curl, ResponseExample                           string
}

type fieldView struct {
	Name, In, Type, Link, Description, Enum string
	Required                                bool
}

type bodyView struct{ Type, Link string }

type respView struct{ Status, Description, Type, Link string }

type schemaView struct {
	Name, Description, Type, Enum string
	Props                         []fieldView
}

// render renders the reference page of snap's document; an error (internal to RespondError) means
// the merged document is not what merge builds.
func render(snap Snapshot) ([]byte, error) {
	var sp spec
	if err := json.Unmarshal(snap.JSON, &sp); err != nil {
		return nil, fmt.Errorf("the merged API document does not decode: %w", err)
	}
	v := pageView{Title: sp.Info.Title, Description: sp.Info.Description, Missing: snap.Missing, Stale: snap.Stale,
		Unrouted: snap.Unrouted, Dead: snap.Dead}
	byTag := map[string][]opView{}
	for path, item := range sp.Paths {
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("operation %s %s does not decode: %w", m, path, err)
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], sp.opView(strings.ToUpper(m), path, op))
		}
	}
	for _, name := range sortedKeys(byTag) {
		ops := byTag[name]
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return ops[i].Method < ops[j].Method
		})
		v.Tags = append(v.Tags, tagView{Name: name, Ops: ops})
	}
	for _, name := range sortedKeys(sp.Components.Schemas) {
		v.Schemas = append(v.Schemas, schemaViewOf(name, sp.Components.Schemas[name]))
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("rendering the API reference: %w", err)
	}
	return buf.Bytes(), nil
}

// opView describes one operation for the page, with an example request and response.
func (sp *spec) opView(method, path string, op operation) opView {
	id := op.OperationID
	if id == "" {
		id = strings.ToLower(method) + strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)
	}
	o := opView{ID: id, Method: method, Path: path, Summary: op.Summary, Description: op.Description, Service: op.Service}
	for _, req := range op.Security {
		o.Auth = o.Auth || len(req) > 0
	}
	for _, p := range op.Parameters {
		if p = sp.resolveParam(p); p != nil {
			o.Params = append(o.Params, fieldView{Name: p.Name, In: p.In, Type: p.Schema.typeName(), Link: p.Schema.link(),
				Description: p.Description, Required: p.Required, Enum: enumOf(p.Schema)})
		}
	}
	var reqExample any
	if op.RequestBody != nil {
		if mt, ok := jsonContent(op.RequestBody.Content); ok {
			o.Request = &bodyView{Type: mt.Schema.typeName(), Link: mt.Schema.link()}
			reqExample = mt.Example
			if reqExample == nil {
				reqExample = sp.example(mt.Schema, 0)
			}
		}
	}
	for _, status := range sortedKeys(op.Responses) {
		r := sp.resolveResponse(op.Responses[status])
		rv := respView{Status: status, Description: r.Description}
		mt, ok := jsonContent(r.Content)
		if ok {
			rv.Type, rv.Link = mt.Schema.typeName(), mt.Schema.link()
		}
		if strings.HasPrefix(status, "2") {
			o.Responses = append(o.Responses, rv)
			if ok && o.ResponseExample == "" {
				ex := mt.Example
				if ex == nil {
					ex = sp.example(mt.Schema, 0)
				}
				o.ResponseExample = exampleJSON(ex)
			}
		} else {
			o.Errors = append(o.Errors, rv)
		}
	}
	o.Curl = curl(method, path, o.Auth, reqExample)
	return o
}

// curl is an example request of the operation, as a curl command against the local gateway.
func curl(method, path string, auth bool, body any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -X %s 'http://localhost:8080%s'", method, path)
	if auth {
		b.WriteString(" \\\n  -H 'Authorization: Bearer $TOKEN'")
	}
	b.WriteString(" \\\n  -H 'Accept-Language: vi'")
	if body != nil {
		b.WriteString(" \\\n  -H 'Content-Type: application/json' \\\n  -d '" + strings.ReplaceAll(exampleJSON(body), "'", `'\''`) + "'")
	}
	return b.String()
}

// jsonContent returns the JSON media type of content (application/json, a problem document, or
// any +json type).
func jsonContent(content map[string]mediaType) (mediaType, bool) {
	for _, ct := range sortedKeys(content) {
		if ct == "application/json" || strings.HasSuffix(ct, "+json") {
			return content[ct], true
		}
	}
	return mediaType{}, false
}

func schemaViewOf(name string, s *schema) schemaView {
	v := schemaView{Name: name, Type: s.typeName(), Enum: enumOf(s)}
	if s != nil {
		v.Description = s.Description
		props := s.Properties
		if len(s.AllOf) == 1 && s.AllOf[0].Properties != nil {
			props = s.AllOf[0].Properties
		}
		for _, p := range sortedKeys(props) {
			ps := props[p]
			v.Props = append(v.Props, fieldView{Name: p, Type: ps.typeName(), Link: ps.link(), Description: description(ps),
				Required: slices.Contains(s.Required, p), Enum: enumOf(ps)})
		}
	}
	return v
}

// description is s's description, or that of the one schema it wraps.
func description(s *schema) string {
	if s != nil && s.Description == "" && len(s.AllOf) == 1 {
		return s.AllOf[0].Description
	}
	if s == nil {
		return ""
	}
	return s.Description
}

// enumOf lists s's allowed values, or "" when any value of its type is allowed.
func enumOf(s *schema) string {
	if s == nil {
		return ""
	}
	if len(s.Enum) == 0 && s.kind() == "array" && s.Items != nil {
		s = s.Items
	}
	vals := make([]string, 0, len(s.Enum))
	for _, e := range s.Enum {
		vals = append(vals, fmt.Sprint(e))
	}
	return strings.Join(vals, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
