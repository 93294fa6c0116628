package exhibitorapp

import (
	"bytes"
	"net/url"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// addProduct adds a product named name to producer id through c and returns its ID.
func addProduct(t *testing.T, c testenv.Client, producerID, name, issued string) string {
	t.Helper()
	r := c.Do(t, "POST", "/api/producers/"+producerID+"/products", map[string]any{"name_vi": name, "criteria_set": 9, "stars": 4, "unit": "jar",
		"certificate": map[string]string{"decision_no": "79/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}})
	if r.Status != 201 {
		t.Fatalf("add %s: %d %s", name, r.Status, r.Body)
	}
	var p struct{ ID string }
	r.Decode(t, &p)
	return p.ID
}

// searchIDs returns the IDs of the catalogue's first page for q, in order.
func searchIDs(t *testing.T, c testenv.Client, q string) []string {
	t.Helper()
	var page struct{ Items []struct{ ID string } }
	c.Do(t, "GET", "/api/products?q="+url.QueryEscape(q), nil).Decode(t, &page)
	out := make([]string, len(page.Items))
	for i, it := range page.Items {
		out[i] = it.ID
	}
	return out
}

// The catalogue searches by words, in any order, whole or as a prefix, ignoring diacritics, and
// ranks whole-word hits first; a replica's own writes show at once.
func TestCatalogueSearchesByWords(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, honey := f.producerWithProduct(t, "1700000051", "Mật ong hoa bạc hà JR12", 4, issued)
	matcha := addProduct(t, a, aID, "Matcha Đà Lạt", issued)
	addProduct(t, a, aID, "Nước mắm Phú Quốc", issued)

	if got := searchIDs(t, f.api, "mat ong jr12"); len(got) != 1 || got[0] != honey {
		t.Errorf("q=mat ong jr12 finds %v, want only %s (Mật ong hoa bạc hà JR12)", got, honey)
	}
	if got := searchIDs(t, f.api, "jr12 MẬT"); len(got) != 1 || got[0] != honey {
		t.Errorf("q=jr12 MẬT finds %v, want only %s", got, honey)
	}
	// "mat" is the whole word "Mật" but only the start of "Matcha".
	if got := searchIDs(t, f.api, "mat"); len(got) != 2 || got[0] != honey || got[1] != matcha {
		t.Errorf("q=mat finds %v, want the whole-word hit %s before the prefix hit %s", got, honey, matcha)
	}
	if got := searchIDs(t, f.api, "ong mat rung"); len(got) != 0 {
		t.Errorf("q=ong mat rung finds %v, want none: every word must match", got)
	}
	if r := a.Do(t, "PATCH", "/api/products/"+matcha, map[string]any{"name_vi": "Trà xanh Đà Lạt"}); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	if got := searchIDs(t, f.api, "tra xanh"); len(got) != 1 || got[0] != matcha {
		t.Errorf("right after the rename, q=tra xanh finds %v, want %s", got, matcha)
	}
	if got := searchIDs(t, f.api, "mat"); len(got) != 1 || got[0] != honey {
		t.Errorf("right after the rename, q=mat finds %v, want only %s", got, honey)
	}
}

// The catalogue and a producer's list carry an ETag; asking again with it gets 304 and no body
// until what the page shows changes.
func TestCatalogueAnswersNotModified(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, prod := f.producerWithProduct(t, "1700000061", "Mật ong rừng U Minh", 4, issued)
	for _, path := range []string{"/api/products?limit=20", "/api/products?q=mat+ong", "/api/producers/" + aID + "/products"} {
		t.Run(path, func(t *testing.T) {
			first := f.api.Do(t, "GET", path, nil)
			tag := first.Header.Get("ETag")
			if first.Status != 200 || tag == "" {
				t.Fatalf("GET %s: %d, ETag %q", path, first.Status, tag)
			}
			again := f.api.Do(t, "GET", path, nil, "If-None-Match", tag)
			if again.Status != 304 || len(again.Body) != 0 || again.Header.Get("ETag") != tag {
				t.Errorf("GET %s with If-None-Match %s: %d, body %q, ETag %q; want 304, no body, the same ETag", path, tag, again.Status, again.Body, again.Header.Get("ETag"))
			}
			if other := f.api.Do(t, "GET", path, nil, "If-None-Match", `"something-else"`); other.Status != 200 || !bytes.Equal(other.Body, first.Body) {
				t.Errorf("GET %s with another ETag: %d, want 200 and the page", path, other.Status)
			}
		})
	}
	before := f.api.Do(t, "GET", "/api/products?limit=20", nil).Header.Get("ETag")
	if r := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"stars": 5, "certificate": map[string]string{"decision_no": "77/QĐ-BNNMT", "issued_by": "Bộ Nông nghiệp và Môi trường", "issued_on": time.Now().AddDate(0, -1, 0).Format(time.DateOnly)}}); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	after := f.api.Do(t, "GET", "/api/products?limit=20", nil, "If-None-Match", before)
	if after.Status != 200 || after.Header.Get("ETag") == before || !bytes.Contains(after.Body, []byte(`"stars":5`)) {
		t.Errorf("after a change, If-None-Match with the old ETag: %d, ETag %q (old %q), body %s; want 200 with the change and a new ETag",
			after.Status, after.Header.Get("ETag"), before, after.Body)
	}
}

// replica starts one replica of the service on a shared NATS and database server.
func replica(t *testing.T, natsURL, uri string, tokens testenv.Tokens) fixture {
	t.Helper()
	cfg := Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour}
	cfg.MongoURI = uri
	app, err := New(t.Context(), cfg, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{app: app, api: testenv.Client{Base: testenv.Serve(t, app.Run)}, tokens: tokens, js: app.Host.JS}
}

// sameCatalogue checks that two replicas answer every path with the same body.
func sameCatalogue(t *testing.T, one, two testenv.Client, paths []string) {
	t.Helper()
	for _, p := range paths {
		if a, b := one.Do(t, "GET", p, nil), two.Do(t, "GET", p, nil); a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
			t.Errorf("GET %s: first replica %d %s\nsecond replica %d %s", p, a.Status, a.Body, b.Status, b.Body)
		}
	}
}

// A replica that starts late loads the catalogue before it is ready, and each replica's writes
// reach the other's catalogue through the stream.
func TestCatalogueReplicasFollowEachOther(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	uri := testenv.SharedURI(t)
	tokens := testenv.NewTokens(t)
	one := replica(t, natsURL, uri, tokens)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, honey := one.producerWithProduct(t, "1700000071", "Mật ong hoa bạc hà JR12", 4, issued)
	tea := addProduct(t, a, aID, "Chè Tân Cương", issued)

	two := replica(t, natsURL, uri, tokens)
	testenv.Eventually(t, "the late replica ready", func() bool { return two.api.Do(t, "GET", "/readyz", nil).Status == 200 })
	paths := []string{"/api/products", "/api/products?q=mat+ong+jr12", "/api/products?limit=1", "/api/producers/" + aID + "/products"}
	sameCatalogue(t, one.api, two.api, paths)

	// A write on the second replica reaches the first; the first's change and delete reach the second.
	a2 := two.api.With(a.Token)
	if r := a2.Do(t, "PATCH", "/api/products/"+tea, map[string]any{"name_vi": "Chè móc câu Tân Cương"}); r.Status != 200 {
		t.Fatalf("patch on the second replica: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the first replica sees the second's rename", func() bool {
		got := searchIDs(t, one.api, "che moc cau")
		return len(got) == 1 && got[0] == tea
	})
	if r := a.Do(t, "DELETE", "/api/products/"+honey, nil); r.Status != 204 {
		t.Fatalf("delete on the first replica: %d %s", r.Status, r.Body)
	}
	added := addProduct(t, a, aID, "Nước mắm Phú Quốc", issued)
	testenv.Eventually(t, "the second replica sees the first's delete and create", func() bool {
		return len(searchIDs(t, two.api, "mat ong")) == 0 && len(searchIDs(t, two.api, "nuoc mam")) == 1 && searchIDs(t, two.api, "nuoc mam")[0] == added
	})
	sameCatalogue(t, one.api, two.api, append(paths, "/api/products?q=che", "/api/products?q=nuoc+mam"))
}
