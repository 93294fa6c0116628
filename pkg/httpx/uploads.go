package httpx

import "strings"

// uploadLimits finds the body limit of a request path among Options.Uploads: a key is an exact
// path ("/api/producers/import") or a gin-style pattern whose ":name" segments match any one
// segment ("/api/products/:id/photo"), so that a route with an ID in its path may take a file.
type uploadLimits struct {
	exact    map[string]int64
	patterns []uploadPattern
}

type uploadPattern struct {
	segs  []string
	limit int64
}

func newUploadLimits(uploads map[string]int64) uploadLimits {
	u := uploadLimits{exact: map[string]int64{}}
	for key, limit := range uploads {
		if !strings.Contains(key, "/:") {
			u.exact[key] = limit
			continue
		}
		u.patterns = append(u.patterns, uploadPattern{segs: strings.Split(strings.Trim(key, "/"), "/"), limit: limit})
	}
	return u
}

// limit returns the limit for path, and whether one of the keys names it.
func (u uploadLimits) limit(path string) (int64, bool) {
	if n, ok := u.exact[path]; ok {
		return n, true
	}
	if len(u.patterns) == 0 {
		return 0, false
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
outer:
	for _, p := range u.patterns {
		if len(segs) != len(p.segs) {
			continue
		}
		for i, s := range p.segs {
			if wild := strings.HasPrefix(s, ":"); wild && segs[i] == "" || !wild && s != segs[i] {
				continue outer
			}
		}
		return p.limit, true
	}
	return 0, false
}
