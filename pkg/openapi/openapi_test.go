package openapi_test

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/openapi"
)

type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

type producer struct {
	ID   string `json:"id" format:"uuid" example:"0190a3c4-0000-7000-8000-000000000001"`
	Name string `json:"name" doc:"legal name"`
}

type product struct {
	ID      string     `json:"id" format:"uuid"`
	Stars   int        `json:"stars" enum:"3,4,5" example:"4"`
	Expires *time.Time `json:"expires_at"`
	Owner   *producer  `json:"owner"`
	Tags    []string   `json:"tags,omitempty" enum:"organic,export"`
	Images  []string   `json:"images" format:"uri"`
	Counts  struct {
		Held int `json:"held"`
	} `json:"counts"`
	Money struct {
		VND int64 `json:"vnd"`
	} `json:"money"`
}

type productInput struct {
	Name  string `json:"name" required:"true"`
	Notes string `json:"notes"`
}

type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Code   string `json:"code,omitempty"`
}

func testDoc() *openapi.Doc {
	d := openapi.New("test", "1", "")
	d.SetProblem(problem{})
	d.Add(openapi.Op{Method: "GET", Path: "/api/producers", Response: page[producer]{}})
	d.Add(openapi.Op{Method: "GET", Path: "/api/products", Response: page[product]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}}})
	d.Add(openapi.Op{Method: "POST", Path: "/api/producers/:id/products", Roles: []string{"producer"}, Request: productInput{},
		Response: product{}, Status: 201, Idempotent: true})
	d.Add(openapi.Op{Method: "POST", Path: "/api/products/:id/withdraw", Roles: []string{"producer"}, Request: productInput{}, OptionalBody: true})
	d.Add(openapi.Op{Method: "POST", Path: "/api/products/:id/close", Roles: []string{"producer"}})
	return d
}

// decoded is the document as a client reads it.
type decoded struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	RequestBody *struct {
		Required bool                               `json:"required"`
		Content  map[string]struct{ Schema schema } `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct{ Schema schema } `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref                  string            `json:"$ref"`
	Type                 string            `json:"type"`
	Format               string            `json:"format"`
	Description          string            `json:"description"`
	Nullable             bool              `json:"nullable"`
	Enum                 []any             `json:"enum"`
	Example              any               `json:"example"`
	Required             []string          `json:"required"`
	AllOf                []schema          `json:"allOf"`
	Items                *schema           `json:"items"`
	Properties           map[string]schema `json:"properties"`
	AdditionalProperties *bool             `json:"additionalProperties"`
}

func decode(t *testing.T, d *openapi.Doc) decoded {
	t.Helper()
	var doc decoded
	if err := json.Unmarshal(d.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestJSONIsAValidDocument(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(testDoc().JSON())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("Validate() = %v, want a valid document", err)
	}
}

func TestEachResourceHasItsOwnSchema(t *testing.T) {
	doc := decode(t, testDoc())
	lists := map[string]string{}
	for path, want := range map[string]string{"/api/producers": "OpenapiTestProducer", "/api/products": "OpenapiTestProduct"} {
		list := doc.Paths[path]["get"].Responses["200"].Content["application/json"].Schema.Ref
		lists[path] = list
		items := doc.Components.Schemas[list[len("#/components/schemas/"):]].Properties["items"].Items
		if items == nil || items.Ref != "#/components/schemas/"+want {
			t.Errorf("%s lists %+v, want items of %s", path, items, want)
		}
	}
	if lists["/api/producers"] == lists["/api/products"] {
		t.Errorf("both lists are %s, want one schema each", lists["/api/producers"])
	}
	p := doc.Components.Schemas["OpenapiTestProduct"]
	counts, money := p.Properties["counts"].Ref, p.Properties["money"].Ref
	if counts == "" || counts == money {
		t.Errorf("anonymous structs counts = %q, money = %q, want a schema each", counts, money)
	}
}

func TestResponseSchemasSayWhatEncodingJSONWrites(t *testing.T) {
	doc := decode(t, testDoc())
	p := doc.Components.Schemas["OpenapiTestProduct"]
	if want := []string{"counts", "expires_at", "id", "images", "money", "owner", "stars"}; !slices.Equal(p.Required, want) {
		t.Errorf("required = %v, want %v (every field without omitempty)", p.Required, want)
	}
	if p.AdditionalProperties == nil || *p.AdditionalProperties {
		t.Errorf("additionalProperties = %v, want false", p.AdditionalProperties)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"id format", p.Properties["id"].Format, "uuid"},
		{"stars enum", p.Properties["stars"].Enum, []any{float64(3), float64(4), float64(5)}},
		{"stars example", p.Properties["stars"].Example, float64(4)},
		{"expires_at", []any{p.Properties["expires_at"].Format, p.Properties["expires_at"].Nullable}, []any{"date-time", true}},
		{"owner", p.Properties["owner"].Nullable && len(p.Properties["owner"].AllOf) == 1, true},
		{"tags items enum", p.Properties["tags"].Items.Enum, []any{"organic", "export"}},
		{"images items format", []string{p.Properties["images"].Format, p.Properties["images"].Items.Format}, []string{"", "uri"}},
		{"name doc", doc.Components.Schemas["OpenapiTestProducer"].Properties["name"].Description, "legal name"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	problem := doc.Components.Schemas["Problem"]
	if want := []string{"status", "type"}; !slices.Equal(problem.Required, want) || problem.Properties["code"].Type != "string" {
		t.Errorf("Problem = %+v, want the struct given to SetProblem with required %v", problem, want)
	}
}

func TestRequestsRequireOnlyWhatTheHandlerRequires(t *testing.T) {
	doc := decode(t, testDoc())
	create := doc.Paths["/api/producers/{id}/products"]["post"]
	in := create.RequestBody.Content["application/json"].Schema.Ref
	s := doc.Components.Schemas[in[len("#/components/schemas/"):]]
	if !slices.Equal(s.Required, []string{"name"}) || s.AdditionalProperties == nil || *s.AdditionalProperties {
		t.Errorf("request schema = %+v, want only name required and no other fields allowed", s)
	}
	if !create.RequestBody.Required || doc.Paths["/api/products/{id}/withdraw"]["post"].RequestBody.Required {
		t.Errorf("bodies required: create %v, withdraw %v; want true, false (OptionalBody)",
			create.RequestBody.Required, doc.Paths["/api/products/{id}/withdraw"]["post"].RequestBody.Required)
	}
}

func TestEveryOperationListsTheErrorsItCanAnswer(t *testing.T) {
	doc := decode(t, testDoc())
	tests := []struct {
		path, method string
		want         []string
	}{
		{"/api/producers", "get", []string{"200", "401", "500", "503"}},
		{"/api/products", "get", []string{"200", "401", "422", "500", "503"}},
		{"/api/producers/{id}/products", "post", []string{"201", "400", "401", "403", "404", "408", "409", "413", "422", "500", "503"}},
		{"/api/products/{id}/close", "post", []string{"200", "400", "401", "403", "404", "409", "500", "503"}},
	}
	for _, tt := range tests {
		op := doc.Paths[tt.path][tt.method]
		var got []string
		for status, r := range op.Responses {
			got = append(got, status)
			if status >= "400" && r.Content["application/problem+json"].Schema.Ref != "#/components/schemas/Problem" {
				t.Errorf("%s %s %s has no problem document", tt.method, tt.path, status)
			}
		}
		sort.Strings(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s responses = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
