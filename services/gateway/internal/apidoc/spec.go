package apidoc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// spec is the part of an OpenAPI document the reference page shows.
type spec struct {
	Info struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]*schema   `json:"schemas"`
		Responses  map[string]*response `json:"responses"`
		Parameters map[string]*param    `json:"parameters"`
	} `json:"components"`
}

type operation struct {
	Summary     string              `json:"summary"`
	Description string              `json:"description"`
	OperationID string              `json:"operationId"`
	Tags        []string            `json:"tags"`
	Parameters  []*param            `json:"parameters"`
	RequestBody *body               `json:"requestBody"`
	Responses   map[string]response `json:"responses"`
	Security    []map[string]any    `json:"security"`
	Service     string              `json:"x-ocopfair-service"`
}

type param struct {
	Ref         string  `json:"$ref"`
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description"`
	Required    bool    `json:"required"`
	Schema      *schema `json:"schema"`
}

type body struct {
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content"`
}

type response struct {
	Ref         string               `json:"$ref"`
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content"`
}

type mediaType struct {
	Schema  *schema `json:"schema"`
	Example any     `json:"example"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 any                `json:"type"` // a name, or a list of names (3.1)
	Format               string             `json:"format"`
	Description          string             `json:"description"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AllOf                []*schema          `json:"allOf"`
	OneOf                []*schema          `json:"oneOf"`
	AnyOf                []*schema          `json:"anyOf"`
	Enum                 []any              `json:"enum"`
	Nullable             bool               `json:"nullable"`
	Example              any                `json:"example"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
}

// refName is the component name a "#/components/<kind>/<name>" reference points at.
func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// typeName describes s in a few words: "string (date-time)", "array of X", "X" for a reference.
func (s *schema) typeName() string {
	switch {
	case s == nil:
		return "any"
	case s.Ref != "":
		return refName(s.Ref)
	case len(s.AllOf) == 1:
		return s.AllOf[0].typeName()
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		var names []string
		for _, o := range append(slices.Clone(s.OneOf), s.AnyOf...) {
			names = append(names, o.typeName())
		}
		return strings.Join(names, " | ")
	}
	t := s.kind()
	switch {
	case t == "array":
		return "array of " + s.Items.typeName()
	case t == "object" && len(s.Properties) == 0 && len(s.AdditionalProperties) > 0 && string(s.AdditionalProperties) != "false":
		var v schema
		if json.Unmarshal(s.AdditionalProperties, &v) == nil {
			return "map of " + v.typeName()
		}
	case t == "":
		return "any"
	}
	if s.Format != "" {
		return t + " (" + s.Format + ")"
	}
	return t
}

// kind is s's type, the first that is not "null" when it names several.
func (s *schema) kind() string {
	switch t := s.Type.(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if n, _ := e.(string); n != "" && n != "null" {
				return n
			}
		}
	}
	if len(s.Properties) > 0 {
		return "object"
	}
	return ""
}

// link is the reference a schema's type points at, for the page to link; "" for none.
func (s *schema) link() string {
	switch {
	case s == nil:
		return ""
	case s.Ref != "":
		return refName(s.Ref)
	case len(s.AllOf) == 1:
		return s.AllOf[0].link()
	case s.kind() == "array":
		return s.Items.link()
	}
	return ""
}

// example builds an example value of s: its own example where it has one, otherwise one made
// from its type, following references at most depth deep.
func (sp *spec) example(s *schema, depth int) any {
	switch {
	case s == nil || depth > 6:
		return nil
	case s.Example != nil:
		return s.Example
	case s.Ref != "":
		return sp.example(sp.Components.Schemas[refName(s.Ref)], depth+1)
	case len(s.AllOf) > 0:
		return sp.example(s.AllOf[0], depth)
	case len(s.OneOf) > 0:
		return sp.example(s.OneOf[0], depth)
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch s.kind() {
	case "object":
		out := map[string]any{}
		for name, p := range s.Properties {
			out[name] = sp.example(p, depth+1)
		}
		return out
	case "array":
		return []any{sp.example(s.Items, depth+1)}
	case "integer":
		return 1
	case "number":
		return 1.5
	case "boolean":
		return true
	case "string":
		return exampleString(s.Format)
	}
	return nil
}

func exampleString(format string) string {
	switch format {
	case "date-time":
		return "2026-03-15T09:00:00+07:00"
	case "date":
		return "2026-03-15"
	case "uuid":
		return "0192a7c4-5d7e-7c3a-9f00-000000000001"
	case "email":
		return "htx@example.vn"
	case "uri":
		return "https://example.vn"
	}
	return "chuỗi (string)"
}

// exampleJSON is the indented JSON of v.
func exampleJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// resolveParam returns p, or the component it refers to.
func (sp *spec) resolveParam(p *param) *param {
	if p != nil && p.Ref != "" {
		if c := sp.Components.Parameters[refName(p.Ref)]; c != nil {
			return c
		}
	}
	return p
}

// resolveResponse returns r, or the component it refers to.
func (sp *spec) resolveResponse(r response) response {
	if r.Ref != "" {
		if c := sp.Components.Responses[refName(r.Ref)]; c != nil {
			return *c
		}
	}
	return r
}
